//! Exit codes, one place: documented in `--help` and the README. And the errors a run ends with, printed once.

use rust_decimal::Decimal;
use std::fmt;
use std::io::Write;
use std::process::ExitCode;

use crate::diag::LISTED;
use crate::fmt::{shown, thousands};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    /// A budget was overrun.
    Overrun = 1,
    /// Bad usage, an input that could not be read, invalid pricing, or a gate (`--strict`, a budget) on a run that
    /// read no call.
    Failure = 2,
    /// `--strict`: some calls could not be priced or some lines could not be read.
    Strict = 3,
    /// `marginal predict`: some rows could not be predicted; the others were written.
    Partial = 4,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// Price tables that failed validation: each problem with its file and line, the first `LISTED` of them and a count
/// of the rest (`tokencost pricing check` shows more). Each problem is escaped, so its lines are the only ones.
#[derive(Debug, thiserror::Error)]
pub struct PricingError(pub Vec<crate::pricing::Problem>);

impl fmt::Display for PricingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid pricing:")?;
        for p in self.0.iter().take(LISTED) {
            write!(f, "\n  {}", shown(&p.to_string()))?;
        }
        if self.0.len() > LISTED {
            let more = (self.0.len() - LISTED) as u64;
            write!(f, "\n  and {} more problems", thousands(more))?;
        }
        Ok(())
    }
}

/// A figure too large for exact decimals (about 7.9e28): a price or a token count no real bill has, refused rather
/// than rounded, wrapped or left to panic.
#[derive(Debug, thiserror::Error)]
#[error("{0} is too large to compute exactly")]
pub struct TooLarge(pub String);

impl TooLarge {
    /// `a + b`, or this error naming `what`.
    pub fn add(a: Decimal, b: Decimal, what: &str) -> Result<Decimal, TooLarge> {
        a.checked_add(b).ok_or_else(|| TooLarge(what.into()))
    }

    /// `a x b`, or this error naming `what`.
    pub fn mul(a: Decimal, b: Decimal, what: &str) -> Result<Decimal, TooLarge> {
        a.checked_mul(b).ok_or_else(|| TooLarge(what.into()))
    }
}

/// Prints the error a run ended with on stderr, its causes joined by `: `. Text from outside is escaped: only a
/// `PricingError`, which escaped each problem itself, breaks the message into lines.
pub fn print(e: &anyhow::Error) {
    let causes: Vec<String> = e
        .chain()
        .map(|c| match c.downcast_ref::<PricingError>() {
            Some(p) => p.to_string(),
            None => shown(&c.to_string()).into_owned(),
        })
        .collect();
    // A closed stderr leaves nothing to tell.
    let _ = writeln!(
        std::io::stderr().lock(),
        "{} {}",
        crate::fmt::colour::stderr(crate::fmt::colour::Paint::Red, "tokencost: error:"),
        causes.join(": ")
    );
}
