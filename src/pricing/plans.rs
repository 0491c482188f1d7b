//! Agent-session profiles (`tokencost project --profile`) and flat-rate plans (`--plan`): loaded and validated
//! like the price tables, and layered the same way (a later entry replaces an earlier one with the same id).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::lines::Span;
use super::load::{FileCx, Loader, to_decimal};
use super::schema::{PlanDef, ProfileDef};

/// The shape of an agent session: call k (from 0) sends `base + k x growth` prompt tokens and returns `output`.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub id: String,
    pub description: String,
    pub calls: u64,
    pub base_prompt_tokens: u64,
    pub growth_tokens_per_call: u64,
    pub output_tokens_per_call: u64,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub id: String,
    pub name: String,
    pub monthly_usd: Decimal,
    pub included_usd: Option<Decimal>,
    pub fair_use: Option<String>,
    pub source: String,
    pub as_of: NaiveDate,
}

/// Sessions longer than this are not agent sessions but a mistake in a profile.
const MAX_CALLS: u64 = 1_000_000;

impl Loader {
    pub(super) fn profile(&mut self, cx: &FileCx, def: &ProfileDef, span: Span) -> Option<Profile> {
        if def.calls == 0 || def.calls > MAX_CALLS {
            let msg = format!("profile `{}`: `calls` must be from 1 to {MAX_CALLS}", def.id);
            self.problem(cx.name, cx.line(span, "calls"), msg);
            return None;
        }
        if def.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
            self.problem(cx.name, span.0 + 1, format!("profile `{}` needs a `source`", def.id));
            return None;
        }
        Some(Profile {
            id: def.id.clone(),
            description: def.description.clone().unwrap_or_default(),
            calls: def.calls,
            base_prompt_tokens: def.base_prompt_tokens,
            growth_tokens_per_call: def.growth_tokens_per_call,
            output_tokens_per_call: def.output_tokens_per_call,
            source: def.source.clone().unwrap_or_default(),
        })
    }

    pub(super) fn plan(&mut self, cx: &FileCx, def: &PlanDef, span: Span) -> Option<Plan> {
        let before = self.problems.len();
        let as_of = self.date(cx.name, cx.line(span, "as_of"), def.as_of.as_deref());
        let money = |l: &mut Self, key: &str, v: f64| {
            let d = to_decimal(v).filter(|d| v.is_finite() && *d >= Decimal::ZERO);
            if d.is_none() {
                l.problem(
                    cx.name,
                    cx.line(span, key),
                    format!("`{key}` must be a finite amount of 0 or more, got {v}"),
                );
            }
            d
        };
        let monthly = money(self, "monthly_usd", def.monthly_usd);
        let included = def.included_usd.map(|v| money(self, "included_usd", v));
        if def.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
            self.problem(cx.name, span.0 + 1, format!("plan `{}` needs a `source`", def.id));
        }
        if self.problems.len() > before {
            return None;
        }
        Some(Plan {
            id: def.id.clone(),
            name: def.name.clone().unwrap_or_else(|| def.id.clone()),
            monthly_usd: monthly?,
            included_usd: included.flatten(),
            fair_use: def.fair_use.clone(),
            source: def.source.clone().unwrap_or_default(),
            as_of: as_of?,
        })
    }
}
