//! Agent-session profiles (`tokencost project --profile`) and flat-rate plans (`--plan`): loaded and validated
//! like the price tables, and layered the same way (a later entry replaces an earlier one with the same id).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

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

impl Plan {
    /// Where the flat rate beats list prices for usage that costs `unit_cost` a unit (a session, a token): from
    /// `monthly / unit_cost` units a month, and when the plan includes only so much usage, until that runs out at
    /// `included / unit_cost`. None when it never does: the included usage is worth no more than the price.
    pub fn cheaper_range(&self, unit_cost: Decimal) -> Option<(f64, Option<f64>)> {
        if unit_cost <= Decimal::ZERO {
            return None;
        }
        let from = (self.monthly_usd / unit_cost).to_f64()?;
        match self.included_usd {
            None => Some((from, None)),
            Some(inc) if inc > self.monthly_usd => Some((from, (inc / unit_cost).to_f64())),
            Some(_) => None,
        }
    }

    /// The range in words: "above 146.8 sessions", "from 10.0 to 12.5 sessions", "never".
    pub fn describe(range: Option<(f64, Option<f64>)>, unit: &str) -> String {
        match range {
            None => "never".into(),
            Some((from, None)) => format!("above {from:.1} {unit}"),
            Some((from, Some(to))) => format!("from {from:.1} to {to:.1} {unit}"),
        }
    }
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
