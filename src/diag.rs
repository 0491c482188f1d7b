//! Warnings and errors on stderr, with `path:line`. Bad lines are reported one by one up to a limit per file and a
//! limit per run, then counted, so a broken log (or a million of them) cannot flood the terminal or the CI log.
//!
//! Every line goes out through `fmt::shown`: a file name or a model name from the logs can neither start a line
//! nor send the terminal a control sequence. Only `annotate` writes a line that begins with a workflow command.

use std::io::Write;

use crate::fmt::colour::{self, Paint};
use crate::fmt::{annotation, shown, thousands};

/// Bad lines shown per file before the rest are only counted.
const SHOWN_PER_FILE: u64 = 5;
/// Stderr lines about bad lines and unreadable inputs in one run, before the rest are only counted.
const SHOWN_PER_RUN: u64 = 100;
/// Items of one kind listed by name (models without a price, problems in a price table) before a count of the rest.
pub const LISTED: usize = 20;

#[derive(Debug, Default)]
pub struct Diag {
    pub quiet: bool,
    /// Bad lines so far in each file not yet ended, and how many of them were shown (a batch may hold the lines of
    /// several files).
    file_problems: std::collections::HashMap<String, (u64, u64)>,
    pub errors: u64,
    /// Lines about bad lines and errors printed so far, against `SHOWN_PER_RUN`.
    printed: u64,
    /// Bad lines not shown and not yet summarised by a per-file line, and the files they are in.
    unshown_lines: u64,
    unshown_files: u64,
    /// Errors not shown.
    unshown_errors: u64,
}

impl Diag {
    pub fn new(quiet: bool) -> Self {
        Diag {
            quiet,
            ..Diag::default()
        }
    }

    fn say(&self, msg: &str) {
        // A closed stderr must not stop the run.
        let _ = writeln!(std::io::stderr().lock(), "{}", shown(msg));
    }

    /// A line with its leading `prefix` in colour (when stderr takes colour); the rest as `say` writes it.
    fn say_painted(&self, paint: Paint, prefix: &str, msg: &str) {
        let _ = writeln!(
            std::io::stderr().lock(),
            "{}{}",
            colour::stderr(paint, prefix),
            shown(msg)
        );
    }

    /// Room for one more line about bad input in this run.
    fn room(&mut self) -> bool {
        let ok = self.printed < SHOWN_PER_RUN;
        self.printed += u64::from(ok);
        ok
    }

    /// An error that changes the exit code (an input that could not be read), shown up to the run's limit.
    pub fn error(&mut self, msg: &str) {
        self.errors += 1;
        if self.room() {
            self.say_painted(Paint::Red, "tokencost: error:", &format!(" {msg}"));
        } else {
            self.unshown_errors += 1;
        }
    }

    pub fn warn(&self, msg: &str) {
        if !self.quiet {
            self.say_painted(Paint::Yellow, "tokencost: warning:", &format!(" {msg}"));
        }
    }

    /// A line that was skipped.
    pub fn line_problem(&mut self, file: &str, line: u64, msg: &str) {
        let (seen, shown_here) = self.file_problems.get(file).copied().unwrap_or_default();
        let show = seen < SHOWN_PER_FILE && !self.quiet && self.room();
        if show {
            self.say(&format!("{file}:{line}: {msg}"));
        }
        self.file_problems
            .insert(file.to_string(), (seen + 1, shown_here + u64::from(show)));
    }

    pub fn end_file(&mut self, file: &str) {
        let (seen, shown_here) = self.file_problems.remove(file).unwrap_or_default();
        let more = seen - shown_here;
        if more == 0 || self.quiet {
            return;
        }
        if self.room() {
            self.warn(&format!("{file}: {more} more bad lines not shown"));
        } else {
            self.unshown_lines += more;
            self.unshown_files += 1;
        }
    }

    /// Counts what the run's limit kept off stderr; called once the input is read.
    pub fn finish(&mut self) {
        if self.unshown_lines > 0 {
            self.warn(&format!(
                "{} more bad lines in {} files not shown",
                thousands(self.unshown_lines),
                thousands(self.unshown_files)
            ));
        }
        if self.unshown_errors > 0 {
            self.say(&format!(
                "tokencost: error: {} more errors not shown",
                thousands(self.unshown_errors)
            ));
        }
        (self.unshown_lines, self.unshown_files, self.unshown_errors) = (0, 0, 0);
    }

    /// A message shown even under `--quiet` (a broken budget is the run's verdict).
    pub fn always(&self, msg: &str) {
        self.say(msg);
    }

    /// `always`, in red on a terminal: an overrun, the line a reader must not miss.
    pub fn alarm(&self, msg: &str) {
        self.say_painted(Paint::Red, &shown(msg), "");
    }

    /// A GitHub Actions error annotation (`::error title=...::message`), shown even under `--quiet`. The title is
    /// the program's own; the message is encoded so that nothing in it ends the command or starts another.
    pub fn annotate(&self, title: &'static str, msg: &str) {
        self.workflow_command("error", title, msg);
    }

    /// A GitHub Actions warning annotation, as `annotate` writes an error one.
    pub fn annotate_warning(&self, title: &'static str, msg: &str) {
        self.workflow_command("warning", title, msg);
    }

    fn workflow_command(&self, command: &str, title: &'static str, msg: &str) {
        let _ = writeln!(
            std::io::stderr().lock(),
            "::{command} title={title}::{}",
            annotation(msg)
        );
    }

    pub fn info(&self, msg: &str) {
        if !self.quiet {
            self.say(msg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_are_shown_up_to_the_limits_then_counted() {
        let mut d = Diag::new(false);
        for f in 0..40 {
            let file = format!("f{f}.jsonl");
            for line in 1..=10 {
                d.line_problem(&file, line, "invalid JSON");
            }
            d.end_file(&file);
        }
        // 5 lines and one summary per file while there is room: 100 lines cover 16 files and 4 lines of the 17th.
        assert_eq!(d.printed, SHOWN_PER_RUN);
        assert_eq!(d.unshown_files, 40 - 16);
        assert_eq!(d.unshown_lines, 6 + 23 * 10);
        d.finish();
        assert_eq!((d.unshown_lines, d.unshown_files), (0, 0));
    }

    #[test]
    fn errors_past_the_limit_are_counted_and_still_fail_the_run() {
        let mut d = Diag::new(true);
        for i in 0..1000 {
            d.error(&format!("f{i}: cannot read"));
        }
        assert_eq!(d.errors, 1000);
        assert_eq!(d.unshown_errors, 1000 - SHOWN_PER_RUN);
    }
}
