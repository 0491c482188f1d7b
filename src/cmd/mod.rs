//! One module per subcommand, each with its own `run`.

pub mod analyze;
pub mod compare;
pub mod count;
pub mod marginal;
pub mod markup;
pub mod pricing;
pub mod project;

use crate::config::Config;
use crate::error::Exit;

/// Runs a validated command.
pub fn run(config: Config) -> anyhow::Result<Exit> {
    match config {
        Config::Analyze(cfg) => analyze::run(*cfg),
        Config::Count(cfg) => count::run(cfg),
        Config::Project(table, args) => project::run(&table, args),
        Config::Compare(table, args) => compare::run(&table, args),
        Config::Markup(table, args) => markup::run(&table, args),
        Config::PricingList(cfg) => pricing::list(cfg),
        Config::PricingCheck(paths) => pricing::check(&paths),
        Config::Marginal(cfg) => marginal::run(cfg),
    }
}
