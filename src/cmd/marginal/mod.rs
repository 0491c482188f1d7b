//! `tokencost marginal`: the serving model's commands (estimate, predict, calibrate).

mod calibrate;
mod estimate;
mod predict;

use crate::config::MarginalConfig;
use crate::error::Exit;

pub fn run(cfg: MarginalConfig) -> anyhow::Result<Exit> {
    match cfg {
        MarginalConfig::Estimate(c) => estimate::run(*c),
        MarginalConfig::Predict(c) => predict::run(c),
        MarginalConfig::Calibrate(c) => calibrate::run(c),
    }
}
