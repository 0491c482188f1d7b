//! `tokencost marginal estimate MODEL`: estimated USD per 1M input and output tokens, low-high.

use anyhow::Result;

use crate::config::EstimateConfig;
use crate::error::Exit;

pub fn run(_cfg: EstimateConfig) -> Result<Exit> {
    Ok(Exit::Success)
}
