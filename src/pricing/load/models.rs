//! A file's `models`: ids, names, tokenizer and the list of price rows (each row is read in `rows`). A model is
//! kept only if all of it is valid, so a half-checked model never prices a log.

use rust_decimal::Decimal;
use std::collections::HashMap;

use super::{FileCx, Loader, Origin};
use crate::pricing::lines::Span;
use crate::pricing::schema::ModelDef;
use crate::pricing::{Model, PriceRow, Provider, Tokenizer};
use crate::tokenize::Encoding;

impl Loader {
    /// Ids must be unique within a file; across layers, a model replaces the earlier one with its provider and id.
    pub(super) fn add_models(&mut self, cx: &FileCx, provider: &str, models: &[(ModelDef, Span)]) {
        let name = cx.name;
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (def, span) in models {
            let (def, span) = (def, *span);
            if let Some(&first) = seen.get(&def.id) {
                let msg = format!("duplicate model id `{}` (first defined at line {first})", def.id);
                self.problem(name, span.0 + 1, msg);
                continue;
            }
            seen.insert(def.id.clone(), span.0 + 1);
            if let Some(key) = &def.marginal {
                let line = cx.line(span, "marginal");
                self.marginal_refs
                    .push((name.to_string(), line, def.id.clone(), key.clone()));
            }
            if let Some(mut m) = self.model(cx, provider, def, span) {
                let replaced = self
                    .model_at
                    .get(&(m.provider.clone(), m.id.clone()))
                    .and_then(|&i| self.models[i].as_ref())
                    .filter(|(_, o)| o.layer < self.layer);
                if let Some((old, _)) = replaced {
                    let raised = super::inherit::inherit(&mut m, def, old);
                    self.table
                        .override_notes
                        .extend(raised.into_iter().map(|r| format!("{name}: {r}")));
                }
                let origin = Origin {
                    file: name.to_string(),
                    line: span.0 + 1,
                    names_line: if def.aliases.is_empty() {
                        span.0 + 1
                    } else {
                        cx.line(span, "aliases")
                    },
                    layer: self.layer,
                };
                // The earlier model gives way and the new one goes last, as if read after every other; but two
                // files of one layer (a directory) have no order a user meant, so defining a model in both is an
                // error, as it is within one file.
                let key = (m.provider.clone(), m.id.clone());
                if let Some(old) = self.model_at.insert(key, self.models.len()) {
                    if let Some((_, first)) = &self.models[old]
                        && first.layer == self.layer
                    {
                        let msg = format!(
                            "model `{}/{}` is also defined in {}:{}: the files of one layer may not define a model twice",
                            m.provider, m.id, first.file, first.line
                        );
                        self.problem(name, origin.line, msg);
                    }
                    self.models[old] = None;
                }
                self.models.push(Some((m, origin)));
            }
        }
    }

    fn model(&mut self, cx: &FileCx, provider: &str, def: &ModelDef, span: Span) -> Option<Model> {
        let name = cx.name;
        let before = self.problems.len();
        if def.id.trim().is_empty() {
            self.problem(name, span.0 + 1, "model id must not be empty".into());
        }
        let ratio = self.table.providers.get(provider).map_or(1.0, |p| p.estimate_ratio);
        let tokenizer = match def.tokenizer.as_deref() {
            None | Some("estimate") => Tokenizer::Estimate(ratio),
            Some(t) => match Encoding::parse(t) {
                Some(e) => Tokenizer::Exact(e),
                None => {
                    let msg = format!("unknown tokenizer `{t}`, expected `o200k_base`, `cl100k_base` or `estimate`");
                    self.problem(name, cx.line(span, "tokenizer"), msg);
                    Tokenizer::Estimate(ratio)
                }
            },
        };
        let deprecation_date = match def.deprecation_date.as_deref() {
            None => None,
            Some(s) => match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    let msg = format!("`deprecation_date` must be a date YYYY-MM-DD, got `{s}`");
                    self.problem(name, cx.line(span, "deprecation_date"), msg);
                    None
                }
            },
        };
        if def.prices.is_empty() {
            self.problem(name, span.0 + 1, format!("model `{}` has no `prices` rows", def.id));
        }
        let provider_def = self.table.providers.get(provider).cloned().unwrap_or(Provider {
            name: provider.to_string(),
            batch_factor: Decimal::ONE,
            estimate_ratio: 1.0,
            illustrative: false,
            platform: false,
        });
        let row_spans = cx.items(span, "prices", def.prices.len());
        let mut prices: Vec<PriceRow> = Vec::new();
        // Dates seen, in a set: a model may have any number of rows, and comparing each with every other is
        // quadratic (80,000 rows took 18 s).
        let mut dates = std::collections::HashSet::new();
        for (row, rspan) in def.prices.iter().zip(row_spans) {
            if let Some(r) = self.row(cx, row, rspan, &provider_def) {
                if !dates.insert(r.as_of) {
                    let msg = format!("two price rows of `{}` start on {}", def.id, r.as_of);
                    self.problem(name, cx.line(rspan, "as_of"), msg);
                }
                prices.push(r);
            }
        }
        prices.sort_by_key(|r| r.as_of);
        // Sorted without case, so that names differing only in case end up side by side.
        let mut names: Vec<&String> = std::iter::once(&def.id).chain(&def.aliases).collect();
        names.sort_by_cached_key(|n| n.to_lowercase());
        if let Some(w) = names.windows(2).find(|w| w[0].eq_ignore_ascii_case(w[1])) {
            self.problem(
                name,
                cx.line(span, "aliases"),
                format!("alias `{}` repeats a name of the same model", w[1]),
            );
        }
        if self.problems.len() > before {
            return None;
        }
        Some(Model {
            provider: provider.to_string(),
            id: def.id.clone(),
            aliases: def.aliases.clone(),
            patterns: def.patterns.clone(),
            tokenizer,
            context_window: def.context_window,
            deprecation_date,
            marginal: def.marginal.clone(),
            prices,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::problems_of;

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let text = "provider:\n  id: acme\nmodels:\n  - id: a\n    prices:\n      - as_of: 2024-01-01\n        input: -1\n        output: 2\n        source: s\n  - id: b\n    tokenizer: klingon\n    prices:\n      - as_of: 2024-13-01\n        input: .nan\n        output: 1\n        source: s\n  - id: c\n    inptu: 3\n  - id: a\n    prices: []\n";
        let p = problems_of(text);
        assert_eq!(
            p,
            vec![
                "user.yaml:18: unknown field `inptu`, expected one of `id`, `aliases`, `patterns`, `tokenizer`, `context_window`, `deprecation_date`, `note`, `marginal`, `prices`",
                "user.yaml:7: `input` must be a finite price of 0 or more, got -1",
                "user.yaml:11: unknown tokenizer `klingon`, expected `o200k_base`, `cl100k_base` or `estimate`",
                "user.yaml:13: `as_of` must be a date YYYY-MM-DD, got `2024-13-01`",
                "user.yaml:14: `input` must be a finite price of 0 or more, got NaN",
                "user.yaml:19: duplicate model id `a` (first defined at line 4)",
            ]
        );
    }
}
