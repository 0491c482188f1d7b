//! A fold's state at the end of its input, before de-duplication is settled, handed out piece by piece (a partial
//! result), and pieces of other folds taken back in, so that folds of parts of the input merge into exactly the fold
//! of the whole.
//!
//! What is already summed (groups, unpriced models, days, counts) adds up; what still waits (the best copy of each
//! response, provisional stream lines, the scopes whose final line was read) is pushed again into the fold that
//! merges, where it competes with every other part's copies by the same rule as in one run. Session names are
//! counted again, each once.

use chrono::NaiveDate;
use std::io;

use super::buckets::Buckets;
use super::{Fold, Group, Placed, Stats};
use crate::call::{BucketKey, FileNames, Resolution, Sums};

/// One piece of a fold's state.
#[derive(Debug)]
pub enum Piece {
    /// A file's number in this fold, and its names.
    File(usize, FileNames),
    Group(Group),
    /// A counted call of `--by call`, with its place in this fold and the bucket that billed it.
    Row(Box<Placed>, Result<BucketKey, Resolution>),
    /// A model without a price, by the name the log gave: its sums and why.
    Unpriced(String, Sums, Resolution),
    /// The models without a price past the names kept, summed together.
    UnpricedOther(Sums),
    /// A local day's (None: no timestamp) sums of one model, for the chart of cost over time.
    Day(Option<NaiveDate>, usize, Buckets),
    /// A scope of a streamed session whose final line was read.
    Final(String),
    /// A copy still waiting for the end of the input: keyed (`dedup` set) or a provisional stream line.
    Waiting(Placed),
    Session(String),
    /// The counts, last: handing out the waiting copies may count more duplicates.
    Stats(Stats),
}

impl Fold<'_> {
    /// Hands out the fold's state, unsettled, in the order of `Piece`'s variants. Fails only when copies written to
    /// temporary files cannot be read back.
    pub fn into_pieces(mut self, out: &mut dyn FnMut(Piece) -> io::Result<()>) -> io::Result<()> {
        for (no, names) in self.groups.files().iter().enumerate() {
            if !names.label.is_empty() {
                out(Piece::File(no, names.clone()))?;
            }
        }
        // Groups past the bound are merged from their runs, each key once.
        let groups = std::mem::take(&mut self.groups.groups).finish()?;
        groups.each(|g| out(Piece::Group(g.clone())))?;
        // `--by call`'s rows, read back from memory and temporary files in place order. Their totals are made
        // again from them where they are taken in.
        let mut calls = std::mem::take(&mut self.groups.calls);
        calls.files = self.groups.files().to_vec();
        calls
            .each(|c| {
                let (placed, priced) = c.into_placed();
                Ok(out(Piece::Row(Box::new(placed), priced))?)
            })
            .map_err(|e| io::Error::other(e.to_string()))?;
        for (model, (sums, why)) in std::mem::take(&mut self.groups.analysis.unpriced) {
            out(Piece::Unpriced(model, sums, why))?;
        }
        let other = std::mem::take(&mut self.groups.analysis.unpriced_other);
        if other.calls > 0 {
            out(Piece::UnpricedOther(other))?;
        }
        for ((day, model), b) in self.groups.analysis.timeline.take().unwrap_or_default() {
            out(Piece::Day(day, model, b.into_iter().collect()))?;
        }
        for scope in self.waiting.finals() {
            out(Piece::Final(scope.to_string()))?;
        }
        let mut stats = self.stats;
        self.waiting.drain(&mut stats, &mut |p| out(Piece::Waiting(p)))?;
        self.groups
            .sessions
            .drain(&mut |name| out(Piece::Session(name.to_string())))?;
        out(Piece::Stats(stats))
    }

    /// Registers file number `file_no` of a merge without counting it read (the parts' counts say how many were).
    pub fn file_known(&mut self, file_no: usize, names: FileNames) {
        self.waiting.file(file_no, &names.label, &names.session_fallback);
        self.groups.file(file_no, names);
    }

    /// Takes in one piece of another fold's state. Its files must be registered first (`file_known`), under the
    /// numbers its places use.
    pub fn absorb(&mut self, piece: Piece) {
        match piece {
            Piece::File(no, names) => self.file_known(no, names),
            Piece::Group(g) => {
                if let Some(e) = self.groups.absorb_group(g) {
                    self.stats.spill_error.get_or_insert(e);
                }
            }
            Piece::Row(p, priced) => {
                if let Some(e) = self.groups.absorb_call(&p, &priced) {
                    self.stats.spill_error.get_or_insert(e);
                }
            }
            Piece::Unpriced(model, sums, why) => self.groups.absorb_unpriced(model, &sums, why),
            Piece::UnpricedOther(sums) => self.groups.absorb_unpriced_other(&sums),
            Piece::Day(day, model, b) => self.groups.absorb_day(day, model, &b),
            Piece::Final(scope) => self.waiting.absorb_final(scope),
            Piece::Waiting(p) => self.push(p),
            Piece::Session(name) => self.groups.sessions.add(&name, None, &mut self.stats),
            Piece::Stats(s) => self.stats.absorb(&s),
        }
    }
}

impl Stats {
    /// Adds another part's counts. The count of distinct sessions is made again when the merge finishes.
    fn absorb(&mut self, o: &Stats) {
        for (into, n) in [
            (&mut self.files, o.files),
            (&mut self.unreadable_files, o.unreadable_files),
            (&mut self.lines, o.lines),
            (&mut self.calls, o.calls),
            (&mut self.priced_calls, o.priced_calls),
            (&mut self.unpriced_calls, o.unpriced_calls),
            (&mut self.duplicates, o.duplicates),
            (&mut self.superseded, o.superseded),
            (&mut self.not_billed, o.not_billed),
            (&mut self.filtered_out, o.filtered_out),
        ] {
            *into = into.saturating_add(n);
        }
        for (r, n) in &o.skipped {
            let into = self.skipped.entry(*r).or_default();
            *into = into.saturating_add(*n);
        }
        for (f, n) in &o.lines_by_format {
            let into = self.lines_by_format.entry(f).or_default();
            *into = into.saturating_add(*n);
        }
        self.first_call = match (self.first_call, o.first_call) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_call = self.last_call.max(o.last_call);
    }
}
