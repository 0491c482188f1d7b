//! Validated settings built from the command line; nothing after this module sees clap.

mod agents;
mod analyze;
mod budgets;
mod data_dir;
mod import;
mod lists;
mod marginal;
mod merge;
mod output;
mod project;
mod run_diff;
mod self_host;
mod when;

pub use analyze::AnalyzeConfig;
pub use import::{ImportConfig, UpdateConfig, user_layer};
pub use lists::{CompareArgs, CountConfig, DiffConfig, ListConfig, MarkupArgs, compare, markup};
pub use marginal::{CalibrateConfig, EstimateConfig, MarginalConfig, PredictConfig};
pub use merge::MergeConfig;
pub use output::Target;
pub use project::{ProjectArgs, ShapeSource, project};
pub use run_diff::{Gates, Per, RunDiffConfig};

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::call::Resolution;
use crate::cli::{Command, EncodingArg, ImportSource, PricingArgs, PricingCommand};
use crate::diag::Diag;
use crate::error::PricingError;
use crate::fmt::count_of;
use crate::input::file_kind;
use crate::pricing::{self, Plan, PriceTable};
use crate::tokenize::Encoding;

/// A command, validated and ready to run.
pub enum Config {
    Analyze(Box<AnalyzeConfig>),
    Merge(MergeConfig),
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
    /// `tokencost sql`: the table, the engine, and where the script goes.
    Sql(PriceTable, SqlConfig),
}

/// What `tokencost sql` writes, and where.
pub struct SqlConfig {
    pub dialect: crate::cli::DialectArg,
    pub to: crate::output::Destination,
}

impl Config {
    pub fn new(command: Command) -> Result<Config> {
        Ok(match command {
            Command::Analyze(args) => Config::Analyze(Box::new(AnalyzeConfig::new(args)?)),
            Command::Merge(args) => Config::Merge(MergeConfig::new(args)?),
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
            Command::Sql(args) => {
                let to = match args.output {
                    Some(p) if p.as_os_str() != "-" => crate::output::Destination::File(p),
                    _ => crate::output::Destination::Stdout,
                };
                Config::Sql(
                    price_table(&args.pricing)?,
                    SqlConfig {
                        dialect: args.dialect,
                        to,
                    },
                )
            }
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
    // The config file's layers sit under the command line's, whichever command reads them.
    let (file, _) = budgets::file_config(args.config.as_deref())?;
    let layers: Vec<PathBuf> = user
        .iter()
        .cloned()
        .chain(file.pricing)
        .chain(args.pricing.iter().cloned())
        .collect();
    for path in &layers {
        check_price_files(path)?;
    }
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

/// Worker threads per core beyond which more only cost the time to start them: 100,000 took most of a minute to
/// start, then failed.
const THREADS_PER_CORE: usize = 4;

/// Worker threads: as asked, capped at `THREADS_PER_CORE` per core (and the cap said), or one per core.
pub(crate) fn threads(n: Option<usize>, quiet: bool) -> Result<usize> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cap = cores.saturating_mul(THREADS_PER_CORE);
    match n {
        Some(0) => bail!("--threads must be at least 1"),
        Some(n) if n > cap => {
            Diag::new(quiet).warn(&format!(
                "--threads {n} is more than {THREADS_PER_CORE} per core: using {cap} ({})",
                count_of(cores as u64, "core")
            ));
            Ok(cap)
        }
        Some(n) => Ok(n),
        None => Ok(cores),
    }
}

/// Price tables and config files are small YAML (the bundled tables are a few KiB each); a file larger than this
/// is refused before it is read, so that a device or a runaway file cannot fill memory.
pub(crate) const MAX_YAML_BYTES: u64 = 16 << 20;

/// The size limit of a YAML file, in a message.
const MAX_YAML: &str = "16 MiB";

/// Checks each price file a `--pricing` path names (a file, or the `.yaml` files of a directory, as the loader
/// lists them) before the loader reads it: a regular file no larger than `MAX_YAML_BYTES`. A file that cannot be
/// looked at is left to the loader, which reports it with the rest.
fn check_price_files(path: &Path) -> Result<()> {
    let files: Vec<PathBuf> = if path.is_dir() {
        std::fs::read_dir(path)
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default()
    } else {
        vec![path.to_path_buf()]
    };
    let yaml = |p: &Path| p.extension().is_some_and(|x| x == "yaml" || x == "yml");
    for f in files.iter().filter(|f| !path.is_dir() || yaml(f)) {
        let Ok(meta) = std::fs::metadata(f) else { continue };
        if !meta.is_file() {
            let kind = file_kind(&meta);
            bail!(
                "{}: not a regular file ({kind}): price tables are read from files",
                f.display()
            );
        }
        if meta.len() > MAX_YAML_BYTES {
            bail!("{}: larger than {MAX_YAML}, which no price table is", f.display());
        }
    }
    Ok(())
}

/// Reads a small YAML file (a config), refusing one larger than `MAX_YAML_BYTES` without reading the rest.
pub(crate) fn read_yaml(path: &Path) -> Result<String> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_YAML_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_YAML_BYTES {
        bail!("{}: larger than {MAX_YAML}, which no config file is", path.display());
    }
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{}: not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}
