//! A file's `provider` block: creates the provider on first sight, and a later layer's block overrides only the
//! fields it sets.

use rust_decimal::Decimal;

use super::{FileCx, Loader, to_decimal};
use crate::pricing::Provider;
use crate::pricing::schema::ProviderDef;

impl Loader {
    /// `orphan_models`: the file lists models and has no `provider` key at all.
    pub(super) fn add_provider(&mut self, cx: &FileCx, def: Option<&ProviderDef>, orphan_models: bool) {
        let block =
            cx.y.key_line(cx.y.all(), "provider")
                .map_or(cx.y.all(), |k| cx.y.block(k, cx.y.all().1));
        let line = cx.line(block, "id");
        let Some(def) = def else {
            if orphan_models {
                self.problem(
                    cx.name,
                    cx.line(cx.y.all(), "models"),
                    "`models` needs a `provider` block naming the provider".into(),
                );
            }
            return;
        };
        if def.id.is_empty() || def.id.contains('/') {
            self.problem(
                cx.name,
                line,
                format!("provider id `{}` must be non-empty and contain no `/`", def.id),
            );
        }
        let p = self.table.providers.entry(def.id.clone()).or_insert_with(|| Provider {
            illustrative: false,
            platform: false,
            name: def.id.clone(),
            batch_factor: Decimal::ONE,
            estimate_ratio: 1.0,
        });
        if let Some(n) = &def.name {
            p.name = n.clone();
        }
        if let Some(i) = def.illustrative {
            p.illustrative = i;
        }
        if let Some(x) = def.platform {
            p.platform = x;
        }
        let (batch, ratio) = (def.batch_factor, def.estimate_ratio);
        if let Some(b) = batch {
            match to_decimal(b).filter(|d| *d > Decimal::ZERO && *d <= Decimal::ONE) {
                Some(d) => self.table.providers.get_mut(&def.id).unwrap().batch_factor = d,
                None => self.problem(
                    cx.name,
                    cx.line(block, "batch_factor"),
                    format!("batch_factor must be in (0, 1], got {b}"),
                ),
            }
        }
        if let Some(r) = ratio {
            if r.is_finite() && r > 0.0 && r < 100.0 {
                self.table.providers.get_mut(&def.id).unwrap().estimate_ratio = r;
            } else {
                self.problem(
                    cx.name,
                    cx.line(block, "estimate_ratio"),
                    format!("estimate_ratio must be a positive number, got {r}"),
                );
            }
        }
    }
}
