//! Budgets: limits on what the logs cost, checked once the report is priced. An overrun names the budget, its
//! limit, the actual figure and the biggest contributors; the exit code says so.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::call::{BucketKey, Sums};
use crate::error::TooLarge;
use crate::fmt::{usd, usd_apart};
use crate::fold::Analysis;
use crate::money::Usd;
use crate::pricing::{PriceTable, bucket_cost};

/// The limits a run checks, in USD.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Budgets {
    pub total: Option<Decimal>,
    pub session: Option<Decimal>,
    pub models: Vec<ModelBudget>,
    pub monthly: Option<Decimal>,
    /// Sessions budgets also count calls without a session of their own, each file as one session.
    pub file_sessions: bool,
}

/// A limit on what some models cost together.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelBudget {
    /// The key as typed: a model's name, covering its dated snapshots, or a glob.
    pub name: String,
    /// The model the name resolved to; None for a glob.
    pub named: Option<usize>,
    /// The models it covers, by index in the price table, ascending.
    pub covers: Vec<usize>,
    pub limit: Decimal,
}

impl Budgets {
    pub fn is_empty(&self) -> bool {
        self.total.is_none() && self.session.is_none() && self.models.is_empty() && self.monthly.is_none()
    }
}

/// Which limit a budget puts on the logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BudgetKind {
    /// What all the calls cost.
    Total,
    /// What the dearest session cost.
    Session,
    /// What one model cost.
    Model,
    /// What the logs cost, scaled to 30 days.
    Monthly,
}

impl BudgetKind {
    /// The name the JSON report, Markdown and messages use.
    pub fn name(self) -> &'static str {
        match self {
            BudgetKind::Total => "total",
            BudgetKind::Session => "session",
            BudgetKind::Model => "model",
            BudgetKind::Monthly => "monthly",
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Offender {
    pub name: String,
    pub cost_usd: Usd,
}

/// One budget and how the logs fared against it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BudgetResult {
    pub kind: BudgetKind,
    pub subject: String,
    pub limit_usd: Usd,
    /// For `session`, the dearest session; for `monthly`, the projection.
    pub actual_usd: Option<Usd>,
    pub over: bool,
    /// The figure is a projection (monthly budgets).
    pub projected: bool,
    pub offenders: Vec<Offender>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// False for a model budget that no call in the logs falls under: it checked nothing.
    #[serde(skip_serializing_if = "is_true")]
    pub matched: bool,
    /// Calls this budget could not check: for a session budget, priced calls the log gives no session.
    #[serde(skip_serializing_if = "is_zero")]
    pub unchecked_calls: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn is_true(b: &bool) -> bool {
    *b
}

impl BudgetResult {
    /// One line for stderr: what was broken, by how much. The limit and the figure are shown with enough digits
    /// to differ, and the model's name as typed is escaped where the line is printed.
    pub fn message(&self) -> String {
        let (limit, actual) = match self.actual_usd {
            Some(a) => usd_apart(self.limit_usd, a),
            None => (usd(self.limit_usd), "n/a".into()),
        };
        match self.kind {
            BudgetKind::Session => format!("session budget {limit} exceeded: the dearest session cost {actual}"),
            BudgetKind::Monthly => format!(
                "monthly budget {limit} exceeded: the logs project to {actual} a month (a projection over 30 days)"
            ),
            BudgetKind::Model => format!("budget {limit} for {} exceeded: it cost {actual}", self.subject),
            BudgetKind::Total => format!("total budget {limit} exceeded: the logs cost {actual}"),
        }
    }
}

/// The dearest entries first, at most `n`.
fn top(mut v: Vec<Offender>, n: usize) -> Vec<Offender> {
    v.sort_by(|a, b| b.cost_usd.cmp(&a.cost_usd).then_with(|| a.name.cmp(&b.name)));
    v.truncate(n);
    v
}

const SECONDS_PER_DAY: i64 = 86_400;
/// Offenders listed per budget.
const TOP: usize = 3;

/// What some buckets cost, summed with a check: a session or a model of hostile size is an error, not a panic.
fn cost_of<'a>(
    table: &PriceTable,
    buckets: impl IntoIterator<Item = (&'a BucketKey, &'a Sums)>,
) -> Result<Decimal, TooLarge> {
    buckets.into_iter().try_fold(Decimal::ZERO, |sum, (k, s)| {
        TooLarge::add(sum, bucket_cost(table, k, s), "the cost checked against a budget")
    })
}

pub fn check(b: &Budgets, a: &Analysis, table: &PriceTable, total: Decimal) -> Result<Vec<BudgetResult>, TooLarge> {
    let Some(side) = &a.side else {
        return Ok(Vec::new());
    };
    let models = side
        .models
        .iter()
        .map(|(m, buckets)| {
            Ok(Offender {
                name: table.model(*m).full_id(),
                cost_usd: Usd(cost_of(table, buckets)?),
            })
        })
        .collect::<Result<Vec<_>, TooLarge>>()?;
    let sessions = side
        .sessions
        .iter()
        .map(|(s, buckets)| {
            Ok(Offender {
                name: s.clone(),
                cost_usd: Usd(cost_of(table, buckets)?),
            })
        })
        .collect::<Result<Vec<_>, TooLarge>>()?;
    let mut out = Vec::new();
    let result = |kind: BudgetKind, subject: String, limit: Decimal, actual: Option<Decimal>, offenders| BudgetResult {
        kind,
        subject,
        limit_usd: Usd(limit),
        actual_usd: actual.map(Usd),
        over: actual.is_some_and(|x| x > limit),
        projected: kind == BudgetKind::Monthly,
        offenders,
        note: None,
        matched: true,
        unchecked_calls: 0,
    };
    if let Some(limit) = b.total {
        out.push(result(
            BudgetKind::Total,
            "all calls".into(),
            limit,
            Some(total),
            top(models.clone(), TOP),
        ));
    }
    if let Some(limit) = b.session {
        let over: Vec<Offender> = sessions.iter().filter(|s| s.cost_usd.0 > limit).cloned().collect();
        let dearest = sessions.iter().map(|s| s.cost_usd.0).max();
        let mut r = result(
            BudgetKind::Session,
            "every session".into(),
            limit,
            dearest,
            top(over.clone(), TOP),
        );
        if over.len() > TOP {
            r.note = Some(format!("{} sessions over the budget", over.len()));
        }
        r.unchecked_calls = side.sessionless;
        r.matched = !sessions.is_empty();
        out.push(r);
    }
    for mb in &b.models {
        let mut cost = Decimal::ZERO;
        let mut spent = Vec::new();
        for idx in &mb.covers {
            if let Some(bk) = side.models.get(idx) {
                let c = cost_of(table, bk)?;
                cost = TooLarge::add(cost, c, "the cost checked against a budget")?;
                spent.push(Offender {
                    name: table.model(*idx).full_id(),
                    cost_usd: Usd(c),
                });
            }
        }
        // A name resolves to its model first of what it covers (`covers` holds the rest: its dated snapshots).
        let subject = match (mb.name.contains('*'), mb.named) {
            (false, Some(m)) if mb.covers.len() > 1 => {
                format!("{} ({} and its dated snapshots)", mb.name, table.model(m).full_id())
            }
            (false, Some(m)) => format!("{} ({})", mb.name, table.model(m).full_id()),
            _ => mb.name.clone(),
        };
        let mut r = result(BudgetKind::Model, subject, mb.limit, Some(cost), Vec::new());
        if spent.is_empty() {
            r.matched = false;
            r.note = Some("no call in the logs is for a model this budget covers".into());
        } else if spent.len() > 1 || mb.name.contains('*') {
            r.offenders = top(spent, TOP);
        }
        out.push(r);
    }
    if let Some(limit) = b.monthly {
        let span = match (a.stats.first_call, a.stats.last_call) {
            (Some(f), Some(l)) => Some((l - f).num_seconds()),
            _ => None,
        };
        let projected = span
            .map(|s| {
                // Logs covering less than a day are taken as a day's usage, not extrapolated from minutes.
                let (month, span) = (
                    Decimal::from(30 * SECONDS_PER_DAY),
                    Decimal::from(s.max(SECONDS_PER_DAY)),
                );
                match total.checked_mul(month) {
                    Some(m) => Ok(m / span),
                    // Over a long span the quotient may fit where the product does not.
                    None => TooLarge::mul(total / span, month, "the monthly projection"),
                }
            })
            .transpose()?;
        let mut r = result(
            BudgetKind::Monthly,
            "30 days".into(),
            limit,
            projected,
            top(models.clone(), TOP),
        );
        r.note = Some(match span {
            Some(s) => format!(
                "{} over {:.1} days, scaled to 30 days",
                usd(Usd(total)),
                (s.max(SECONDS_PER_DAY) as f64) / 86_400.0
            ),
            None => "no timestamps in the logs: nothing to project from".into(),
        });
        out.push(r);
    }
    Ok(out)
}
