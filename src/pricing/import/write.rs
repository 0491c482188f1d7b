//! Writes a provider's file whole, in the style of the bundled files: block mappings, names in flow lists,
//! sources in double quotes, fields in the schema's order. The same definitions always give the same text.

use rust_decimal::Decimal;
use std::fmt::Write as _;
use std::str::FromStr;

use super::onto::FileDef;
use crate::pricing::schema::{LongContextDef, ModelDef, PriceDef, ProviderDef, RatesDef};

/// A decimal as the f64 a YAML number holds, when that f64 reads back as the same decimal (the loader reads a
/// number through its shortest text, so any decimal of up to 15 significant digits survives).
pub fn exact_f64(d: Decimal) -> Option<f64> {
    let f: f64 = d.to_string().parse().ok()?;
    (f.is_finite() && Decimal::from_str(&f.to_string()).ok() == Some(d)).then_some(f)
}

/// A number as the bundled files write it: `15.0`, `0.3`, `0.0000001`.
fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.1}")
    } else {
        v.to_string()
    }
}

/// A string as a plain scalar where YAML reads it back as the same string, else in double quotes (JSON's
/// escapes are YAML's).
fn scalar(s: &str) -> String {
    let first_ok = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let rest_ok = s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/'));
    let reserved = ["true", "false", "yes", "no", "on", "off", "null", "y", "n"];
    if first_ok && rest_ok && !reserved.contains(&s.to_ascii_lowercase().as_str()) {
        s.to_string()
    } else {
        quoted(s)
    }
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| scalar(s)).collect();
    format!("[{}]", items.join(", "))
}

struct Out {
    text: String,
}

impl Out {
    fn line(&mut self, indent: usize, key: &str, value: &str) {
        let _ = writeln!(self.text, "{:indent$}{key}: {value}", "");
    }

    fn opt_num(&mut self, indent: usize, key: &str, v: Option<f64>) {
        if let Some(v) = v {
            self.line(indent, key, &number(v));
        }
    }

    fn rates(&mut self, indent: usize, r: &RatesDef) {
        self.opt_num(indent, "input", r.input);
        self.opt_num(indent, "output", r.output);
        self.opt_num(indent, "cached_input", r.cached_input);
        self.opt_num(indent, "cache_write_5m", r.cache_write_5m);
        self.opt_num(indent, "cache_write_1h", r.cache_write_1h);
        self.opt_num(indent, "cache_write_12h", r.cache_write_12h);
    }

    fn tiers(&mut self, indent: usize, tiers: [(&str, &Option<RatesDef>); 3]) {
        for (key, block) in tiers {
            if let Some(r) = block {
                let _ = writeln!(self.text, "{:indent$}{key}:", "");
                self.rates(indent + 2, r);
            }
        }
    }

    fn provider(&mut self, p: &ProviderDef) {
        self.text.push_str("provider:\n");
        self.line(2, "id", &scalar(&p.id));
        if let Some(n) = &p.name {
            self.line(2, "name", &quoted_if_needed(n));
        }
        if let Some(n) = &p.note {
            self.line(2, "note", &quoted(n));
        }
        self.opt_num(2, "batch_factor", p.batch_factor);
        self.opt_num(2, "estimate_ratio", p.estimate_ratio);
        if let Some(b) = p.illustrative {
            self.line(2, "illustrative", &b.to_string());
        }
        if let Some(b) = p.platform {
            self.line(2, "platform", &b.to_string());
        }
    }

    fn model(&mut self, m: &ModelDef) {
        let _ = writeln!(self.text, "  - id: {}", scalar(&m.id));
        if !m.aliases.is_empty() {
            self.line(4, "aliases", &list(&m.aliases));
        }
        if !m.patterns.is_empty() {
            self.line(4, "patterns", &list(&m.patterns));
        }
        if let Some(t) = &m.tokenizer {
            self.line(4, "tokenizer", &scalar(t));
        }
        if let Some(c) = m.context_window {
            self.line(4, "context_window", &c.to_string());
        }
        if let Some(d) = &m.deprecation_date {
            self.line(4, "deprecation_date", &scalar_or_date(d));
        }
        if let Some(n) = &m.note {
            self.line(4, "note", &quoted(n));
        }
        if let Some(e) = &m.marginal {
            self.line(4, "marginal", &scalar(e));
        }
        self.text.push_str("    prices:\n");
        for r in &m.prices {
            self.row(r);
        }
    }

    fn row(&mut self, r: &PriceDef) {
        // The first key of a row takes the item's dash.
        let mut first = true;
        let mut key = |out: &mut Out, k: &str, v: String| {
            if first {
                let _ = writeln!(out.text, "      - {k}: {v}");
                first = false;
            } else {
                out.line(8, k, &v);
            }
        };
        if let Some(d) = &r.as_of {
            key(self, "as_of", scalar_or_date(d));
        }
        let fields = [
            ("input", r.input),
            ("output", r.output),
            ("cached_input", r.cached_input),
            ("cache_write_5m", r.cache_write_5m),
            ("cache_write_1h", r.cache_write_1h),
            ("cache_write_12h", r.cache_write_12h),
            ("batch_factor", r.batch_factor),
        ];
        for (k, v) in fields {
            if let Some(v) = v {
                key(self, k, number(v));
            }
        }
        if first {
            // A row with neither date nor rates still needs its dash.
            self.text.push_str("      -");
            if r.batch.is_none()
                && r.priority.is_none()
                && r.flex.is_none()
                && r.long_context.is_none()
                && r.source.is_none()
            {
                self.text.push_str(" {}\n");
                return;
            }
            self.text.push('\n');
        }
        self.tiers(8, [("batch", &r.batch), ("priority", &r.priority), ("flex", &r.flex)]);
        if let Some(lc) = &r.long_context {
            match lc {
                crate::pricing::schema::OneOrMany::One(l) => {
                    self.text.push_str("        long_context:\n");
                    self.level(10, l, false);
                }
                crate::pricing::schema::OneOrMany::Many(ls) => {
                    self.text.push_str("        long_context:\n");
                    for l in ls {
                        self.level(10, l, true);
                    }
                }
            }
        }
        if let Some(s) = &r.source {
            self.line(8, "source", &quoted(s));
        }
    }

    /// One long-context level, as a mapping or as a list item.
    fn level(&mut self, indent: usize, l: &LongContextDef, item: bool) {
        let inner = if item { indent + 2 } else { indent };
        let mut lines = Out { text: String::new() };
        if let Some(a) = l.above {
            lines.line(inner, "above", &a.to_string());
        }
        lines.rates(
            inner,
            &RatesDef {
                input: l.input,
                output: l.output,
                cached_input: l.cached_input,
                cache_write_5m: l.cache_write_5m,
                cache_write_1h: l.cache_write_1h,
                cache_write_12h: l.cache_write_12h,
            },
        );
        lines.tiers(
            inner,
            [("batch", &l.batch), ("priority", &l.priority), ("flex", &l.flex)],
        );
        if lines.text.is_empty() {
            lines.text = format!("{:inner$}{{}}\n", "");
        }
        if item {
            // The item's dash replaces the indentation of its first line.
            let dashed = format!("{:indent$}- {}", "", &lines.text[inner..]);
            self.text.push_str(&dashed);
        } else {
            self.text.push_str(&lines.text);
        }
    }
}

/// A date stays plain (`2025-01-01`), as the bundled files write it; anything else follows `scalar`.
fn scalar_or_date(s: &str) -> String {
    if chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() && s.len() == 10 {
        s.to_string()
    } else {
        scalar(s)
    }
}

/// Display names keep their spaces and parentheses unquoted where YAML allows it.
fn quoted_if_needed(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '-' | '_' | '(' | ')'))
        && !s.ends_with(' ');
    if plain { s.to_string() } else { quoted(s) }
}

/// The text of one file of the table.
pub fn text(file: &FileDef) -> String {
    let (provider, models) = match file {
        FileDef::Other { text, .. }
        | FileDef::Price {
            original: Some(text), ..
        } => return text.clone(),
        FileDef::Price { provider, models, .. } => (provider, models),
    };
    let name = provider.name.as_deref().unwrap_or(&provider.id);
    let mut out = Out {
        text: format!(
            "# {name} list prices, USD per 1M tokens; a price row is in force from its `as_of` date until the model's next row.\n\
             # Written by `tokencost pricing import`: a re-import keeps every field, model and row of this file (comments are not kept; use `note`).\n"
        ),
    };
    out.provider(provider);
    if models.is_empty() {
        out.text.push_str("models: []\n");
        return out.text;
    }
    out.text.push_str("models:\n");
    for m in models {
        out.model(m);
    }
    out.text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::import::onto::parse;

    #[test]
    fn decimals_survive_a_yaml_number() {
        for s in ["0.3", "2.5", "15", "0.0000001", "1.71875", "0.34375", "168", "0.028"] {
            let d = Decimal::from_str(s).unwrap();
            assert!(exact_f64(d).is_some(), "{s}");
        }
        assert_eq!(exact_f64(Decimal::from_str("0.1234567890123456789").unwrap()), None);
        assert_eq!(number(15.0), "15.0");
        assert_eq!(number(0.3), "0.3");
        assert_eq!(number(1e-7), "0.0000001");
    }

    #[test]
    fn scalars_are_quoted_when_yaml_would_read_them_otherwise() {
        assert_eq!(scalar("gpt-4o"), "gpt-4o");
        assert_eq!(scalar("accounts/fireworks/models/x"), "accounts/fireworks/models/x");
        assert_eq!(
            scalar("meta.llama3-1-405b-instruct-v1:0"),
            "\"meta.llama3-1-405b-instruct-v1:0\""
        );
        assert_eq!(scalar("claude-opus-4-5@20251101"), "\"claude-opus-4-5@20251101\"");
        assert_eq!(scalar("o1"), "o1");
        assert_eq!(scalar("1.5"), "\"1.5\"");
        assert_eq!(scalar("no"), "\"no\"");
        assert_eq!(scalar("claude-sonnet-4-5-20*"), "\"claude-sonnet-4-5-20*\"");
    }

    #[test]
    fn a_file_reads_back_as_written() {
        let text = "provider:\n  id: x\n  name: X (test)\n  note: \"why: this\"\n  batch_factor: 0.5\n  platform: true\nmodels:\n  - id: \"a:1\"\n    aliases: [b, \"c@2\"]\n    patterns: [\"a-*\"]\n    tokenizer: o200k_base\n    context_window: 1000\n    deprecation_date: 2027-01-01\n    prices:\n      - as_of: 2024-01-01\n        input: 1.0\n        output: 2.0\n        batch:\n          cached_input: 0.1\n        long_context:\n          - above: 200000\n            input: 2.0\n            priority:\n              input: 4.0\n          - above: 272000\n            output: 3.0\n        source: \"s, key a\"\n      - as_of: 2025-01-01\n        input: 0.0000001\n        output: 3.0\n        long_context:\n          above: 128000\n          input: 0.3\n        source: \"t\"\n";
        let mut def = parse("x.yaml", text).unwrap();
        if let FileDef::Price { original, .. } = &mut def {
            *original = None;
        }
        let written = super::text(&def);
        let body: String = written.lines().skip(2).map(|l| format!("{l}\n")).collect();
        assert_eq!(body, text);
        crate::pricing::load_text("x.yaml", &written).unwrap();
    }
}
