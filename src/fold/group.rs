//! Grouping: each counted call's tokens added to its group's bucket, the group's key chosen by `--by`.
//!
//! A call reaches here once it is known to count (its best copy, or a stream line no final line replaced). It is
//! still left out if it was not billed or falls outside the `--since`/`--until` window; otherwise its session,
//! timestamps, trace and side groups are kept too.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use super::buckets::{self, Buckets};
use super::calls::CallRows;
use super::group_set::{self, GroupSet};
use super::sessions::{SessionSums, Sessions};
use super::{Analysis, Filter, Placed, Stats};
use crate::call::{
    BucketKey, Call, Dedup, FileNames, GroupBy, Place, Resolution, Sums, Tier, TokenSource, Tokens, Traced,
};
use crate::pricing::PriceTable;

/// The key of calls whose log does not say what they are grouped by.
const UNKNOWN: &str = "unknown";

/// The day, the first day of the week, or the month of a local date.
fn period(by: GroupBy, date: chrono::NaiveDate, week_start: chrono::Weekday) -> String {
    use chrono::Datelike;
    match by {
        GroupBy::Week => {
            let back = date.weekday().days_since(week_start);
            (date - chrono::Days::new(u64::from(back))).to_string()
        }
        GroupBy::Month => format!("{:04}-{:02}", date.year(), date.month()),
        _ => date.to_string(),
    }
}

/// Of two reasons one model name went unpriced (a log that stated a provider, another that did not), the one the
/// report gives: the first in a fixed order, never the first read, so it does not depend on the order of the files.
fn keep_first_reason(kept: &mut Resolution, other: &Resolution) {
    let order = |r: &Resolution| match r {
        Resolution::Found(i) => (0, Vec::new(), *i),
        Resolution::Unknown => (1, Vec::new(), 0),
        Resolution::NotListed(p) => (2, vec![p.clone()], 0),
        Resolution::Ambiguous(c) => (3, c.clone(), 0),
    };
    if order(other) < order(kept) {
        *kept = other.clone();
    }
}

/// One counted call, as `--by call` writes it: where it was read and what its row and its export hold.
#[derive(Debug, Clone)]
pub struct CallInfo {
    pub place: Place,
    /// Its file's label, and its line.
    pub file: String,
    pub line: u64,
    /// The name the log gave.
    pub model: String,
    pub source: TokenSource,
    pub timestamp: Option<chrono::DateTime<chrono::Utc>>,
    /// The call's own session, and the one it is reported under (its file's name when it has none).
    pub session: Option<Arc<str>>,
    pub session_shown: Arc<str>,
    pub project: Option<Arc<str>>,
    pub branch: Option<Arc<str>>,
    pub team: Option<Arc<str>>,
    pub tag: Option<Arc<str>>,
    pub tier: Tier,
    pub dedup: Option<Dedup>,
    pub tokens: Tokens,
    pub reported_cost: Option<rust_decimal::Decimal>,
    /// The price bucket that billed the call, or why it has no price.
    pub priced: Result<BucketKey, Resolution>,
}

impl CallInfo {
    /// The call again, where it was read, and the bucket that billed it (for a partial result). Its file's names
    /// are not part of it: they are the file's.
    pub fn into_placed(self) -> (Placed, Result<BucketKey, Resolution>) {
        let call = Call {
            model: Arc::from(self.model),
            resolution: match &self.priced {
                Ok(key) => Resolution::Found(key.model),
                Err(why) => why.clone(),
            },
            session: self.session,
            project: self.project,
            branch: self.branch,
            team: self.team,
            tag: self.tag,
            reported_cost: self.reported_cost,
            timestamp: self.timestamp,
            tier: self.tier,
            tokens: self.tokens,
            source: self.source,
            billed: true,
            dedup: self.dedup,
            stream: None,
        };
        (
            Placed {
                call,
                place: self.place,
            },
            self.priced,
        )
    }

    /// The row's key: the file and line, and the call's position on the line after the first.
    pub fn key(&self) -> String {
        match self.place.2 {
            0 => format!("{}:{}", self.file, self.line),
            n => format!("{}:{}#{}", self.file, self.line, n + 1),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Group {
    pub key: String,
    pub first: Place,
    pub buckets: Buckets,
    /// With `--by session`, the project the session ran in (that of its earliest call that names one, as
    /// `--by project` shows it), so a session is more than an id.
    pub project: Option<String>,
    /// The place of the call `project` came from: the earliest wins, whatever the order calls or partials arrive in.
    pub project_at: Place,
}

/// Buckets of priced sums, by session and by model.
#[derive(Debug, Default)]
pub struct SideGroups {
    /// Held in memory, or past a bound in a temporary file: read them with `SessionSums::each`.
    pub sessions: SessionSums,
    pub models: BTreeMap<usize, Buckets>,
    /// Whether a call without a session of its own counts under its file's name as a session.
    pub file_sessions: bool,
    /// Priced calls left out of `sessions` because the log gave them no session.
    pub sessionless: u64,
}

impl Filter {
    /// Whether a call at `timestamp` counts: with a window set, a call without a timestamp cannot be placed in it.
    fn admits(&self, timestamp: Option<chrono::DateTime<chrono::Utc>>) -> bool {
        if self.since.is_none() && self.until.is_none() {
            return true;
        }
        timestamp.is_some_and(|t| self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t < u))
    }
}

/// The groups being built, and what is kept of the counted calls besides.
pub(super) struct Grouping<'a> {
    table: &'a PriceTable,
    by: GroupBy,
    filter: Filter,
    /// The analysis without its counts and groups, which the fold keeps.
    pub(super) analysis: Analysis,
    /// The groups: bounded in memory, spilled past the bound.
    pub(super) groups: GroupSet,
    /// Distinct sessions, with their sums when budgets ask for them: bounded in memory, spilled past the bound.
    pub(super) sessions: Sessions,
    /// Names of the files read, by file number (kept once, not with every call).
    files: Vec<FileNames>,
    /// Counted calls' places, sessions and sizes, put back in input order at the end.
    trace: Vec<(Place, Traced)>,
    /// Each model's `provider/id`, the group key of `--by model`, made once.
    model_keys: Vec<Option<String>>,
    /// `--by call`'s calls, bounded in memory, spilled past the bound.
    pub(super) calls: CallRows,
    /// Names of models without a price summed each under its own (`unpriced_sums`).
    pub(super) unpriced_kept: usize,
}

/// Models without a price summed under their own names; the rest are summed together. A log that names more
/// models than any price table lists is hostile or broken, and its every name would otherwise be held.
const UNPRICED_KEPT: usize = 1 << 16;

impl<'a> Grouping<'a> {
    pub(super) fn new(table: &'a PriceTable, by: GroupBy, filter: Filter) -> Self {
        Grouping {
            table,
            by,
            filter,
            analysis: Analysis::default(),
            groups: GroupSet::default(),
            sessions: Sessions::default(),
            files: Vec::new(),
            trace: Vec::new(),
            model_keys: Vec::new(),
            calls: CallRows::default(),
            unpriced_kept: UNPRICED_KEPT,
        }
    }

    /// Registers file number `file_no`'s names before its calls are added.
    pub(super) fn file(&mut self, file_no: usize, names: FileNames) {
        if self.files.len() <= file_no {
            self.files.resize(
                file_no + 1,
                FileNames {
                    label: String::new(),
                    session_fallback: String::new(),
                },
            );
        }
        self.files[file_no] = names;
    }

    /// Adds one call that counts, unless it was not billed or is outside the window.
    pub(super) fn add(&mut self, p: Placed, stats: &mut Stats) {
        let call = p.call;
        if !call.billed {
            stats.not_billed += 1;
            return;
        }
        if !self.filter.admits(call.timestamp) {
            stats.filtered_out += 1;
            return;
        }
        stats.calls += 1;
        let names = &self.files[p.place.0];
        let session: &str = call.session.as_deref().unwrap_or(&names.session_fallback);
        if self.analysis.trace.is_some() {
            self.trace.push((
                p.place,
                Traced {
                    session: session.to_string(),
                    prompt: call.tokens.prompt(),
                    output: call.tokens.output,
                },
            ));
        }
        if let Some(t) = call.timestamp {
            stats.first_call = Some(stats.first_call.map_or(t, |f| f.min(t)));
            stats.last_call = Some(stats.last_call.map_or(t, |l| l.max(t)));
        }
        let model_idx = match call.resolution {
            Resolution::Found(i) => i,
            ref other => {
                self.sessions.add(session, None, stats);
                stats.unpriced_calls += 1;
                self.unpriced_sums(&call.model, other)
                    .add_call(&call.tokens, call.source, call.reported_cost);
                if self.by == GroupBy::Call {
                    // A call without a price is a row of its own too, with no cost.
                    self.keep_call(&call, p.place, Err(other.clone()), stats);
                }
                return;
            }
        };
        stats.priced_calls += 1;
        let model = self.table.model(model_idx);
        // Prices change on UTC dates; `--timezone` only moves the day a call is reported under.
        let row = model.row_at(call.timestamp.map(|t| t.date_naive()));
        let key = BucketKey {
            model: model_idx,
            row,
            tier: call.tier,
            level: model.prices[row].level(call.tokens.prompt()),
        };
        // A whole file is not a session for budgets unless asked: a log of unrelated requests would fail a session
        // budget that each of its calls is well within. It is still counted as one in the summary.
        let summed = match &mut self.analysis.side {
            Some(side) if call.session.is_none() && !side.file_sessions => {
                side.sessionless += 1;
                false
            }
            _ => true,
        };
        let priced = summed.then_some((key, &call.tokens, call.source));
        self.sessions.add(session, priced, stats);
        if let Some(side) = &mut self.analysis.side {
            buckets::add(
                side.models.entry(model_idx).or_default(),
                key,
                &call.tokens,
                call.source,
                call.reported_cost,
            );
        }
        if let Some(timeline) = &mut self.analysis.timeline {
            let day = call
                .timestamp
                .map(|t| t.with_timezone(&self.filter.timezone).date_naive());
            timeline
                .entry((day, model_idx))
                .or_default()
                .entry(key)
                .or_default()
                .add_call(&call.tokens, call.source, call.reported_cost);
        }
        let group_key: Cow<str> = match self.by {
            GroupBy::Model => {
                if self.model_keys.len() <= model_idx {
                    self.model_keys.resize(model_idx + 1, None);
                }
                Cow::Borrowed(
                    self.model_keys[model_idx]
                        .get_or_insert_with(|| model.full_id())
                        .as_str(),
                )
            }
            GroupBy::Provider => Cow::Borrowed(&model.provider),
            GroupBy::Session => Cow::Borrowed(session),
            GroupBy::Day | GroupBy::Week | GroupBy::Month => Cow::Owned(call.timestamp.map_or_else(
                || "unknown".to_string(),
                |t| {
                    period(
                        self.by,
                        t.with_timezone(&self.filter.timezone).date_naive(),
                        self.filter.week_start,
                    )
                },
            )),
            GroupBy::Project => Cow::Borrowed(call.project.as_deref().unwrap_or(UNKNOWN)),
            GroupBy::Branch => Cow::Borrowed(call.branch.as_deref().unwrap_or(UNKNOWN)),
            GroupBy::Team => Cow::Borrowed(call.team.as_deref().unwrap_or(UNKNOWN)),
            GroupBy::Tag => Cow::Borrowed(call.tag.as_deref().unwrap_or(UNKNOWN)),
            GroupBy::Call => {
                buckets::add(
                    &mut self.analysis.call_totals,
                    key,
                    &call.tokens,
                    call.source,
                    call.reported_cost,
                );
                self.keep_call(&call, p.place, Ok(key), stats);
                return;
            }
        };
        let (g, spill_error) = self.groups.entry(&group_key, p.place);
        if let Some(e) = spill_error {
            stats.spill_error.get_or_insert(e);
        }
        if self.by == GroupBy::Session
            && let Some(project) = &call.project
            && (g.project.is_none() || p.place < g.project_at)
        {
            g.project = Some(project.to_string());
            g.project_at = p.place;
        }
        // Calls that waited are added after the rest: the group's first call is the earliest read.
        g.first = g.first.min(p.place);
        buckets::add(&mut g.buckets, key, &call.tokens, call.source, call.reported_cost);
    }

    /// Keeps a counted call for `--by call`, which writes a row for each.
    fn keep_call(&mut self, call: &Call, place: Place, priced: Result<BucketKey, Resolution>, stats: &mut Stats) {
        if let Some(e) = self.calls.push(call, place, &priced) {
            stats.spill_error = Some(e);
        }
    }

    /// The names of every file registered, by file number, for a partial result (numbers never registered are
    /// empty).
    pub(super) fn files(&self) -> &[FileNames] {
        &self.files
    }

    /// Keeps a `--by call` row read from a partial result: in the rows, and if priced in the totals. Returns the
    /// error of a temporary file that could not be written (the row is then kept in memory).
    pub(super) fn absorb_call(&mut self, p: &Placed, priced: &Result<BucketKey, Resolution>) -> Option<String> {
        let c = &p.call;
        if let Ok(key) = priced {
            buckets::add(
                &mut self.analysis.call_totals,
                *key,
                &c.tokens,
                c.source,
                c.reported_cost,
            );
        }
        self.calls.push(c, p.place, priced)
    }

    /// Adds a group read from a partial result: its sums join the group of the same key, if there is one.
    /// Returns the error of a temporary file that could not be written.
    pub(super) fn absorb_group(&mut self, g: Group) -> Option<String> {
        self.groups.absorb(g)
    }

    /// Adds the sums of an unpriced model read from a partial result.
    pub(super) fn absorb_unpriced(&mut self, model: String, sums: &Sums, reason: Resolution) {
        self.unpriced_sums(&model, &reason).merge(sums);
    }

    /// Adds the sums of the unpriced models past the names kept, read from a partial result.
    pub(super) fn absorb_unpriced_other(&mut self, sums: &Sums) {
        self.analysis.unpriced_other.merge(sums);
    }

    /// Where an unpriced model's calls are summed: under its name, among the first `unpriced_kept` names in name
    /// order; past them, with the other unpriced models. A name that sorts after every kept one when they are full
    /// goes to the others, and a new name that sorts before one of them sends the last kept name there: the names
    /// kept are then the first in name order of all that were read, whatever the order of the calls or of merged
    /// partials, and each is summed whole (a name sent to the others never comes back).
    fn unpriced_sums(&mut self, model: &str, why: &Resolution) -> &mut Sums {
        let a = &mut self.analysis;
        if !a.unpriced.contains_key(model) && a.unpriced.len() >= self.unpriced_kept {
            if a.unpriced
                .last_key_value()
                .is_some_and(|(last, _)| model > last.as_str())
            {
                return &mut a.unpriced_other;
            }
            if let Some((_, (sums, _))) = a.unpriced.pop_last() {
                a.unpriced_other.merge(&sums);
            }
        }
        let e = (a.unpriced.entry(model.to_string())).or_insert_with(|| (Sums::default(), why.clone()));
        keep_first_reason(&mut e.1, why);
        &mut e.0
    }

    /// Adds one day's and model's sums read from a partial result, when the fold keeps them.
    pub(super) fn absorb_day(&mut self, day: Option<chrono::NaiveDate>, model: usize, b: &Buckets) {
        if let Some(timeline) = &mut self.analysis.timeline {
            let into = timeline.entry((day, model)).or_default();
            for (k, s) in b {
                into.entry(*k).or_default().merge(s);
            }
        }
    }

    /// The analysis, in input order, with `stats` and the count of distinct sessions. Groups written to temporary
    /// files that cannot be read back are lost: the counts say so, and the run fails.
    pub(super) fn finish(mut self, mut stats: Stats) -> Analysis {
        match std::mem::take(&mut self.groups).finish() {
            Ok(groups) => self.analysis.groups = groups,
            Err(e) => {
                stats.spill_lost.get_or_insert_with(|| e.to_string());
            }
        }
        // Projects are named as briefly as the others allow: `--by project`'s keys, each session's project.
        let keys = self.by == GroupBy::Project;
        if keys || self.by == GroupBy::Session {
            let mut paths = std::collections::BTreeSet::new();
            let read = self.analysis.groups.each(|g| {
                let path = if keys { Some(&g.key) } else { g.project.as_ref() };
                if let Some(path) = path.filter(|p| !paths.contains(*p)) {
                    paths.insert(path.clone());
                }
                Ok::<(), std::io::Error>(())
            });
            if let Err(e) = read {
                stats.spill_lost.get_or_insert_with(|| e.to_string());
            }
            self.analysis.groups.shorten(group_set::short_names(&paths), keys);
        }
        if self.by == GroupBy::Call {
            let mut calls = std::mem::take(&mut self.calls);
            calls.files = std::mem::take(&mut self.files);
            self.analysis.calls = Some(calls);
        }
        if let Some(trace) = &mut self.analysis.trace {
            self.trace.sort_by_key(|(place, _)| *place);
            trace.extend(self.trace.drain(..).map(|(_, t)| t));
        }
        let (sessions, sums) = self.sessions.finish(&mut stats);
        stats.sessions = sessions;
        if let Some(side) = &mut self.analysis.side {
            side.sessions = sums;
        }
        self.analysis.stats = stats;
        self.analysis
    }
}
