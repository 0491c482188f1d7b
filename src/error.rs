//! Exit codes, one place: documented in `--help` and the README.

use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    /// A budget was overrun.
    Overrun = 1,
    /// Bad usage, an input that could not be read, or invalid pricing.
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

/// Price tables that failed validation: every problem, each with its file and line.
#[derive(Debug, thiserror::Error)]
#[error("invalid pricing:\n{}", .0.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
pub struct PricingError(pub Vec<crate::pricing::Problem>);
