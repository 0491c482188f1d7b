//! Warnings and errors on stderr, with `path:line`. Bad lines are reported one by one up to a limit per file,
//! then counted, so a broken log cannot flood the terminal.

use std::io::Write;

/// Bad lines shown per file before the rest are only counted.
const SHOWN_PER_FILE: u64 = 5;

#[derive(Debug, Default)]
pub struct Diag {
    pub quiet: bool,
    /// Bad lines so far in each file not yet ended (a batch may hold the lines of several files).
    file_problems: std::collections::HashMap<String, u64>,
    pub errors: u64,
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
        let _ = writeln!(std::io::stderr().lock(), "{msg}");
    }

    /// An error that changes the exit code (an input that could not be read), always shown.
    pub fn error(&mut self, msg: &str) {
        self.errors += 1;
        self.say(&format!("tokencost: error: {msg}"));
    }

    pub fn warn(&self, msg: &str) {
        if !self.quiet {
            self.say(&format!("tokencost: warning: {msg}"));
        }
    }

    /// A line that was skipped.
    pub fn line_problem(&mut self, file: &str, line: u64, msg: &str) {
        let seen = self.file_problems.entry(file.to_string()).or_default();
        *seen += 1;
        if *seen <= SHOWN_PER_FILE && !self.quiet {
            self.say(&format!("{file}:{line}: {msg}"));
        }
    }

    pub fn end_file(&mut self, file: &str) {
        let seen = self.file_problems.remove(file).unwrap_or(0);
        if seen > SHOWN_PER_FILE {
            let more = seen - SHOWN_PER_FILE;
            self.warn(&format!("{file}: {more} more bad lines not shown"));
        }
    }

    /// A message shown even under `--quiet` (a broken budget is the run's verdict).
    pub fn always(&self, msg: &str) {
        self.say(msg);
    }

    pub fn info(&self, msg: &str) {
        if !self.quiet {
            self.say(msg);
        }
    }
}
