//! The contents of the generated tables, taken from the loaded price table: providers, models with their marginal
//! estimates, every dated price row at every long-context level and service tier, the names tokencost resolves
//! (worked out here by tokencost's own resolver), and the name patterns with their precedence.
//!
//! Rates are stored in USD per token rather than per million, so that a cost is a sum of products and no engine
//! is asked to divide (DuckDB and Spark turn a decimal division into a float or round it).

use anyhow::{Result, bail};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

use super::dialect::{Dialect, Type};
use crate::call::{Resolution, Tier};
use crate::pricing::{Model, PriceTable, Rates};

/// One cell of a generated table.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Text(String),
    Int(i64),
    Bool(bool),
    Dec(Decimal),
}

/// A table to create and fill.
pub struct Table {
    pub name: &'static str,
    pub cols: Vec<(&'static str, Type)>,
    pub rows: Vec<Vec<Value>>,
}

/// Every table of a script, and the scales its decimals were given.
pub struct Tables {
    pub tables: Vec<Table>,
    /// Digits after the point of the per-token list rates: enough for every rate exactly.
    pub rate_scale: u32,
    /// The same for the per-token marginal rates; `rounded` when they needed more than an engine keeps.
    pub marginal_scale: u32,
    pub marginal_rounded: bool,
}

const MILLION: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

/// Bedrock's cross-region inference-profile prefixes, as the resolver strips them.
const REGIONS: &[&str] = &["us.", "eu.", "apac.", "global.", "jp.", "au.", "ca.", "us-gov."];

/// Days since 1970-01-01.
pub fn day_number(d: NaiveDate) -> i64 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");
    (d - epoch).num_days()
}

fn per_token(per_million: Decimal) -> Decimal {
    (per_million / MILLION).normalize()
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn opt_dec(d: Option<Decimal>) -> Value {
    d.map_or(Value::Null, Value::Dec)
}

/// Whether an entry charges nothing for input and output in its newest row: such an entry answers only its exact
/// `provider/id`, so its patterns are never tried.
fn is_free(m: &Model) -> bool {
    m.prices
        .last()
        .is_some_and(|r| r.rates().input.is_zero() && r.rates().output.is_zero())
}

pub fn build(table: &PriceTable) -> Result<Tables> {
    let prices = prices(table);
    let rate_scale = max_scale(&prices.rows);
    if rate_scale > Dialect::MAX_SCALE {
        bail!(
            "a rate needs {rate_scale} digits after the point in USD per token, more than the {} every engine keeps \
             exactly",
            Dialect::MAX_SCALE
        );
    }
    let mut models = models(table);
    let need = max_scale(&models.rows);
    let marginal_rounded = need > Dialect::MAX_SCALE;
    if marginal_rounded {
        for row in &mut models.rows {
            for v in row.iter_mut() {
                if let Value::Dec(d) = v {
                    *d = d.round_dp(Dialect::MAX_SCALE).normalize();
                }
            }
        }
    }
    Ok(Tables {
        tables: vec![
            providers(table),
            routes(table),
            estimates(table),
            models,
            prices,
            names(table),
            patterns(table)?,
        ],
        rate_scale,
        marginal_scale: need.min(Dialect::MAX_SCALE),
        marginal_rounded,
    })
}

fn max_scale(rows: &[Vec<Value>]) -> u32 {
    rows.iter()
        .flatten()
        .filter_map(|v| match v {
            Value::Dec(d) => Some(d.normalize().scale()),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

/// Providers a log may state: the illustrative ones are left out, since a stated provider the table lacks is
/// ignored.
fn providers(table: &PriceTable) -> Table {
    let rows = (table.providers.iter())
        .filter(|(_, p)| !p.illustrative)
        .map(|(id, p)| vec![text(id), Value::Bool(p.platform)])
        .collect();
    Table {
        name: "tokencost_providers",
        cols: vec![("provider", Type::Text), ("platform", Type::Bool)],
        rows,
    }
}

/// Each model, with the marginal estimate `analyze` uses for it, in USD per token (a cached token at the input
/// estimate times the table's cache-read factor).
fn models(table: &PriceTable) -> Table {
    let crf = table.cache_read_factor();
    let rows = (table.models.iter().enumerate())
        .map(|(i, m)| {
            let e = table.marginal_for(m);
            let pt = |f: &dyn Fn(&crate::pricing::Marginal) -> Decimal| opt_dec(e.map(|e| per_token(f(e))));
            vec![
                Value::Int(i as i64),
                text(&m.provider),
                text(&m.id),
                e.map_or(Value::Null, |e| text(&e.id)),
                pt(&|e| e.input.low),
                pt(&|e| e.input.high),
                pt(&|e| e.input.low * crf.low),
                pt(&|e| e.input.high * crf.high),
                pt(&|e| e.output.low),
                pt(&|e| e.output.high),
            ]
        })
        .collect();
    let d = Type::Decimal(0);
    Table {
        name: "tokencost_models",
        cols: vec![
            ("model_key", Type::Int),
            ("provider", Type::Text),
            ("model", Type::Text),
            ("marginal_estimate", Type::Text),
            ("marginal_input_low", d),
            ("marginal_input_high", d),
            ("marginal_cached_low", d),
            ("marginal_cached_high", d),
            ("marginal_output_low", d),
            ("marginal_output_high", d),
        ],
        rows,
    }
}

/// Every dated row of every model, at each long-context level and in each service tier (a tier the row does not
/// sell at the standard rates, as tokencost bills it). A row is in force from its date (the first from any date
/// before it too) until the next row's; the newest also prices calls without a timestamp. A level covers prompts
/// above its threshold up to the next level's.
fn prices(table: &PriceTable) -> Table {
    let mut rows = Vec::new();
    for (i, m) in table.models.iter().enumerate() {
        for (r, row) in m.prices.iter().enumerate() {
            let from = (r > 0).then(|| day_number(row.as_of));
            let until = m.prices.get(r + 1).map(|next| day_number(next.as_of));
            for level in 0..=row.long_context.len() {
                let above = level.checked_sub(1).map(|l| row.long_context[l].above);
                let upto = row.long_context.get(level).map(|lc| lc.above);
                for tier in [Tier::Standard, Tier::Batch, Tier::Priority, Tier::Flex] {
                    let rates: &Rates = row.rates_at(level as u8, tier);
                    rows.push(vec![
                        Value::Int(i as i64),
                        Value::Int(r as i64),
                        text(&row.as_of.to_string()),
                        from.map_or(Value::Null, Value::Int),
                        until.map_or(Value::Null, Value::Int),
                        Value::Bool(r + 1 == m.prices.len()),
                        Value::Int(level as i64),
                        above.map_or(Value::Null, |a| Value::Int(a as i64)),
                        upto.map_or(Value::Null, |a| Value::Int(a as i64)),
                        text(tier.name()),
                        Value::Dec(per_token(rates.input)),
                        Value::Dec(per_token(rates.cached_input)),
                        Value::Dec(per_token(rates.cache_write_5m)),
                        Value::Dec(per_token(rates.cache_write_1h)),
                        Value::Dec(per_token(rates.output)),
                    ]);
                }
            }
        }
    }
    let d = Type::Decimal(0);
    Table {
        name: "tokencost_prices",
        cols: vec![
            ("model_key", Type::Int),
            ("row_no", Type::Int),
            ("price_as_of", Type::Text),
            ("from_day", Type::Int),
            ("until_day", Type::Int),
            ("newest", Type::Bool),
            ("level", Type::Int),
            ("prompt_above", Type::Int),
            ("prompt_upto", Type::Int),
            ("tier", Type::Text),
            ("input_usd_per_token", d),
            ("cached_input_usd_per_token", d),
            ("cache_write_usd_per_token", d),
            ("cache_write_1h_usd_per_token", d),
            ("output_usd_per_token", d),
        ],
        rows,
    }
}

/// `name` with every `-` between two digits made a `.`: the dotted version a log may write
/// (`claude-sonnet-4.5`), which the resolver rewrites back.
fn dotted(name: &str) -> Option<String> {
    let b = name.as_bytes();
    let dash =
        |i: usize| b[i] == b'-' && i > 0 && i + 1 < b.len() && b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit();
    (0..b.len()).any(dash).then(|| {
        name.char_indices()
            .map(|(i, c)| if c == '-' && dash(i) { '.' } else { c })
            .collect()
    })
}

/// The names a log may write for `m` without a prefix: its id and aliases, their dotted versions, and Bedrock's
/// with a region. A prefix (`openai/`, `together_ai/`) is taken off in SQL through `tokencost_routes`.
fn spellings(m: &Model) -> Vec<String> {
    let mut bare: Vec<String> = std::iter::once(&m.id)
        .chain(&m.aliases)
        .map(|n| n.to_lowercase())
        .collect();
    let dots: Vec<String> = bare.iter().filter_map(|n| dotted(n)).collect();
    bare.extend(dots);
    if m.provider == "bedrock" {
        let regioned: Vec<String> = (bare.iter())
            .flat_map(|n| REGIONS.iter().map(move |r| format!("{r}{n}")))
            .collect();
        bare.extend(regioned);
    }
    bare
}

/// The prefixes that route a name to a provider: `openai/gpt-4o` is looked up as `gpt-4o` with `openai` stated.
fn routes(table: &PriceTable) -> Table {
    let rows = (table.routes().into_iter())
        .filter(|(_, p)| table.providers.get(p).is_some_and(|p| !p.illustrative))
        .map(|(w, p)| vec![Value::Text(w), Value::Text(p)])
        .collect();
    Table {
        name: "tokencost_routes",
        cols: vec![("prefix", Type::Text), ("provider", Type::Text)],
        rows,
    }
}

/// Each marginal estimate: its method and basis, said beside every figure it gives.
fn estimates(table: &PriceTable) -> Table {
    let rows = (table.marginal.values())
        .map(|e| vec![text(&e.id), text(e.method.name()), text(&e.source)])
        .collect();
    Table {
        name: "tokencost_estimates",
        cols: vec![("estimate", Type::Text), ("method", Type::Text), ("basis", Type::Text)],
        rows,
    }
}

/// Names resolved by tokencost's own resolver, with no provider stated and with each model's own provider
/// stated: what SQL looks up before any pattern. A name that tokencost does not price (several entries match
/// equally, or the stated provider does not list it) is kept with no model, so that no pattern prices it in SQL.
fn names(table: &PriceTable) -> Table {
    let mut seen: BTreeMap<(String, String), Resolution> = BTreeMap::new();
    for m in &table.models {
        if table.providers.get(&m.provider).is_some_and(|p| p.illustrative) {
            continue;
        }
        for name in spellings(m) {
            for stated in [None, Some(m.provider.as_str())] {
                let key = (stated.unwrap_or("").to_string(), name.clone());
                seen.entry(key).or_insert_with(|| table.resolve_with(stated, &name));
            }
        }
    }
    let rows = seen
        .into_iter()
        .filter(|(_, r)| !matches!(r, Resolution::Unknown))
        .map(|((stated, name), r)| {
            let (model, reason) = match r {
                Resolution::Found(i) => (Value::Int(i as i64), Value::Null),
                Resolution::Ambiguous(all) => (Value::Null, text(&format!("ambiguous: {}", all.join(", ")))),
                Resolution::NotListed(p) => (
                    Value::Null,
                    text(&format!("not listed by {p}, the provider the log names")),
                ),
                Resolution::Unknown => (Value::Null, text("unknown")),
            };
            vec![text(&stated), text(&name), model, reason]
        })
        .collect();
    Table {
        name: "tokencost_names",
        cols: vec![
            ("stated_provider", Type::Text),
            ("name", Type::Text),
            ("model_key", Type::Int),
            ("unpriced_reason", Type::Text),
        ],
        rows,
    }
}

/// A `*` pattern as an anchored regular expression in which every other character stands for itself: written
/// with character classes rather than backslashes, which the engines' literals read differently.
fn regex(glob: &str) -> Option<String> {
    let mut re = String::from("^");
    for c in glob.chars() {
        match c {
            '*' => re.push_str(".*"),
            c if c.is_alphanumeric() || c == '-' || c == '_' || c == ':' || c == '/' || c == '@' || c == ' ' => {
                re.push(c)
            }
            '\\' | '^' | '[' | ']' | '\'' => return None,
            c => {
                re.push('[');
                re.push(c);
                re.push(']');
            }
        }
    }
    re.push('$');
    Some(re)
}

/// The `*` patterns of every priced entry tokencost matches by pattern (not illustrative, not `$0`), with their
/// provider, whether it is a platform and how many literal characters they have: the most wins, first-party
/// providers before platforms.
fn patterns(table: &PriceTable) -> Result<Table> {
    let mut rows = Vec::new();
    for (i, m) in table.models.iter().enumerate() {
        let Some(p) = table.providers.get(&m.provider) else {
            continue;
        };
        if p.illustrative || is_free(m) {
            continue;
        }
        for pat in &m.patterns {
            let glob = pat.to_lowercase();
            let Some(re) = regex(&glob) else {
                bail!(
                    "the pattern `{pat}` of {} has a character (\\ ^ [ ] ') that the script cannot match in every \
                     engine",
                    m.full_id()
                );
            };
            rows.push(vec![
                text(&m.provider),
                Value::Bool(p.platform),
                text(&glob),
                text(&re),
                Value::Int(glob.chars().filter(|&c| c != '*').count() as i64),
                Value::Int(i as i64),
            ]);
        }
    }
    Ok(Table {
        name: "tokencost_patterns",
        cols: vec![
            ("provider", Type::Text),
            ("platform", Type::Bool),
            ("pattern", Type::Text),
            ("regex", Type::Text),
            ("literal_chars", Type::Int),
            ("model_key", Type::Int),
        ],
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_become_anchored_expressions_without_backslashes() {
        assert_eq!(regex("gpt-4o-2024-*").as_deref(), Some("^gpt-4o-2024-.*$"));
        assert_eq!(regex("claude-3.5*").as_deref(), Some("^claude-3[.]5.*$"));
        assert_eq!(regex("a+b(c)").as_deref(), Some("^a[+]b[(]c[)]$"));
        assert_eq!(regex("a[b"), None);
    }

    #[test]
    fn dotted_versions() {
        assert_eq!(dotted("claude-sonnet-4-5").as_deref(), Some("claude-sonnet-4.5"));
        assert_eq!(dotted("gpt-4o"), None);
        assert_eq!(dotted("a-1-2-3").as_deref(), Some("a-1.2.3"));
    }

    #[test]
    fn days_count_from_1970() {
        assert_eq!(day_number(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap()), 1);
        // 2024-05-13: 54 years with 13 leap days (1972..2020) = 19723 days, then 31+29+31+30+12 = 133: 19856.
        assert_eq!(day_number(NaiveDate::from_ymd_opt(2024, 5, 13).unwrap()), 19856);
    }
}
