//! The one output schema. Every format renders this `Report`; CSV columns and JSON fields use its names.
//!
//! Pricing happens here, once per group and price bucket, on integer token sums, in exact decimals. Sums are
//! checked: a bill beyond what exact decimals hold (hostile token counts at hostile prices) is an error that says
//! so, never a panic and never a rounded total.

mod billed;
mod rows;

pub use billed::{BilledBucket, BucketRates, LevelRates, TierTable};
pub use rows::{Pending, Rest, RowReader};

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

use crate::budget::BudgetResult;
use crate::call::{BucketKey, GroupBy, Resolution, Sums, Tokens};
use crate::error::TooLarge;
use crate::fold::{Analysis, CallInfo, Group, Stats};
use crate::money::Usd;
use crate::pricing::{Marginal, Plan, PriceTable, Range, bucket_cost, marginal_cost};

/// One row of the report: a group, or the totals.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Row {
    pub key: String,
    /// With `--by session`, the project the session ran in, when its log says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// A `--by call` row's own columns, right after its key.
    #[serde(flatten)]
    pub call: Option<CallCols>,
    pub calls: u64,
    /// Fresh input tokens: cached and cache-write tokens are in their own columns.
    pub input_tokens: u64,
    pub cached_input_tokens: u64,
    /// 5-minute and 1-hour cache writes together.
    pub cache_write_tokens: u64,
    pub cache_write_1h_tokens: u64,
    pub output_tokens: u64,
    /// None only for a `--by call` row of a call without a price: never $0 for unknown.
    pub cost_usd: Option<Usd>,
    /// Whether a `--by call` row's call has a price; absent from other rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priced: Option<bool>,
    /// What the logs themselves say the calls cost (a gateway's own price), summed over the calls that say; absent
    /// when none does, never 0 for unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported_cost_usd: Option<Usd>,
    /// How many of the calls stated their cost.
    #[serde(skip_serializing_if = "is_zero")]
    pub reported_cost_calls: u64,
    /// The stated cost less the list price of those same calls: what the source charged above (or below) list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported_minus_list_usd: Option<Usd>,
    pub marginal_cost_usd_low: Option<Usd>,
    pub marginal_cost_usd_high: Option<Usd>,
    pub markup_low: Option<f64>,
    pub markup_high: Option<f64>,
    pub token_tax_usd_low: Option<Usd>,
    pub token_tax_usd_high: Option<Usd>,
    /// Token tax as a share of the cost of the calls with an estimate (0.9 = 90%).
    pub token_tax_share_low: Option<f64>,
    pub token_tax_share_high: Option<f64>,
    /// The part of `cost_usd` for models with no marginal-cost estimate (left out of markup and token tax).
    pub cost_without_estimate_usd: Usd,
    pub counted_calls: u64,
    pub estimated_calls: u64,
    /// Where the group's marginal-cost estimates come from: `given`, `derived` or `proxy`, several joined by `+`.
    pub marginal_method: Option<String>,
    /// What they rest on: each estimate's id and basis, several joined by ` | `.
    pub marginal_basis: Option<String>,
}

/// The columns of one call (`--by call`), in the order the CSV export writes them. The fields not serialised are
/// what `--format jsonl` writes besides, to make the export input again.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CallCols {
    pub file: String,
    pub line: u64,
    /// RFC 3339 in UTC, with the fraction of a second the log gave.
    pub timestamp: Option<String>,
    /// The call's own session: none when the log gives none.
    pub session: Option<String>,
    pub project: Option<String>,
    /// The provider whose price billed the call: none without a price.
    pub provider: Option<String>,
    /// The name the log gave.
    pub model: String,
    pub batch: bool,
    pub service_tier: &'static str,
    /// 32 hex digits of the 128-bit hash of the response's id that copies of it are de-duplicated by.
    pub response_id: Option<String>,
    /// The date the price row that billed the call took effect.
    pub price_as_of: Option<String>,
    pub token_source: &'static str,
    /// The session the call is reported under: its own, else its file's name.
    #[serde(skip)]
    pub session_shown: String,
    #[serde(skip)]
    pub branch: Option<String>,
    #[serde(skip)]
    pub team: Option<String>,
    #[serde(skip)]
    pub tag: Option<String>,
    /// The rank of the kept copy of a response, to choose between copies again when the export is read.
    #[serde(skip)]
    pub dedup_rank: Option<(u8, u8, u64)>,
    /// The `provider/id` of the entry that billed the call.
    #[serde(skip)]
    pub price: Option<String>,
    /// The provider the log stated, when it does not list the call's model.
    #[serde(skip)]
    pub stated_provider: Option<String>,
    /// The call's cache writes: 5-minute ones (the row's cache-write tokens hold both lengths).
    #[serde(skip)]
    pub cache_write_5m_tokens: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UnpricedRow {
    pub model: String,
    pub calls: u64,
    pub input_tokens: u64,
    pub cached_input_tokens: u64,
    pub cache_write_tokens: u64,
    pub output_tokens: u64,
    /// What the logs say these calls cost, when any of them says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported_cost_usd: Option<Usd>,
    /// Why no price: `unknown`, or `ambiguous: a, b` when several providers list the name.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PriceUsed {
    pub model: String,
    pub as_of: String,
    pub source: String,
    /// Every rate of the row below its long-context thresholds, USD per 1M tokens.
    pub rates_usd_per_m: TierTable,
    /// Its long-context levels, lowest threshold first.
    pub long_context: Vec<LevelRates>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EstimateUsed {
    pub id: String,
    pub as_of: String,
    pub source: String,
    /// `given`, `derived` or `proxy`.
    pub marginal_method: &'static str,
    /// What the estimate rests on (its source, or the serving model's architecture and assumptions).
    pub marginal_basis: String,
}

/// Which tables priced the report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PricingInfo {
    pub layers: Vec<String>,
    pub prices: Vec<PriceUsed>,
    pub marginal_estimates: Vec<EstimateUsed>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    pub files: u64,
    pub unreadable_files: u64,
    pub lines: u64,
    pub calls: u64,
    pub sessions: u64,
    pub priced_calls: u64,
    pub unpriced_calls: u64,
    pub skipped_lines: u64,
    pub skipped: BTreeMap<&'static str, u64>,
    /// Copies of a response already counted from another line (the same response id or batch custom id).
    pub duplicate_lines: u64,
    /// Streamed lines replaced by their session's final usage line.
    pub superseded_lines: u64,
    /// Batch requests whose result says they were not billed.
    pub not_billed: u64,
    /// Calls left out by `--since` / `--until`.
    pub filtered_out: u64,
    /// Lines read, by the format that read them.
    pub lines_by_format: BTreeMap<&'static str, u64>,
}

impl Summary {
    fn of(s: &Stats) -> Self {
        Summary {
            files: s.files,
            unreadable_files: s.unreadable_files,
            lines: s.lines,
            calls: s.calls,
            sessions: s.sessions,
            priced_calls: s.priced_calls,
            unpriced_calls: s.unpriced_calls,
            skipped_lines: s.skipped_lines(),
            skipped: s.skipped.iter().map(|(r, n)| (r.label(), *n)).collect(),
            duplicate_lines: s.duplicates,
            superseded_lines: s.superseded,
            not_billed: s.not_billed,
            filtered_out: s.filtered_out,
            lines_by_format: s.lines_by_format.clone(),
        }
    }
}

impl Row {
    /// The cost of a group or of the totals, which always have one (only a `--by call` row of a call without a
    /// price has none).
    pub fn cost(&self) -> Usd {
        self.cost_usd.unwrap_or_default()
    }
}

/// Where a flat-rate plan becomes cheaper than these logs' usage at list prices.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PlanBreakEven {
    pub id: String,
    pub name: String,
    pub monthly_usd: Usd,
    pub included_usd: Option<Usd>,
    pub sessions: u64,
    pub cost_usd_per_session: Option<Usd>,
    /// Sessions a month, like these logs' average one, from which the plan is cheaper (null: never).
    pub break_even_sessions_per_month: Option<f64>,
    /// Where the plan's included usage runs out, if it includes only so much.
    pub cheaper_until_sessions_per_month: Option<f64>,
    pub cost_usd_per_million_tokens: Option<Usd>,
    pub break_even_tokens_per_month: Option<f64>,
    pub cheaper_until_tokens_per_month: Option<f64>,
}

/// `a / b` as a float, for ratios shown to people: a quotient beyond exact decimals (a tiny divisor) is still a
/// float, never a panic; none when `b` is not above zero.
pub fn ratio(a: Decimal, b: Decimal) -> Option<f64> {
    if b <= Decimal::ZERO {
        return None;
    }
    match a.checked_div(b) {
        Some(q) => q.to_f64(),
        None => Some(a.to_f64()? / b.to_f64()?),
    }
}

/// Where `plan` is cheaper than paying `unit_cost` a unit. A unit so cheap that the plan's price divided by it is
/// beyond exact decimals makes the plan cheaper only past any real usage: never.
pub fn plan_range(plan: &Plan, unit_cost: Decimal) -> Option<(f64, Option<f64>)> {
    let divisible = |d: Decimal| unit_cost <= Decimal::ZERO || d.checked_div(unit_cost).is_some();
    if !divisible(plan.monthly_usd) || !plan.included_usd.is_none_or(divisible) {
        return None;
    }
    plan.cheaper_range(unit_cost)
}

/// All the tokens of a row, in every bucket.
fn all_tokens(r: &Row) -> u64 {
    [
        r.input_tokens,
        r.cached_input_tokens,
        r.cache_write_tokens,
        r.output_tokens,
    ]
    .into_iter()
    .fold(0, u64::saturating_add)
}

impl PlanBreakEven {
    pub fn new(plan: &Plan, totals: &Row, sessions: u64) -> Self {
        let tokens = all_tokens(totals);
        let cost = totals.cost().0;
        let per_session = (sessions > 0).then(|| cost / Decimal::from(sessions));
        let per_token = (tokens > 0).then(|| cost / Decimal::from(tokens));
        let by_session = per_session.and_then(|c| plan_range(plan, c));
        let by_token = per_token.and_then(|c| plan_range(plan, c));
        PlanBreakEven {
            id: plan.id.clone(),
            name: plan.name.clone(),
            monthly_usd: Usd(plan.monthly_usd),
            included_usd: plan.included_usd.map(Usd),
            sessions,
            cost_usd_per_session: per_session.map(Usd),
            break_even_sessions_per_month: by_session.map(|r| r.0),
            cheaper_until_sessions_per_month: by_session.and_then(|r| r.1),
            cost_usd_per_million_tokens: per_token.and_then(|t| t.checked_mul(Decimal::from(1_000_000))).map(Usd),
            break_even_tokens_per_month: by_token.map(|r| r.0),
            cheaper_until_tokens_per_month: by_token.and_then(|r| r.1),
        }
    }
}

/// The name under which the models without a price past the names kept are summed.
pub const UNPRICED_OTHER: &str = "(other models without a price)";

/// The report's schema: bumped when a field changes meaning or goes away, kept when fields are added. Reports
/// without the field are version 1, from before `billed` and the rates of `pricing.prices`.
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    pub schema_version: u32,
    /// The tokencost that wrote the report.
    pub tokencost_version: &'static str,
    pub by: GroupBy,
    pub totals: Row,
    pub groups: Vec<Row>,
    pub unpriced: Vec<UnpricedRow>,
    /// The models without a price past the first 65,536 names (in name order), summed together: a log that names
    /// so many is not a bill to list name by name, and holding every name would hold memory without bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unpriced_other: Option<UnpricedRow>,
    pub pricing: PricingInfo,
    pub summary: Summary,
    /// Every price bucket across the groups: its token sums, and the row, tier, level and rates that billed it.
    pub billed: Vec<BilledBucket>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanBreakEven>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub budgets: Vec<BudgetResult>,
    /// Cost per day and model, for the HTML report's chart; not part of the JSON schema.
    #[serde(skip)]
    pub over_time: Option<CostOverTime>,
    /// Whether any group names its project (`--by session`), in the report or still to be read: the rows then
    /// have a project column.
    #[serde(skip)]
    pub projects: bool,
    /// The rows left out of what people read (`Report::keep_rows`).
    #[serde(skip)]
    pub rest: Option<Rest>,
}

/// What one model's calls cost on one day (in `--timezone`; None: calls without a timestamp).
#[derive(Debug, Clone, PartialEq)]
pub struct DayCost {
    pub day: Option<chrono::NaiveDate>,
    pub model: String,
    pub calls: u64,
    pub cost_usd: Usd,
}

/// Cost per day and model, days in order, and where weeks begin (to sum days into weeks).
#[derive(Debug, Clone, PartialEq)]
pub struct CostOverTime {
    pub week_start: chrono::Weekday,
    pub days: Vec<DayCost>,
}

/// Prices the analysis's sums by day and model (none unless the fold kept them), priced per bucket as the groups
/// are, so each model's days add up to its cost in the report.
pub fn over_time(
    a: &Analysis,
    table: &PriceTable,
    week_start: chrono::Weekday,
) -> Result<Option<CostOverTime>, TooLarge> {
    let Some(timeline) = &a.timeline else {
        return Ok(None);
    };
    let mut days = Vec::with_capacity(timeline.len());
    let mut lookup = Lookup::new(table);
    for ((day, model), buckets) in timeline {
        let mut acc = Acc::default();
        for (key, sums) in buckets {
            acc.add_bucket(&mut lookup, key, sums)?;
        }
        days.push(DayCost {
            day: *day,
            model: table.model(*model).full_id(),
            calls: acc.sums.calls,
            cost_usd: Usd(acc.cost),
        });
    }
    // Undated calls last, then by day and model name.
    days.sort_by(|a, b| (a.day.is_none(), a.day, &a.model).cmp(&(b.day.is_none(), b.day, &b.model)));
    Ok(Some(CostOverTime { week_start, days }))
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Dollar and token sums of one group, before they become a `Row`.
#[derive(Default)]
struct Acc {
    sums: Sums,
    cost: Decimal,
    /// The list price of the calls that stated their own cost.
    reported_list: Decimal,
    covered_cost: Decimal,
    marginal: Option<Range>,
    /// The estimates used, by id: method and basis.
    estimates: BTreeMap<String, (&'static str, String)>,
}

/// The estimated marginal cost of `t`, checked: the price loader bounds prices, not estimates, and
/// `marginal_cost` adds its products unchecked, so an estimate beyond the price bound is refused here.
pub fn checked_marginal(m: &Marginal, cache_read_factor: Range, t: &Tokens) -> Result<Range, TooLarge> {
    // $1,000,000 per 1M tokens, the price loader's bound: u64::MAX tokens in each bucket then cost under 1e20.
    let bound = Decimal::from(1_000_000);
    let rates = [m.input, m.output, cache_read_factor];
    if rates.iter().any(|r| r.high > bound || r.low > bound) {
        return Err(TooLarge(format!(
            "the marginal cost from estimate `{}` (above $1,000,000 per 1M tokens)",
            m.id
        )));
    }
    Ok(marginal_cost(m, cache_read_factor, t))
}

/// The price table, with each model's marginal-cost estimate looked up once: a model that names none is matched
/// against the estimates' name patterns, which would otherwise be done again for every bucket (every row of
/// `--by call`).
struct Lookup<'t> {
    table: &'t PriceTable,
    estimates: Vec<Option<Option<&'t Marginal>>>,
}

impl<'t> Lookup<'t> {
    fn new(table: &'t PriceTable) -> Self {
        Lookup {
            table,
            estimates: Vec::new(),
        }
    }

    fn marginal(&mut self, model: usize) -> Option<&'t Marginal> {
        if self.estimates.len() <= model {
            self.estimates.resize(model + 1, None);
        }
        let table = self.table;
        *self.estimates[model].get_or_insert_with(|| table.marginal_for(table.model(model)))
    }
}

impl Acc {
    fn add_bucket(&mut self, lookup: &mut Lookup, key: &BucketKey, sums: &Sums) -> Result<(), TooLarge> {
        const TOTAL: &str = "the total cost";
        let table = lookup.table;
        let cost = bucket_cost(table, key, sums);
        self.sums.merge(sums);
        self.cost = TooLarge::add(self.cost, cost, TOTAL)?;
        if sums.reported.calls > 0 {
            let of_reported = Sums {
                tokens: sums.reported.tokens,
                ..Sums::default()
            };
            let list = bucket_cost(table, key, &of_reported);
            self.reported_list = TooLarge::add(self.reported_list, list, TOTAL)?;
        }
        if let Some(m) = lookup.marginal(key.model) {
            let mc = checked_marginal(m, table.cache_read_factor(), &sums.tokens)?;
            if !self.estimates.contains_key(&m.id) {
                self.estimates.insert(m.id.clone(), (m.method.name(), m.source.clone()));
            }
            self.covered_cost = TooLarge::add(self.covered_cost, cost, TOTAL)?;
            let acc = self.marginal.get_or_insert(Range {
                low: Decimal::ZERO,
                high: Decimal::ZERO,
            });
            acc.low = TooLarge::add(acc.low, mc.low, "the marginal cost")?;
            acc.high = TooLarge::add(acc.high, mc.high, "the marginal cost")?;
        }
        Ok(())
    }

    /// The cost the logs stated, when any call stated one.
    fn reported(&self) -> Option<Decimal> {
        (self.sums.reported.calls > 0).then_some(self.sums.reported.usd)
    }

    fn share(&self, tax: Decimal) -> Option<f64> {
        ratio(tax, self.covered_cost)
    }

    fn row(&self, key: String) -> Row {
        let t = &self.sums.tokens;
        let ratio = |m: Decimal| ratio(self.covered_cost, m);
        Row {
            key,
            project: None,
            call: None,
            calls: self.sums.calls,
            input_tokens: t.input,
            cached_input_tokens: t.cache_read,
            cache_write_tokens: t.cache_write_5m.saturating_add(t.cache_write_1h),
            cache_write_1h_tokens: t.cache_write_1h,
            output_tokens: t.output,
            cost_usd: Some(Usd(self.cost)),
            priced: None,
            reported_cost_usd: self.reported().map(Usd),
            reported_cost_calls: self.sums.reported.calls,
            reported_minus_list_usd: self.reported().map(|r| Usd(r.saturating_sub(self.reported_list))),
            marginal_cost_usd_low: self.marginal.map(|m| Usd(m.low)),
            marginal_cost_usd_high: self.marginal.map(|m| Usd(m.high)),
            markup_low: self.marginal.and_then(|m| ratio(m.high)),
            markup_high: self.marginal.and_then(|m| ratio(m.low)),
            token_tax_usd_low: self.marginal.map(|m| Usd(self.covered_cost - m.high)),
            token_tax_usd_high: self.marginal.map(|m| Usd(self.covered_cost - m.low)),
            token_tax_share_low: self.marginal.and_then(|m| self.share(self.covered_cost - m.high)),
            token_tax_share_high: self.marginal.and_then(|m| self.share(self.covered_cost - m.low)),
            cost_without_estimate_usd: Usd(self.cost - self.covered_cost),
            counted_calls: self.sums.sources[1],
            estimated_calls: self.sums.sources[2],
            marginal_method: (!self.estimates.is_empty()).then(|| {
                let methods: std::collections::BTreeSet<&str> = self.estimates.values().map(|e| e.0).collect();
                methods.into_iter().collect::<Vec<_>>().join("+")
            }),
            marginal_basis: (!self.estimates.is_empty()).then(|| {
                let bases: Vec<String> = self.estimates.iter().map(|(id, e)| format!("{id}: {}", e.1)).collect();
                bases.join(" | ")
            }),
        }
    }
}

/// A `--by call` row: the call's sums priced as any group's (one bucket), with its own columns; a call without a
/// price has its tokens and no cost.
fn call_row(lookup: &mut Lookup, c: &CallInfo) -> Result<Row, TooLarge> {
    let mut sums = Sums::default();
    sums.add_call(&c.tokens, c.source, c.reported_cost);
    let mut acc = Acc::default();
    match &c.priced {
        Ok(key) => acc.add_bucket(lookup, key, &sums)?,
        Err(_) => acc.sums = sums,
    }
    let mut row = acc.row(c.key());
    let table = lookup.table;
    let model = c.priced.as_ref().ok().map(|b| (table.model(b.model), b.row));
    let text = |s: &Option<std::sync::Arc<str>>| s.as_deref().map(str::to_string);
    row.call = Some(CallCols {
        file: c.file.clone(),
        line: c.line,
        timestamp: c
            .timestamp
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
        session: text(&c.session),
        project: text(&c.project),
        provider: model.map(|(m, _)| m.provider.clone()),
        model: c.model.clone(),
        batch: c.tier == crate::call::Tier::Batch,
        service_tier: c.tier.name(),
        response_id: c.dedup.as_ref().map(|d| format!("{:032x}", d.key)),
        price_as_of: model.map(|(m, r)| m.prices[r].as_of.to_string()),
        token_source: c.source.name(),
        session_shown: c.session_shown.to_string(),
        branch: text(&c.branch),
        team: text(&c.team),
        tag: text(&c.tag),
        dedup_rank: c.dedup.as_ref().map(|d| d.rank),
        price: model.map(|(m, _)| m.full_id()),
        stated_provider: match &c.priced {
            Err(Resolution::NotListed(p)) => Some(p.clone()),
            _ => None,
        },
        cache_write_5m_tokens: c.tokens.cache_write_5m,
    });
    row.priced = Some(c.priced.is_ok());
    if c.priced.is_err() {
        // No list price, so nothing to set the stated cost against either.
        row.cost_usd = None;
        row.reported_minus_list_usd = None;
    }
    Ok(row)
}

/// A group's row: its buckets priced, with its project.
fn group_row(lookup: &mut Lookup, g: &Group) -> Result<Row, TooLarge> {
    let mut acc = Acc::default();
    for (key, sums) in &g.buckets {
        acc.add_bucket(lookup, key, sums)?;
    }
    let mut row = acc.row(g.key.clone());
    row.project = g.project.clone();
    Ok(row)
}

/// Prices the analysis and orders its rows: days and calls in time/input order, other groups by cost, dearest first.
/// Every row is in the report.
pub fn build(a: &Analysis, table: &PriceTable, by: GroupBy) -> anyhow::Result<Report> {
    let (mut report, pending) = build_lazily(a, table, by)?;
    if let Some(pending) = pending {
        report.groups = RowReader::new(pending, table).collect()?;
    }
    Ok(report)
}

/// As `build`, but groups too many to hold in memory (past the fold's bound) are left to be read in order as they
/// are written (`RowReader`), and the report holds none of them. `--by call`'s rows are the analysis's to hand
/// out (`Analysis::calls`).
pub fn build_lazily(a: &Analysis, table: &PriceTable, by: GroupBy) -> anyhow::Result<(Report, Option<Pending>)> {
    let mut totals = Acc::default();
    let mut used_rows: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut all: BTreeMap<BucketKey, Sums> = BTreeMap::new();
    let mut groups: Vec<Row> = Vec::new();
    let mut ordered = a.groups.spilled().then(|| rows::Ordered::new(by, a.groups.spill_at));
    let mut projects = false;
    let mut lookup = Lookup::new(table);
    a.groups.each(|g| -> anyhow::Result<()> {
        for (key, sums) in &g.buckets {
            totals.add_bucket(&mut lookup, key, sums)?;
            used_rows.insert((key.model, key.row));
            all.entry(*key).or_default().merge(sums);
        }
        let row = group_row(&mut lookup, g)?;
        projects |= row.project.is_some();
        match &mut ordered {
            Some(o) => o
                .push(g, row.cost().0)
                .map_err(|e| anyhow::anyhow!("cannot write the report's rows to a temporary file: {e}"))?,
            None => groups.push(row),
        }
        Ok(())
    })?;
    // `--by call` has no groups: its rows are priced as they are written (`RowReader`), its totals here.
    for (key, sums) in &a.call_totals {
        totals.add_bucket(&mut lookup, key, sums)?;
        used_rows.insert((key.model, key.row));
        all.entry(*key).or_default().merge(sums);
    }
    match by {
        GroupBy::Call => {} // already in input order
        GroupBy::Day | GroupBy::Week | GroupBy::Month => groups.sort_by(|a, b| a.key.cmp(&b.key)),
        _ => groups.sort_by(|a, b| b.cost_usd.cmp(&a.cost_usd).then_with(|| a.key.cmp(&b.key))),
    }
    let unpriced_row = |model: &str, s: &Sums, reason: String| UnpricedRow {
        model: model.to_string(),
        calls: s.calls,
        input_tokens: s.tokens.input,
        cached_input_tokens: s.tokens.cache_read,
        cache_write_tokens: s.tokens.cache_write_5m.saturating_add(s.tokens.cache_write_1h),
        output_tokens: s.tokens.output,
        reported_cost_usd: (s.reported.calls > 0).then_some(Usd(s.reported.usd)),
        reason,
    };
    let unpriced = a
        .unpriced
        .iter()
        .map(|(model, (s, why))| {
            let reason = match why {
                Resolution::Ambiguous(c) => format!("ambiguous: {}", c.join(", ")),
                Resolution::NotListed(p) => format!("not listed by {p}, the provider the log names"),
                _ => "unknown".into(),
            };
            unpriced_row(model, s, reason)
        })
        .collect();
    let unpriced_other = (a.unpriced_other.calls > 0).then(|| {
        let reason = format!(
            "more models without a price than are listed by name: the models past the first {} names, in name \
             order, together",
            crate::fmt::thousands(a.unpriced.len() as u64)
        );
        unpriced_row(UNPRICED_OTHER, &a.unpriced_other, reason)
    });
    let mut estimates = BTreeSet::new();
    let prices = used_rows
        .iter()
        .map(|&(m, r)| {
            let model = table.model(m);
            if let Some(e) = table.marginal_for(model) {
                estimates.insert(e.id.clone());
            }
            let row = &model.prices[r];
            PriceUsed {
                model: model.full_id(),
                as_of: row.as_of.to_string(),
                source: row.source.clone(),
                rates_usd_per_m: billed::base_rates(row),
                long_context: billed::levels(row),
            }
        })
        .collect();
    let marginal_estimates = estimates
        .iter()
        .map(|id| {
            let e = &table.marginal[id];
            EstimateUsed {
                id: id.clone(),
                as_of: e.as_of.to_string(),
                source: e.source.clone(),
                marginal_method: e.method.name(),
                marginal_basis: e.source.clone(),
            }
        })
        .collect();
    let report = Report {
        schema_version: SCHEMA_VERSION,
        tokencost_version: env!("CARGO_PKG_VERSION"),
        by,
        totals: totals.row("total".into()),
        groups,
        unpriced,
        unpriced_other,
        pricing: PricingInfo {
            layers: table.layers.clone(),
            prices,
            marginal_estimates,
        },
        summary: Summary::of(&a.stats),
        billed: billed::buckets(table, &all),
        plan: None,
        budgets: Vec::new(),
        over_time: None,
        projects,
        rest: None,
    };
    Ok((report, ordered.map(Pending::Groups)))
}
