//! Validated settings built from the command line; nothing after this module sees clap.

mod analyze;
mod budgets;
mod data_dir;
mod import;
mod lists;
mod marginal;
mod output;
mod project;
mod run_diff;
mod self_host;

pub use analyze::AnalyzeConfig;
pub use import::{ImportConfig, UpdateConfig, user_layer};
pub use lists::{CompareArgs, CountConfig, DiffConfig, ListConfig, MarkupArgs, compare, markup};
pub use marginal::{CalibrateConfig, EstimateConfig, MarginalConfig, PredictConfig};
pub use output::Target;
pub use project::{ProjectArgs, ShapeSource, project};
pub use run_diff::{Gates, Per, RunDiffConfig};

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use std::path::PathBuf;

use crate::call::Resolution;
use crate::cli::{Command, EncodingArg, ImportSource, PricingArgs, PricingCommand};
use crate::error::PricingError;
use crate::pricing::{self, Plan, PriceTable};
use crate::tokenize::Encoding;

/// A command, validated and ready to run.
pub enum Config {
    Analyze(Box<AnalyzeConfig>),
    Count(CountConfig),
    Project(PriceTable, ProjectArgs),
    Compare(PriceTable, CompareArgs),
    Markup(PriceTable, MarkupArgs),
    PricingList(ListConfig),
    PricingCheck(Vec<PathBuf>),
    /// A completion script for this shell, on stdout.
    Completions(clap_complete::Shell),
    /// The manual page, on stdout.
    Man,
    PricingDiff(DiffConfig),
    Diff(Box<RunDiffConfig>),
    PricingImport(ImportConfig),
    PricingUpdate(UpdateConfig),
    Marginal(MarginalConfig),
}

impl Config {
    pub fn new(command: Command) -> Result<Config> {
        Ok(match command {
            Command::Analyze(args) => Config::Analyze(Box::new(AnalyzeConfig::new(args)?)),
            Command::Count(args) => Config::Count(CountConfig::new(args)?),
            Command::Project(args) => {
                let (table, args) = project(args)?;
                Config::Project(table, args)
            }
            Command::Compare(args) => {
                let (table, args) = compare(args)?;
                Config::Compare(table, args)
            }
            Command::Markup(args) => {
                let (table, args) = markup(args)?;
                Config::Markup(table, args)
            }
            Command::Diff(args) => Config::Diff(Box::new(RunDiffConfig::new(args)?)),
            Command::Pricing(PricingCommand::List { provider, out, pricing }) => {
                Config::PricingList(ListConfig::new(provider, &out, &pricing)?)
            }
            Command::Pricing(PricingCommand::Check { paths }) => Config::PricingCheck(paths),
            Command::Completions { shell } => Config::Completions(shell),
            Command::Man => Config::Man,
            Command::Pricing(PricingCommand::Diff {
                since,
                provider,
                out,
                pricing,
            }) => Config::PricingDiff(DiffConfig::new(since, provider, &out, &pricing)?),
            Command::Pricing(PricingCommand::Import(ImportSource::Litellm(args))) => {
                Config::PricingImport(ImportConfig::new(args)?)
            }
            Command::Pricing(PricingCommand::Update(args)) => Config::PricingUpdate(UpdateConfig::new(args)?),
            Command::Marginal(cmd) => Config::Marginal(marginal::marginal(cmd)?),
        })
    }
}

pub fn plan<'a>(table: &'a PriceTable, id: &Option<String>) -> Result<Option<&'a Plan>> {
    match id {
        None => Ok(None),
        Some(id) => table.plans.get(id).map(Some).ok_or_else(|| {
            let known: Vec<&str> = table.plans.keys().map(String::as_str).collect();
            anyhow::anyhow!("no plan `{id}`; known: {}", known.join(", "))
        }),
    }
}

impl From<EncodingArg> for Encoding {
    fn from(e: EncodingArg) -> Encoding {
        match e {
            EncodingArg::O200kBase => Encoding::O200kBase,
            EncodingArg::Cl100kBase => Encoding::Cl100kBase,
        }
    }
}

/// The bundled tables, then the user's price layer (`pricing update`'s directory, when it holds files), then the
/// `--pricing` files; every problem is reported, not only the first.
pub fn price_table(args: &PricingArgs) -> Result<PriceTable> {
    price_table_with(args, &[], &crate::cli::GpuArgs { gpus: Vec::new() })
}

/// `price_table` with the self-hosted targets named on the command line (`self:MODEL@GPU`) as a last layer.
pub fn price_table_with(args: &PricingArgs, names: &[String], gpus: &crate::cli::GpuArgs) -> Result<PriceTable> {
    let texts = self_host::layer(names, gpus)?;
    let user = user_layer();
    let layers: Vec<PathBuf> = user.iter().cloned().chain(args.pricing.iter().cloned()).collect();
    let mut table = pricing::load_with(&layers, &texts).map_err(|p| {
        let e = anyhow::Error::from(PricingError(p));
        match &user {
            Some(dir) => e.context(format!(
                "cannot load the price tables (the layer in {} is written by `tokencost pricing update`: run it \
                 again, or delete the directory)",
                dir.display()
            )),
            None => e,
        }
    })?;
    if let (Some(dir), Some(name)) = (&user, table.layers.get_mut(1)) {
        *name = format!("{} (pricing update)", dir.display());
    }
    Ok(table)
}

/// A `YYYY-MM-DD` date argument.
pub fn date(flag: &str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").with_context(|| format!("{flag} `{s}` is not a date (YYYY-MM-DD)"))
}

/// A model named on the command line, as its price-table entry: an ambiguous or unknown name is an error that says
/// what to do about it.
pub fn priced_model(table: &PriceTable, name: &str) -> Result<usize> {
    priced_models(table, &[name])?.pop().context("no model named")
}

/// Models named on the command line, as price-table entries. Every name that fails is named in one error, each
/// with the table's closest names, so a list with two typos is fixed in one go.
pub fn priced_models<S: AsRef<str>>(table: &PriceTable, names: &[S]) -> Result<Vec<usize>> {
    let mut found = Vec::with_capacity(names.len());
    let mut wrong = Vec::new();
    for name in names.iter().map(AsRef::as_ref) {
        // A self-hosted target is found by the name it was made from: its `@` would read as a Vertex id.
        if name.starts_with("self:") {
            let at = (table.models.iter()).position(|m| m.provider == "self" && m.aliases.iter().any(|a| a == name));
            match at {
                Some(i) => found.push(i),
                None => wrong.push(format!("no self-hosted target `{name}`")),
            }
            continue;
        }
        match table.resolve(name) {
            Resolution::Found(i) => found.push(i),
            Resolution::Ambiguous(c) => wrong.push(format!("model `{name}` is ambiguous: {}", c.join(", "))),
            Resolution::Unknown | Resolution::NotListed(_) => {
                let near = table.suggest_models(name);
                wrong.push(if near.is_empty() {
                    format!("no price for model `{name}`")
                } else {
                    format!("no price for model `{name}` (did you mean {}?)", quoted(&near))
                });
            }
        }
    }
    match wrong.len() {
        0 => Ok(found),
        1 => bail!("{} (see `tokencost pricing list`)", wrong[0]),
        // One line: the error printer shows line breaks escaped.
        n => bail!(
            "{n} of the models named cannot be priced (see `tokencost pricing list`): {}",
            wrong.join("; ")
        ),
    }
}

/// `a`, `b` or `c`.
fn quoted(names: &[String]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match q.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => q.join(""),
    }
}

/// A `--provider` as typed, as the table's provider id: any case, and an unknown one is an error with the closest
/// ids and every known one.
pub fn provider_arg(table: &PriceTable, p: Option<String>) -> Result<Option<String>> {
    let Some(p) = p else { return Ok(None) };
    let id = p.to_lowercase();
    if table.models.iter().any(|m| m.provider == id) {
        return Ok(Some(id));
    }
    let known: Vec<&str> = table.providers.keys().map(String::as_str).collect();
    let near = table.suggest_providers(&p);
    let hint = if near.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", quoted(&near))
    };
    bail!("no provider `{p}`{hint}; known: {}", known.join(", "))
}

pub(crate) fn threads(n: Option<usize>) -> Result<usize> {
    match n {
        Some(0) => bail!("--threads must be at least 1"),
        Some(n) => Ok(n),
        None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
    }
}
