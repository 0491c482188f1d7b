//! Folds counted calls, in input order, into integer token sums per group and price bucket.
//!
//! Calls that may be written more than once (a response id, a batch custom id, a streamed session) wait until the
//! whole input is read: only the best copy of each is added, in input order, so the result does not depend on
//! which file or batch a copy came from. Nothing here is priced.
//!
//! The fold's parts: `stats` counts what was read, `dedup` holds the calls that wait (in the compact form of
//! `record`, spilled to disk past a bound), `group` adds the calls that count to their groups (their sums in
//! `buckets`), and `sessions` counts the sessions and sums them for budgets (spilled to disk past a bound).
//! `partial` hands the state out before the waiting calls are settled, and takes other folds' states back in.

mod buckets;
mod calls;
mod dedup;
mod group;
mod group_set;
mod partial;
mod projects;
mod record;
mod sessions;
mod stats;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::collections::BTreeMap;

use crate::call::{Call, GroupBy, Place, Resolution, Sums, Traced};
use crate::pricing::PriceTable;
pub use buckets::Buckets;
pub use calls::CallRows;
use dedup::Waiting;
use group::Grouping;
pub use group::{CallInfo, Group, SideGroups};
pub use group_set::{Groups, decode as decode_group, encode as encode_group};
pub use partial::Piece;
pub use sessions::SessionSums;
pub use stats::Stats;

/// Which calls count, and how days are cut.
#[derive(Debug, Clone)]
pub struct Filter {
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub timezone: Tz,
    /// The first day of a `--by week` week.
    pub week_start: chrono::Weekday,
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            since: None,
            until: None,
            timezone: Tz::UTC,
            week_start: chrono::Weekday::Mon,
        }
    }
}

/// A call and where it was read.
#[derive(Debug, Clone)]
pub struct Placed {
    pub call: Call,
    pub place: Place,
}

#[derive(Debug, Default)]
pub struct Analysis {
    /// In memory, or past a bound in a temporary file: read them with `Groups::each`.
    pub groups: Groups,
    /// Calls whose model has no price, by the name the log gave: the first 65,536 names in name order.
    pub unpriced: BTreeMap<String, (Sums, Resolution)>,
    /// Calls of the unpriced models past those names, summed together (no calls: there were none).
    pub unpriced_other: Sums,
    pub stats: Stats,
    /// Every counted call's session and size, in input order, when asked for (to fit session shapes).
    pub trace: Option<Vec<Traced>>,
    /// Priced sums per session and per model whatever `--by` is, when asked for (for budgets).
    pub side: Option<SideGroups>,
    /// `--by call`'s calls, to be read once in place order (`CallRows::each`), and their priced sums by bucket (the
    /// totals); `groups` is then empty.
    pub calls: Option<CallRows>,
    pub call_totals: Buckets,
    /// Priced sums per day (in `--timezone`; None: no timestamp) and model whatever `--by` is, when asked for (for
    /// the HTML report's cost over time).
    pub timeline: Option<Timeline>,
}

/// Buckets of priced sums by local day and model index.
pub type Timeline = BTreeMap<(Option<chrono::NaiveDate>, usize), BTreeMap<crate::call::BucketKey, Sums>>;

pub struct Fold<'a> {
    /// Counted by the engine as it reads, and by the parts below as calls are added or replaced.
    stats: Stats,
    waiting: Waiting,
    groups: Grouping<'a>,
}

impl<'a> Fold<'a> {
    pub fn new(table: &'a PriceTable, by: GroupBy, filter: Filter) -> Self {
        Fold {
            stats: Stats::default(),
            waiting: Waiting::default(),
            groups: Grouping::new(table, by, filter),
        }
    }

    /// Also sums every call by session and by model, for budgets; with `file_sessions`, calls without a session
    /// count under their file's name.
    pub fn with_side_groups(mut self, file_sessions: bool) -> Self {
        self.groups.analysis.side = Some(SideGroups {
            file_sessions,
            ..SideGroups::default()
        });
        self.groups.sessions.sums = true;
        self
    }

    /// Also sums every call by day and model, for a chart of cost over time.
    pub fn with_timeline(mut self) -> Self {
        self.groups.analysis.timeline = Some(Timeline::new());
        self
    }

    /// Keeps each counted call's session and size, for `project --from`.
    pub fn with_trace(mut self) -> Self {
        self.groups.analysis.trace = Some(Vec::new());
        self
    }

    /// Holds at most `n` waiting copies, `n` sessions, `n` groups and `n` calls in memory before writing them out as a sorted run.
    pub fn with_spill_at(mut self, n: usize) -> Self {
        self.waiting.spill_at = n;
        self.groups.sessions.spill_at = n;
        self.groups.calls.spill_at = n;
        self.groups.groups.spill_at = n;
        self
    }

    /// Takes one call in input order.
    pub fn push(&mut self, p: Placed) {
        if let Some(p) = self.waiting.push(p, &mut self.stats) {
            self.groups.add(p, &mut self.stats);
        }
    }

    /// Adds the calls that waited for the whole input, and returns the analysis.
    pub fn finish(mut self) -> Analysis {
        let groups = &mut self.groups;
        self.waiting.finish(&mut self.stats, |p, stats| groups.add(p, stats));
        self.groups.finish(self.stats)
    }
}

#[cfg(test)]
mod dedup_tests;
#[cfg(test)]
mod group_tests;
#[cfg(test)]
mod record_tests;
#[cfg(test)]
mod sessions_tests;
#[cfg(test)]
mod tests;
