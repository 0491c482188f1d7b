//! `tokencost pricing diff`: which prices changed, when, and by how much. One line per stated rate that differs
//! from the model's previous row, and one per new model.

use anyhow::Result;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::config::DiffConfig;
use crate::error::Exit;
use crate::money::Usd;
use crate::output;
use crate::output::view::{Cell, Column, Digits, Part, Shown, View};
use crate::pricing::diff::{ChangeKind, changes};

/// One changed rate, or a new model.
#[derive(Serialize)]
struct Changed {
    as_of: String,
    /// The row it replaces; None for a new model.
    previous_as_of: Option<String>,
    provider: String,
    model: String,
    /// `new model`, or the rate: `input`, `priority output`, `above 272000 batch cached_input`, ...
    what: String,
    old_usd_per_m: Option<Usd>,
    new_usd_per_m: Option<Usd>,
    /// The relative change in percent, rounded to 0.1; None where either side is missing or the old rate is 0.
    change_percent: Option<f64>,
    source: String,
}

#[derive(Serialize)]
struct Document {
    since: String,
    changes: Vec<Changed>,
}

fn percent(old: Option<Decimal>, new: Option<Decimal>) -> Option<f64> {
    let (old, new) = (old?, new?);
    if old.is_zero() {
        return None;
    }
    let p = ((new - old) / old * Decimal::ONE_HUNDRED).round_dp(1);
    p.to_string().parse().ok()
}

fn rows(cfg: &DiffConfig) -> Vec<Changed> {
    let t = &cfg.list.table;
    changes(t, cfg.since, cfg.list.provider.as_deref())
        .into_iter()
        .map(|c| {
            let m = t.model(c.model);
            let row = &m.prices[c.row];
            let previous_as_of = c.row.checked_sub(1).map(|p| m.prices[p].as_of.to_string());
            let (what, old, new) = match c.kind {
                ChangeKind::New => ("new model".to_string(), None, Some(row.rates().input)),
                ChangeKind::Rate { field, old, new } => (field, old, new),
            };
            Changed {
                as_of: row.as_of.to_string(),
                previous_as_of,
                provider: m.provider.clone(),
                model: m.id.clone(),
                change_percent: percent(old, new),
                what,
                old_usd_per_m: old.map(|d| Usd(d.normalize())),
                new_usd_per_m: new.map(|d| Usd(d.normalize())),
                source: row.source.clone(),
            }
        })
        .collect()
}

fn view(doc: &Document) -> View<'_> {
    let mut v = View::new(
        vec![
            Column::both("as_of", "as of"),
            Column::both("provider", "provider"),
            Column::both("model", "model"),
            Column::both("what", "rate"),
            Column::both("old_usd_per_m", "old").right(),
            Column::both("new_usd_per_m", "new").right(),
            Column::both("change_percent", "change").right(),
            Column::machine("source"),
        ],
        doc,
    );
    v.absent = "-";
    let money = |u: &Option<Usd>| Cell::opt(u.as_ref(), |u| Cell::text(u.0.to_string()));
    for c in &doc.changes {
        v.rows.push(vec![
            Cell::text(c.as_of.as_str()),
            Cell::text(c.provider.as_str()),
            Cell::text(c.model.as_str()),
            Cell::text(c.what.as_str()),
            money(&c.old_usd_per_m),
            money(&c.new_usd_per_m),
            Cell::opt(c.change_percent, |p| Cell::Float(p, Shown::Percent, Digits::Json)),
            Cell::text(c.source.as_str()),
        ]);
    }
    let models = doc.changes.iter().filter(|c| c.what == "new model").count();
    let rates = doc.changes.len() - models;
    v.tail.push(Part::line(format!(
        "Since {}: {rates} rate change{} and {models} new model{}. USD per 1M tokens; a new model shows its input price. \
         Rates that follow from another (a cache rate equal to the input price) are not listed.",
        doc.since,
        if rates == 1 { "" } else { "s" },
        if models == 1 { "" } else { "s" },
    )));
    v
}

pub fn run(cfg: DiffConfig) -> Result<Exit> {
    let doc = Document {
        since: cfg.since.to_string(),
        changes: rows(&cfg),
    };
    output::render(&view(&doc), cfg.list.format, &cfg.list.to)?;
    Ok(Exit::Success)
}
