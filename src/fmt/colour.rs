//! Colour for people at a terminal: overruns and errors in red, warnings and unpriced models in yellow. Never in a
//! file or a pipe, never when `NO_COLOR` is set (<https://no-color.org>) unless `--color always` asks, and always
//! applied after text from the logs has been escaped, so a log cannot turn colour on or off.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy)]
pub enum Paint {
    /// An overrun, an error.
    Red,
    /// A warning, a model without a price.
    Yellow,
}

static STDOUT: AtomicBool = AtomicBool::new(false);
static STDERR: AtomicBool = AtomicBool::new(false);

/// Decides once, for the whole run, whether stdout and stderr get colour.
pub fn choose(choice: Choice) {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let on = |terminal: bool| match choice {
        Choice::Always => true,
        Choice::Never => false,
        Choice::Auto => terminal && !no_color,
    };
    STDOUT.store(on(std::io::stdout().is_terminal()), Ordering::Relaxed);
    STDERR.store(on(std::io::stderr().is_terminal()), Ordering::Relaxed);
}

fn wrap(on: bool, paint: Paint, text: &str) -> String {
    if !on {
        return text.to_string();
    }
    let code = match paint {
        Paint::Red => "31",
        Paint::Yellow => "33",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// `text` (already escaped) in colour when stderr takes it.
pub fn stderr(paint: Paint, text: &str) -> String {
    wrap(STDERR.load(Ordering::Relaxed), paint, text)
}

/// `text` (already escaped) in colour when stdout takes it and the output goes to stdout.
pub fn stdout(paint: Paint, text: &str) -> String {
    wrap(STDOUT.load(Ordering::Relaxed), paint, text)
}
