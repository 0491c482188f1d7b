//! One module per subcommand, each with its own `run`.

pub mod analyze;
pub mod compare;
pub mod count;
pub mod diff;
pub mod marginal;
pub mod markup;
pub mod merge;
pub mod pricing;
pub mod pricing_diff;
pub mod project;
pub mod shell;
pub mod sql;

use std::path::PathBuf;

use crate::config::Config;
use crate::error::Exit;
use crate::output::Destination;

/// Runs a validated command.
pub fn run(config: Config) -> anyhow::Result<Exit> {
    match config {
        Config::Analyze(cfg) => analyze::run(*cfg),
        Config::Merge(cfg) => merge::run(cfg),
        Config::Count(cfg) => count::run(cfg),
        Config::Project(table, args) => project::run(&table, args),
        Config::Compare(table, args) => compare::run(&table, args),
        Config::Markup(table, args) => markup::run(&table, args),
        Config::PricingList(cfg) => pricing::list(cfg),
        Config::PricingCheck(paths) => pricing::check(&paths),
        Config::Marginal(cfg) => marginal::run(cfg),
        Config::Completions(shell) => shell::completions(shell),
        Config::Man => shell::man(),
        Config::PricingDiff(cfg) => pricing_diff::run(cfg),
        Config::Diff(cfg) => diff::run(*cfg),
        Config::PricingImport(cfg) => pricing::import(cfg),
        Config::PricingUpdate(cfg) => pricing::update(cfg),
        Config::Sql(table, cfg) => sql::run(&table, cfg),
    }
}

/// A line per self-hosted target among `models`: how it was priced (the serving model's low-load case at the
/// GPU-hour price given), so that the figure is never read as a provider's price.
pub(crate) fn self_hosted_notes(
    table: &crate::pricing::PriceTable,
    models: &[usize],
) -> Vec<crate::output::view::Part<'static>> {
    let mut notes = Vec::new();
    for &i in models {
        let m = table.model(i);
        if m.provider == "self"
            && let Some(row) = m.prices.last()
        {
            notes.push(crate::output::view::Part::line(format!(
                "{}: {}.",
                m.full_id(),
                row.source
            )));
        }
    }
    notes
}

/// Refuses, before anything is read, a `-o` file that the command would read: the report would replace the log.
/// Directories are expanded as the engine expands them, and only when `-o` names a file that is already there.
pub(crate) fn refuse_output_over_input(to: &Destination, inputs: &[PathBuf]) -> anyhow::Result<()> {
    match to {
        Destination::File(p) if p.exists() => to.refuse_overwriting(&crate::input::expand_paths(inputs).files),
        _ => Ok(()),
    }
}
