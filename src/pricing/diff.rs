//! What changed between each model's consecutive price rows: every rate of every service tier and long-context
//! level, compared as exact decimals. `pricing diff` shows it; it is what a user checks after an update.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{PriceRow, PriceTable, Rates, TierRates};

/// One rate that differs between a row and the one before it, or a model's first row.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub model: usize,
    /// The row that starts the change.
    pub row: usize,
    pub kind: ChangeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ChangeKind {
    /// The model's first row.
    New,
    /// A rate named like `input`, `priority output` or `above 272000 batch cached_input`; `None` where the row does
    /// not list it.
    Rate {
        field: String,
        old: Option<Decimal>,
        new: Option<Decimal>,
    },
}

/// One rate of a row: its name, value, and whether the table states it.
type Flat = (String, Decimal, bool);

/// Every rate of a row, flattened in a fixed order, with the batch factor first.
fn flatten(row: &PriceRow) -> Vec<Flat> {
    let mut out = vec![("batch_factor".to_string(), row.batch_factor, true)];
    let mut level = |prefix: &str, t: &TierRates| {
        let tiers = [
            ("", Some(&t.standard)),
            ("batch ", Some(&t.batch)),
            ("priority ", t.priority.as_ref()),
            ("flex ", t.flex.as_ref()),
        ];
        for (tier, rates) in tiers {
            if let Some(r) = rates {
                for (i, (name, v)) in named(r).into_iter().enumerate() {
                    out.push((format!("{prefix}{tier}{name}"), v, r.listed & 1 << i != 0));
                }
            }
        }
    };
    level("", &row.base);
    for lc in &row.long_context {
        level(&format!("above {} ", lc.above), &lc.rates);
    }
    out
}

fn named(r: &Rates) -> [(&'static str, Decimal); 6] {
    [
        ("input", r.input),
        ("output", r.output),
        ("cached_input", r.cached_input),
        ("cache_write_5m", r.cache_write_5m),
        ("cache_write_1h", r.cache_write_1h),
        ("cache_write_12h", r.cache_write_12h),
    ]
}

/// The rates that differ between two rows, in `flatten`'s order, then the ones only the old row had. A rate
/// neither row states (one that follows from another, such as a cache rate equal to the input price) is left
/// out: its cause is listed already.
fn rate_changes(old: &PriceRow, new: &PriceRow) -> Vec<ChangeKind> {
    let (a, b) = (flatten(old), flatten(new));
    let find = |list: &[Flat], k: &str| list.iter().find(|f| f.0 == k).map(|f| (f.1, f.2));
    let mut out: Vec<ChangeKind> = b
        .iter()
        .filter_map(|(k, v, stated)| {
            let was = find(&a, k);
            let differs = was.map(|w| w.0.normalize()) != Some(v.normalize());
            let shown = *stated || was.is_some_and(|w| w.1);
            (differs && shown).then(|| ChangeKind::Rate {
                field: k.clone(),
                old: was.map(|w| w.0),
                new: Some(*v),
            })
        })
        .collect();
    for (k, v, stated) in &a {
        if *stated && find(&b, k).is_none() {
            out.push(ChangeKind::Rate {
                field: k.clone(),
                old: Some(*v),
                new: None,
            });
        }
    }
    out
}

/// The changes of rows starting on or after `since`, by date, then model order, then field order.
pub fn changes(table: &PriceTable, since: NaiveDate, provider: Option<&str>) -> Vec<Change> {
    let mut out = Vec::new();
    for (mi, m) in table.models.iter().enumerate() {
        if provider.is_some_and(|p| p != m.provider) {
            continue;
        }
        for (ri, row) in m.prices.iter().enumerate().filter(|(_, r)| r.as_of >= since) {
            let kinds = match ri.checked_sub(1) {
                None => vec![ChangeKind::New],
                Some(prev) => rate_changes(&m.prices[prev], row),
            };
            out.extend(kinds.into_iter().map(|kind| Change {
                model: mi,
                row: ri,
                kind,
            }));
        }
    }
    // Stable: equal dates keep the table's model order and each row's field order.
    out.sort_by_key(|c| table.models[c.model].prices[c.row].as_of);
    out
}

/// The newest date on which any row starts: what `pricing diff` shows by default, the last update.
pub fn newest_date(table: &PriceTable) -> Option<NaiveDate> {
    table
        .models
        .iter()
        .filter_map(|m| m.prices.last().map(|r| r.as_of))
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn changed_added_and_dropped_rates_are_each_listed() {
        let yaml = "provider:\n  id: p\nmodels:\n  - id: m\n    prices:\n      - as_of: 2025-01-01\n        input: 2\n        output: 8\n        priority: {input: 4}\n        source: s\n      - as_of: 2025-06-01\n        input: 1\n        output: 8\n        long_context: {above: 200000, input: 2}\n        source: s\n  - id: n\n    prices:\n      - as_of: 2025-06-01\n        input: 1\n        output: 1\n        source: s\n";
        let t = crate::pricing::load_text("t.yaml", yaml).unwrap();
        let since = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        let got: Vec<(usize, ChangeKind)> = changes(&t, since, None)
            .into_iter()
            .map(|c| (c.model, c.kind))
            .collect();
        let rate = |f: &str, old: Option<&str>, new: Option<&str>| ChangeKind::Rate {
            field: f.into(),
            old: old.map(d),
            new: new.map(d),
        };
        // The input halves; the 200k level is new (its output is the row's, not stated); the priority block
        // is gone. Cache rates follow the input without being stated, so they are not listed.
        let want = vec![
            (0, rate("input", Some("2"), Some("1"))),
            (0, rate("above 200000 input", None, Some("2"))),
            (0, rate("priority input", Some("4"), None)),
            (1, ChangeKind::New),
        ];
        assert_eq!(got, want);
        assert_eq!(newest_date(&t), Some(since));
    }
}
