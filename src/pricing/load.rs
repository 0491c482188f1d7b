//! Loads the bundled price files and any user overrides into one validated `PriceTable`.
//!
//! Every file is checked whole and every problem is kept with its file and line, so a user editing a table sees
//! all of its mistakes at once. Layering: a later file's model replaces the earlier model with the same provider
//! and id; a later estimate replaces the one with the same id; a later provider block overrides the fields it sets.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::lines::{Span, YamlLines};
use super::schema::{LongContextDef, MarginalDef, ModelDef, PlanDef, PriceDef, ProfileDef, ProviderDef, RangeDef};
use super::{LongContext, Model, PriceRow, PriceTable, Provider, Rates, Tokenizer};
use crate::tokenize::Encoding;

/// The price files compiled into the binary.
const BUNDLED: &[(&str, &str)] = &[
    ("pricing/openai.yaml", include_str!("../../pricing/openai.yaml")),
    ("pricing/anthropic.yaml", include_str!("../../pricing/anthropic.yaml")),
    ("pricing/google.yaml", include_str!("../../pricing/google.yaml")),
    ("pricing/mistral.yaml", include_str!("../../pricing/mistral.yaml")),
    ("pricing/deepseek.yaml", include_str!("../../pricing/deepseek.yaml")),
    ("pricing/together.yaml", include_str!("../../pricing/together.yaml")),
    ("pricing/fireworks.yaml", include_str!("../../pricing/fireworks.yaml")),
    ("pricing/groq.yaml", include_str!("../../pricing/groq.yaml")),
    ("pricing/bedrock.yaml", include_str!("../../pricing/bedrock.yaml")),
    ("pricing/deepinfra.yaml", include_str!("../../pricing/deepinfra.yaml")),
    ("pricing/article.yaml", include_str!("../../pricing/article.yaml")),
    ("pricing/marginal.yaml", include_str!("../../pricing/marginal.yaml")),
    ("pricing/profiles.yaml", include_str!("../../pricing/profiles.yaml")),
    ("pricing/plans.yaml", include_str!("../../pricing/plans.yaml")),
];

/// One thing wrong with a pricing file, at its line (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// Loads the bundled tables, then each override (a YAML file, or a directory of them read in name order).
pub fn load(overrides: &[PathBuf]) -> Result<PriceTable, Vec<Problem>> {
    let mut l = Loader::default();
    for (name, text) in BUNDLED {
        l.add_file(name, text);
    }
    l.table.layers.push("bundled".into());
    for path in overrides {
        for file in l.expand(path) {
            match std::fs::read_to_string(&file) {
                Ok(text) => l.add_file(&file.display().to_string(), &text),
                Err(e) => l.problem(&file.display().to_string(), 0, format!("cannot read: {e}")),
            }
        }
        l.table.layers.push(path.display().to_string());
    }
    l.finish()
}

/// Validates one YAML text on its own, without the bundled tables (estimate references must resolve within it).
pub fn load_text(name: &str, text: &str) -> Result<PriceTable, Vec<Problem>> {
    let mut l = Loader::default();
    l.add_file(name, text);
    l.finish()
}

#[derive(Clone)]
pub(super) struct Origin {
    file: String,
    line: usize,
}

#[derive(Default)]
pub(super) struct Loader {
    pub(super) table: PriceTable,
    models: Vec<(Model, Origin)>,
    /// Every model's `marginal` reference, checked once all layers are in: (file, line, model, estimate id).
    marginal_refs: Vec<(String, usize, String, String)>,
    pub(super) problems: Vec<Problem>,
}

pub(super) fn to_decimal(v: f64) -> Option<Decimal> {
    Decimal::from_str(&v.to_string()).ok()
}

/// The first `name` quoted in backticks in a serde message, e.g. the field of "unknown field `inptu`".
fn quoted_field(msg: &str) -> Option<&str> {
    let start = msg.find('`')? + 1;
    let len = msg[start..].find('`')?;
    Some(&msg[start..start + len])
}

/// Per-file context for validation: the file's name and its line index.
pub(super) struct FileCx<'a> {
    pub(super) name: &'a str,
    pub(super) y: YamlLines<'a>,
}

impl FileCx<'_> {
    /// 1-based line of `key` inside `span`, else of the span's first line.
    pub(super) fn line(&self, span: Span, key: &str) -> usize {
        self.y.key_line(span, key).unwrap_or(span.0) + 1
    }

    fn items(&self, span: Span, key: &str, n: usize) -> Vec<Span> {
        let mut items = self.y.seq_items(span, key);
        let fallback = self.y.key_line(span, key).map_or(span, |k| (k, k + 1));
        items.resize(n.max(items.len()), fallback);
        items
    }
}

impl Loader {
    pub(super) fn problem(&mut self, file: &str, line: usize, message: String) {
        self.problems.push(Problem {
            file: file.to_string(),
            line: line.max(1),
            message,
        });
    }

    fn expand(&mut self, path: &Path) -> Vec<PathBuf> {
        if !path.is_dir() {
            return vec![path.to_path_buf()];
        }
        let mut files: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(rd) => rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect(),
            Err(e) => {
                self.problem(&path.display().to_string(), 0, format!("cannot read: {e}"));
                return Vec::new();
            }
        };
        files.sort();
        if files.is_empty() {
            self.problem(
                &path.display().to_string(),
                0,
                "no .yaml files in this directory".into(),
            );
        }
        files
    }

    /// Deserialises one item; on failure records the problem at the most precise line available.
    fn item<T: DeserializeOwned>(&mut self, cx: &FileCx, v: serde_yaml::Value, span: Span) -> Option<T> {
        let err = match serde_yaml::from_value::<T>(v) {
            Ok(t) => return Some(t),
            Err(e) => e.to_string(),
        };
        // Re-parse the item's own text to learn the line serde stopped at.
        let line = match serde_yaml::from_str::<T>(&cx.y.item_text(span)) {
            Err(e) if e.location().is_some() => span.0 + e.location().map_or(1, |l| l.line()),
            _ => quoted_field(&err).map_or(span.0 + 1, |f| cx.line(span, f)),
        };
        self.problem(cx.name, line, err);
        None
    }

    fn add_file(&mut self, name: &str, text: &str) {
        let cx = FileCx {
            name,
            y: YamlLines::new(text),
        };
        let value: serde_yaml::Value = match serde_yaml::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                let line = e.location().map_or(1, |l| l.line());
                return self.problem(name, line, format!("invalid YAML: {e}"));
            }
        };
        let map = match value {
            serde_yaml::Value::Mapping(m) => m,
            serde_yaml::Value::Null => return self.problem(name, 1, "the file is empty".into()),
            _ => {
                return self.problem(
                    name,
                    1,
                    "expected a mapping with `provider`, `models` or `marginal`".into(),
                );
            }
        };
        let all = cx.y.all();
        let (mut provider_def, mut models, mut marginal) = (None, Vec::new(), Vec::new());
        for (k, v) in map {
            let key = k.as_str().unwrap_or("").to_string();
            let at = (cx.y.key_line(all, &key).unwrap_or(0), all.1);
            match key.as_str() {
                "provider" => provider_def = self.item::<ProviderDef>(&cx, v, at),
                "cache_read_factor" => {
                    if let Some(f) = self.item::<RangeDef>(&cx, v, at) {
                        let line = cx.line(all, "cache_read_factor");
                        self.table.cache_read_factor = self.range(name, line, "cache_read_factor", f, true);
                    }
                }
                "models" => models = self.seq::<ModelDef>(&cx, v, "models"),
                "marginal" => marginal = self.seq::<MarginalDef>(&cx, v, "marginal"),
                "profiles" => {
                    for (def, span) in self.seq::<ProfileDef>(&cx, v, "profiles") {
                        if let Some(p) = self.profile(&cx, &def, span) {
                            self.table.profiles.insert(p.id.clone(), p);
                        }
                    }
                }
                "plans" => {
                    for (def, span) in self.seq::<PlanDef>(&cx, v, "plans") {
                        if let Some(p) = self.plan(&cx, &def, span) {
                            self.table.plans.insert(p.id.clone(), p);
                        }
                    }
                }
                _ => self.problem(
                    name,
                    at.0 + 1,
                    format!(
                        "unknown field `{key}`, expected one of `provider`, `models`, `cache_read_factor`, `marginal`, `profiles`, `plans`"
                    ),
                ),
            }
        }
        self.add_provider(&cx, provider_def.as_ref(), !models.is_empty());
        let provider = provider_def.as_ref().map(|p| p.id.clone()).unwrap_or_default();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (def, span) in &models {
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
            if let Some(m) = self.model(&cx, &provider, def, span) {
                let origin = Origin {
                    file: name.to_string(),
                    line: span.0 + 1,
                };
                self.models
                    .retain(|(old, _)| !(old.provider == m.provider && old.id == m.id));
                self.models.push((m, origin));
            }
        }
        for (def, span) in &marginal {
            if let Some(m) = self.marginal(&cx, def, *span) {
                self.table.marginal.insert(m.id.clone(), m);
            }
        }
    }

    fn seq<T: DeserializeOwned>(&mut self, cx: &FileCx, v: serde_yaml::Value, key: &str) -> Vec<(T, Span)> {
        let serde_yaml::Value::Sequence(items) = v else {
            let line = cx.line(cx.y.all(), key);
            self.problem(cx.name, line, format!("`{key}` must be a list"));
            return Vec::new();
        };
        let spans = cx.items(cx.y.all(), key, items.len());
        // Items that fail are dropped after their problem is recorded; the rest are still checked.
        items
            .into_iter()
            .zip(spans)
            .filter_map(|(item, span)| self.item(cx, item, span).map(|t| (t, span)))
            .collect()
    }

    fn add_provider(&mut self, cx: &FileCx, def: Option<&ProviderDef>, has_models: bool) {
        let line = cx.line(cx.y.all(), "provider");
        let Some(def) = def else {
            if has_models {
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
        let (batch, ratio) = (def.batch_factor, def.estimate_ratio);
        if let Some(b) = batch {
            match to_decimal(b).filter(|d| *d > Decimal::ZERO && *d <= Decimal::ONE) {
                Some(d) => self.table.providers.get_mut(&def.id).unwrap().batch_factor = d,
                None => self.problem(
                    cx.name,
                    cx.line(cx.y.all(), "batch_factor"),
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
                    cx.line(cx.y.all(), "estimate_ratio"),
                    format!("estimate_ratio must be a positive number, got {r}"),
                );
            }
        }
    }

    /// A price in USD per million tokens: finite and not negative.
    fn price(&mut self, file: &str, line: usize, what: &str, v: f64) -> Option<Decimal> {
        if !v.is_finite() || v < 0.0 {
            self.problem(
                file,
                line,
                format!("`{what}` must be a finite price of 0 or more, got {v}"),
            );
            return None;
        }
        let d = to_decimal(v);
        if d.is_none() {
            self.problem(file, line, format!("`{what}` is too large: {v}"));
        }
        d
    }

    fn rates(&mut self, cx: &FileCx, span: Span, base: Option<&Rates>, def: RateFields) -> Option<Rates> {
        let mut ok = true;
        let mut get = |l: &mut Self, key: &str, v: Option<f64>| -> Option<Decimal> {
            let line = cx.line(span, key);
            match v {
                Some(v) => {
                    let r = l.price(cx.name, line, key, v);
                    ok &= r.is_some();
                    r
                }
                None => None,
            }
        };
        let input = get(self, "input", def.input);
        let output = get(self, "output", def.output);
        let cached = get(self, "cached_input", def.cached_input);
        let w5 = get(self, "cache_write_5m", def.cache_write_5m);
        let w1 = get(self, "cache_write_1h", def.cache_write_1h);
        let (Some(input), Some(output)) = (input.or(base.map(|b| b.input)), output.or(base.map(|b| b.output))) else {
            if ok {
                self.problem(
                    cx.name,
                    span.0 + 1,
                    "a price row needs both `input` and `output`".into(),
                );
            }
            return None;
        };
        // Unlisted cache rates: a cache read costs what the base row says, else the input price (no discount);
        // a write costs the input price (no surcharge); a 1-hour write, the 5-minute one.
        let cached_input = cached.or(base.map(|b| b.cached_input)).unwrap_or(input);
        let cache_write_5m = w5.or(base.map(|b| b.cache_write_5m)).unwrap_or(input);
        let cache_write_1h = w1.or(base.map(|b| b.cache_write_1h)).unwrap_or(cache_write_5m);
        ok.then_some(Rates {
            input,
            output,
            cached_input,
            cache_write_5m,
            cache_write_1h,
        })
    }

    pub(super) fn date(&mut self, file: &str, line: usize, v: Option<&str>) -> Option<NaiveDate> {
        match v.map(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d")) {
            Some(Ok(d)) => Some(d),
            Some(Err(_)) => {
                self.problem(
                    file,
                    line,
                    format!("`as_of` must be a date YYYY-MM-DD, got `{}`", v.unwrap_or("")),
                );
                None
            }
            None => {
                self.problem(file, line, "missing `as_of` date (YYYY-MM-DD)".into());
                None
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
        if def.prices.is_empty() {
            self.problem(name, span.0 + 1, format!("model `{}` has no `prices` rows", def.id));
        }
        let provider_def = self.table.providers.get(provider).cloned().unwrap_or(Provider {
            name: provider.to_string(),
            batch_factor: Decimal::ONE,
            estimate_ratio: 1.0,
            illustrative: false,
        });
        let row_spans = cx.items(span, "prices", def.prices.len());
        let mut prices: Vec<PriceRow> = Vec::new();
        for (row, rspan) in def.prices.iter().zip(row_spans) {
            if let Some(r) = self.row(cx, row, rspan, &provider_def) {
                if let Some(dup) = prices.iter().find(|p| p.as_of == r.as_of) {
                    let msg = format!("two price rows of `{}` start on {}", def.id, dup.as_of);
                    self.problem(name, cx.line(rspan, "as_of"), msg);
                }
                prices.push(r);
            }
        }
        prices.sort_by_key(|r| r.as_of);
        let mut names: Vec<&String> = std::iter::once(&def.id).chain(&def.aliases).collect();
        names.sort();
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
            marginal: def.marginal.clone(),
            prices,
        })
    }

    fn row(&mut self, cx: &FileCx, def: &PriceDef, span: Span, provider: &Provider) -> Option<PriceRow> {
        let as_of = self.date(cx.name, cx.line(span, "as_of"), def.as_of.as_deref());
        let mut fields = RateFields::of_row(def);
        // An illustrative source may quote an input price alone; such rows never price a log.
        let output_listed = fields.output.is_some() || !provider.illustrative;
        if !output_listed {
            fields.output = Some(0.0);
        }
        let rates = self.rates(cx, span, None, fields);
        let batch_default = provider.batch_factor;
        let batch_factor = match def.batch_factor {
            None => Some(batch_default),
            Some(b) => {
                let d = to_decimal(b).filter(|d| *d > Decimal::ZERO && *d <= Decimal::ONE);
                if d.is_none() {
                    self.problem(
                        cx.name,
                        cx.line(span, "batch_factor"),
                        format!("batch_factor must be in (0, 1], got {b}"),
                    );
                }
                d
            }
        };
        let long_context = match (&def.long_context, &rates) {
            (Some(lc), Some(base)) => Some(self.long_context(cx, lc, span, base)?),
            _ => None,
        };
        if def.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
            self.problem(cx.name, span.0 + 1, "every price row needs a `source`".into());
            return None;
        }
        Some(PriceRow {
            as_of: as_of?,
            rates: rates?,
            batch_factor: batch_factor?,
            long_context,
            source: def.source.clone().unwrap_or_default(),
            output_listed,
        })
    }

    fn long_context(&mut self, cx: &FileCx, lc: &LongContextDef, row: Span, base: &Rates) -> Option<LongContext> {
        let line = cx.line(row, "long_context");
        let span = (line - 1, row.1);
        let rates = self.rates(cx, span, Some(base), RateFields::of_tier(lc));
        match lc.above {
            Some(above) if above > 0 => Some(LongContext { above, rates: rates? }),
            _ => {
                self.problem(
                    cx.name,
                    line,
                    "`long_context` needs `above`: the prompt size in tokens where it starts".into(),
                );
                None
            }
        }
    }

    /// Whole-table checks that need every layer: estimate references and names that overlap within a provider.
    fn finish(mut self) -> Result<PriceTable, Vec<Problem>> {
        let mut owners: BTreeMap<(String, String), (String, Origin)> = BTreeMap::new();
        let mut pending = Vec::new();
        for (file, line, model, key) in &self.marginal_refs {
            if !self.table.marginal.contains_key(key) {
                let msg = format!("model `{model}` names unknown marginal estimate `{key}`");
                pending.push((file.clone(), *line, msg));
            }
        }
        for (m, o) in &self.models {
            let names = std::iter::once(&m.id).chain(&m.aliases).map(|n| n.to_lowercase());
            let pats = m.patterns.iter().map(|p| format!("pattern {}", p.to_lowercase()));
            for n in names.chain(pats) {
                let key = (m.provider.clone(), n.clone());
                if let Some((other, _)) = owners.get(&key) {
                    pending.push((
                        o.file.clone(),
                        o.line,
                        format!(
                            "`{n}` of model `{}` overlaps model `{other}` of provider `{}`",
                            m.id, m.provider
                        ),
                    ));
                } else {
                    owners.insert(key, (m.id.clone(), o.clone()));
                }
            }
        }
        for (f, l, msg) in pending {
            self.problem(&f, l, msg);
        }
        if !self.problems.is_empty() {
            return Err(self.problems);
        }
        self.table.models = self.models.into_iter().map(|(m, _)| m).collect();
        self.table
            .models
            .sort_by(|a, b| (&a.provider, &a.id).cmp(&(&b.provider, &b.id)));
        self.table.index();
        Ok(self.table)
    }
}

/// The rate fields shared by a price row and its long-context tier.
struct RateFields {
    input: Option<f64>,
    output: Option<f64>,
    cached_input: Option<f64>,
    cache_write_5m: Option<f64>,
    cache_write_1h: Option<f64>,
}

impl RateFields {
    fn of_row(d: &PriceDef) -> Self {
        RateFields {
            input: d.input,
            output: d.output,
            cached_input: d.cached_input,
            cache_write_5m: d.cache_write_5m,
            cache_write_1h: d.cache_write_1h,
        }
    }

    fn of_tier(d: &LongContextDef) -> Self {
        RateFields {
            input: d.input,
            output: d.output,
            cached_input: d.cached_input,
            cache_write_5m: d.cache_write_5m,
            cache_write_1h: d.cache_write_1h,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems_of(text: &str) -> Vec<String> {
        let mut l = Loader::default();
        for (name, t) in BUNDLED {
            l.add_file(name, t);
        }
        l.add_file("user.yaml", text);
        match l.finish() {
            Ok(_) => Vec::new(),
            Err(p) => p.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn bundled_tables_are_valid() {
        let t = load(&[]).expect("bundled tables validate");
        assert!(t.models.len() > 40);
        assert!(t.marginal.contains_key("gpt-4o"));
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let text = "provider:\n  id: acme\nmodels:\n  - id: a\n    prices:\n      - as_of: 2024-01-01\n        input: -1\n        output: 2\n        source: s\n  - id: b\n    tokenizer: klingon\n    prices:\n      - as_of: 2024-13-01\n        input: .nan\n        output: 1\n        source: s\n  - id: c\n    inptu: 3\n  - id: a\n    prices: []\n";
        let p = problems_of(text);
        assert_eq!(
            p,
            vec![
                "user.yaml:18: unknown field `inptu`, expected one of `id`, `aliases`, `patterns`, `tokenizer`, `context_window`, `marginal`, `prices`",
                "user.yaml:7: `input` must be a finite price of 0 or more, got -1",
                "user.yaml:11: unknown tokenizer `klingon`, expected `o200k_base`, `cl100k_base` or `estimate`",
                "user.yaml:13: `as_of` must be a date YYYY-MM-DD, got `2024-13-01`",
                "user.yaml:14: `input` must be a finite price of 0 or more, got NaN",
                "user.yaml:19: duplicate model id `a` (first defined at line 4)",
            ]
        );
    }

    #[test]
    fn overlapping_aliases_are_rejected() {
        let text = "provider:\n  id: openai\nmodels:\n  - id: my-model\n    aliases: [gpt-4o-2024-11-20]\n    prices:\n      - {as_of: 2024-01-01, input: 1, output: 2, source: s}\n";
        let p = problems_of(text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].starts_with("user.yaml:4: `gpt-4o-2024-11-20` of model `my-model` overlaps model `gpt-4o-2024-08-06`"),
            "{p:?}"
        );
    }

    #[test]
    fn syntax_errors_point_at_their_line() {
        let p = problems_of("provider:\n  id: x\nmodels: [\n");
        assert_eq!(p.len(), 1);
        assert!(p[0].starts_with("user.yaml:4: invalid YAML"), "{p:?}");
    }
}
