//! `diff`'s charts, drawn by the HTML report: each group's cost in both runs, and each model's change split into
//! its price and usage effects.

use rust_decimal::prelude::ToPrimitive;

use super::changes::DiffDoc;
use crate::money::Usd;
use crate::output::chart::{Category, Chart, Kind, Series, Unit, Value};

/// Groups drawn; the table and CSV list them all.
const CHARTED: usize = 20;

fn f(u: Usd) -> f64 {
    u.0.to_f64().unwrap_or(0.0)
}

fn groups(doc: &DiffDoc, by: &str, top: usize) -> Chart {
    let n = doc.groups.len().min(if top == 0 { CHARTED } else { top.min(CHARTED) });
    let side = |present: bool, u: Usd| {
        if present {
            Value::Point(f(u))
        } else {
            Value::Missing("not in this run")
        }
    };
    let categories = doc.groups[..n]
        .iter()
        .map(|c| Category {
            label: c.key.clone(),
            values: vec![side(c.base.is_some(), c.base_usd), side(c.head.is_some(), c.head_usd)],
            note: Some(c.status.to_string()),
        })
        .collect();
    let mut c = Chart::new(
        format!("Cost per {by}, {} and head", doc.base_label),
        format!(
            "For each {by} that moved most, a bar of its cost in {} and one of its cost in head.",
            doc.base_label
        ),
        Kind::Bars {
            unit: Unit::Usd,
            stacked: false,
            log: false,
            series: vec![Series::new(doc.base_label.clone()), Series::new("head")],
            categories,
        },
    );
    if doc.groups.len() > n {
        c = c.note(format!(
            "The {n} that moved most of {}; CSV and JSON list every group.",
            doc.groups.len()
        ));
    }
    c
}

fn split(doc: &DiffDoc) -> Chart {
    let e = &doc.effects;
    let mut categories: Vec<Category> = e
        .by_model
        .iter()
        .take(CHARTED)
        .map(|m| Category {
            label: m.model.clone(),
            values: vec![Value::Point(f(m.price_usd)), Value::Point(f(m.usage_usd))],
            note: m.new_in_head.then(|| "new in head".to_string()),
        })
        .collect();
    categories.push(Category {
        label: "total".into(),
        values: vec![Value::Point(f(e.price_usd)), Value::Point(f(e.usage_usd))],
        note: None,
    });
    let l = &doc.base_label;
    let mut c = Chart::new(
        "The change split into price and usage",
        format!(
            "For each model and in total, the price effect (head's tokens at head's prices against the same tokens at \
             {l}'s) and the usage effect (head's tokens against {l}'s, both at {l}'s prices), in dollars; a rise \
             points right, a fall left."
        ),
        Kind::Bars {
            unit: Unit::Usd,
            stacked: false,
            log: false,
            series: vec![Series::new("price effect"), Series::new("usage effect")],
            categories,
        },
    );
    if e.by_model.len() > CHARTED {
        c = c.note(format!(
            "The first {CHARTED} of {} models; the table lists them all.",
            e.by_model.len()
        ));
    }
    c
}

/// The charts of a diff whose cost moved.
pub fn charts(doc: &DiffDoc, by: &str, top: usize) -> Vec<Chart> {
    vec![groups(doc, by, top), split(doc)]
}
