//! Counts of what a run read: files, lines by format, skipped lines by reason, and what became of the calls.
//!
//! The engine reports what it reads through the fold's methods here rather than by writing the counts itself, so
//! every count has one place that keeps it.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

use super::Fold;
use crate::call::FileNames;
use crate::input::{FormatId, SkipReason};

/// Counts of what a run read, for the summary line and the report.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub files: u64,
    pub unreadable_files: u64,
    pub lines: u64,
    pub calls: u64,
    pub priced_calls: u64,
    pub unpriced_calls: u64,
    /// Copies of a response already counted from another line.
    pub duplicates: u64,
    /// Streamed lines replaced by their session's final usage line.
    pub superseded: u64,
    /// Batch requests whose result says they were not billed.
    pub not_billed: u64,
    /// Calls outside `--since`/`--until`, or without a timestamp while a filter is set.
    pub filtered_out: u64,
    pub skipped: BTreeMap<SkipReason, u64>,
    pub lines_by_format: BTreeMap<&'static str, u64>,
    /// Distinct sessions among the counted calls (a line without a session counts under its file's name).
    pub sessions: u64,
    /// The earliest and latest timestamps of the counted calls.
    pub first_call: Option<DateTime<Utc>>,
    pub last_call: Option<DateTime<Utc>>,
    /// Why waiting copies could not be written to temporary files (they stayed in memory: results are exact).
    pub spill_error: Option<String>,
    /// Why copies written to temporary files could not be read back (results are incomplete).
    pub spill_lost: Option<String>,
}

impl Stats {
    pub fn skipped_lines(&self) -> u64 {
        self.skipped.values().sum()
    }
}

impl Fold<'_> {
    /// Counts file number `file_no` as read, and registers its names before its calls are pushed.
    pub fn file_opened(&mut self, file_no: usize, names: FileNames) {
        self.stats.files += 1;
        self.waiting.file(file_no, &names.label, &names.session_fallback);
        self.groups.file(file_no, names);
    }

    /// Counts a file or directory that could not be read, or whose reading failed part way.
    pub fn file_unreadable(&mut self) {
        self.stats.unreadable_files += 1;
    }

    /// Counts a line read in `format`; its calls are pushed after.
    pub fn line_read(&mut self, format: FormatId) {
        self.stats.lines += 1;
        *self.stats.lines_by_format.entry(format.name()).or_default() += 1;
    }

    /// Counts a line that gave no call, by why.
    pub fn line_skipped(&mut self, reason: SkipReason) {
        self.stats.lines += 1;
        *self.stats.skipped.entry(reason).or_default() += 1;
    }

    /// The counts so far, for progress: calls that wait for the end of the input are not counted yet.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }
}
