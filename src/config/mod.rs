//! Validated settings built from the command line; nothing after this module sees clap.

mod lists;
mod output;

pub use lists::{CountConfig, ListConfig};
pub use output::Target;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::path::PathBuf;
use std::str::FromStr;

use crate::budget::Budgets;
use crate::call::{GroupBy, Resolution};
use crate::cli::{
    AnalyzeArgs, ByArg, Command, CompareCliArgs, EncodingArg, MarkupCliArgs, PricingArgs, PricingCommand,
    ProjectCliArgs,
};
use crate::error::PricingError;
use crate::fold::Filter;
use crate::output::{Destination, Format};
use crate::pricing::{self, Plan, PriceTable};
use crate::project::Shape;
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
            Command::Pricing(PricingCommand::List { provider, out, pricing }) => {
                Config::PricingList(ListConfig::new(provider, &out, &pricing)?)
            }
            Command::Pricing(PricingCommand::Check { paths }) => Config::PricingCheck(paths),
        })
    }
}

pub struct AnalyzeConfig {
    pub inputs: Vec<PathBuf>,
    pub format: Format,
    pub to: Destination,
    pub by: GroupBy,
    pub threads: usize,
    pub quiet: bool,
    pub filter: Filter,
    pub plan: Option<Plan>,
    pub budgets: Budgets,
    pub strict: bool,
    /// Count without the piece and message caches.
    pub no_cache: bool,
    /// Count without the message cache.
    pub no_message_cache: bool,
    /// Waiting responses held in memory before they go to a temporary file (default: the fold's own bound).
    pub spill_after: Option<usize>,
    /// Print budget overruns as GitHub Actions `::error::` annotations too.
    pub annotate: bool,
    pub table: PriceTable,
}

/// `tokencost markup`, validated.
pub struct MarkupArgs {
    pub as_of: NaiveDate,
    pub provider: Option<String>,
    pub format: Format,
    pub to: Destination,
    pub explain: bool,
}

/// `tokencost compare`, validated.
pub struct CompareArgs {
    pub inputs: Vec<PathBuf>,
    pub models: Vec<String>,
    pub format: Format,
    pub to: Destination,
    pub threads: usize,
    pub quiet: bool,
}

/// Where the session shape came from, with the shapes to project.
pub enum ShapeSource {
    Given {
        label: String,
        shape: Shape,
    },
    /// Logs to fit the shape from.
    Logs {
        paths: Vec<std::path::PathBuf>,
        threads: usize,
    },
}

pub struct ProjectArgs {
    pub source: ShapeSource,
    pub cache: bool,
    pub models: Option<Vec<String>>,
    pub sessions_per_month: Option<u64>,
    pub plan: Option<String>,
    pub as_of: Option<NaiveDate>,
    pub format: Format,
    pub to: Destination,
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

/// `tokencost.yaml`: budgets and pricing kept with a repository. Flags override it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    budget: Option<f64>,
    session_budget: Option<f64>,
    #[serde(default)]
    model_budgets: BTreeMap<String, f64>,
    monthly_budget: Option<f64>,
    /// Price files or directories, relative to the config file, layered under any `--pricing`.
    #[serde(default)]
    pricing: Vec<PathBuf>,
    strict: Option<bool>,
}

/// The config file named by `--config`, else `tokencost.yaml` in the current directory when there is one.
fn file_config(explicit: Option<&Path>) -> Result<(FileConfig, Option<PathBuf>)> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let default = PathBuf::from("tokencost.yaml");
            if !default.is_file() {
                return Ok((FileConfig::default(), None));
            }
            default
        }
    };
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read config {}", path.display()))?;
    let mut cfg: FileConfig = match serde_yaml::from_str(&text) {
        Ok(c) => c,
        Err(e) => {
            let line = e.location().map_or(1, |l| l.line());
            bail!("{}:{line}: {e}", path.display());
        }
    };
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    cfg.pricing = cfg.pricing.iter().map(|p| dir.join(p)).collect();
    Ok((cfg, Some(path)))
}

/// A budget in USD: finite and not negative.
fn usd(what: &str, v: f64) -> Result<Decimal> {
    if !v.is_finite() || v < 0.0 {
        bail!("{what} must be an amount of 0 or more, got {v}");
    }
    Decimal::from_str(&v.to_string()).with_context(|| format!("{what} is too large: {v}"))
}

/// A `--since`/`--until` bound: an RFC 3339 instant, or a date taken at midnight in `tz` (the next midnight when
/// `end_of_day`, so that `--until 2025-01-31` includes that whole day).
fn bound(flag: &str, s: &str, tz: Tz, end_of_day: bool) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .with_context(|| format!("{flag} `{s}` is neither a date (YYYY-MM-DD) nor an RFC 3339 timestamp"))?;
    let date = if end_of_day {
        date.succ_opt().unwrap_or(date)
    } else {
        date
    };
    let local = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .with_context(|| format!("{flag} `{s}`: midnight does not exist in {tz}"))
}

impl From<EncodingArg> for Encoding {
    fn from(e: EncodingArg) -> Encoding {
        match e {
            EncodingArg::O200kBase => Encoding::O200kBase,
            EncodingArg::Cl100kBase => Encoding::Cl100kBase,
        }
    }
}

/// The bundled tables with the user's layers on top; every problem is reported, not only the first.
pub fn price_table(args: &PricingArgs) -> Result<PriceTable> {
    pricing::load(&args.pricing).map_err(|p| PricingError(p).into())
}

/// A `YYYY-MM-DD` date argument.
pub fn date(flag: &str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").with_context(|| format!("{flag} `{s}` is not a date (YYYY-MM-DD)"))
}

pub fn markup(args: MarkupCliArgs) -> Result<(PriceTable, MarkupArgs)> {
    let target = Target::new(&args.out)?;
    let as_of = match &args.as_of {
        Some(s) => date("--as-of", s)?,
        None => Utc::now().date_naive(),
    };
    let table = price_table(&args.pricing)?;
    Ok((
        table,
        MarkupArgs {
            as_of,
            provider: args.provider,
            format: target.or_table(),
            to: target.to,
            explain: args.explain,
        },
    ))
}

fn threads(n: Option<usize>) -> Result<usize> {
    match n {
        Some(0) => bail!("--threads must be at least 1"),
        Some(n) => Ok(n),
        None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
    }
}

pub fn compare(args: CompareCliArgs) -> Result<(PriceTable, CompareArgs)> {
    let target = Target::new(&args.out)?;
    if args.inputs.iter().any(|p| p.as_os_str() == "-") {
        bail!("compare reads its logs once per model, so it cannot read stdin; give files or directories");
    }
    let table = price_table(&args.pricing)?;
    let threads = threads(args.threads)?;
    Ok((
        table,
        CompareArgs {
            inputs: args.inputs,
            models: args.models,
            format: target.or_table(),
            to: target.to,
            threads,
            quiet: args.quiet,
        },
    ))
}

pub fn project(args: ProjectCliArgs) -> Result<(PriceTable, ProjectArgs)> {
    let target = Target::new(&args.out)?;
    let table = price_table(&args.pricing)?;
    let flags = [args.calls, args.base_prompt, args.growth, args.output];
    let source = if !args.from.is_empty() {
        if flags.iter().any(Option::is_some) {
            bail!(
                "--from fits the session shape; it cannot be combined with --calls, --base-prompt, --growth or --output"
            );
        }
        ShapeSource::Logs {
            paths: args.from,
            threads: threads(args.threads)?,
        }
    } else {
        // A profile gives the shape; flags override its parts. All four flags need no profile.
        let name = match (&args.profile, flags.iter().all(Option::is_some)) {
            (Some(p), _) => Some(p.clone()),
            (None, true) => None,
            (None, false) => Some("agent-loop".to_string()),
        };
        let base = match &name {
            Some(n) => Some(table.profiles.get(n).cloned().ok_or_else(|| {
                let known: Vec<&str> = table.profiles.keys().map(String::as_str).collect();
                anyhow::anyhow!("no profile `{n}`; known: {}", known.join(", "))
            })?),
            None => None,
        };
        let shape = Shape {
            calls: args.calls.or(base.as_ref().map(|b| b.calls)).unwrap_or(0),
            base_prompt_tokens: args
                .base_prompt
                .or(base.as_ref().map(|b| b.base_prompt_tokens))
                .unwrap_or(0),
            growth_tokens_per_call: args
                .growth
                .or(base.as_ref().map(|b| b.growth_tokens_per_call))
                .unwrap_or(0),
            output_tokens_per_call: args
                .output
                .or(base.as_ref().map(|b| b.output_tokens_per_call))
                .unwrap_or(0),
        };
        if shape.calls == 0 || shape.calls > 1_000_000 {
            bail!("--calls must be from 1 to 1000000");
        }
        let label = match (&base, flags.iter().any(Option::is_some)) {
            (Some(b), false) => format!("profile {}: {}", b.id, b.description),
            (Some(b), true) => format!("profile {} with flags", b.id),
            (None, _) => "given by flags".to_string(),
        };
        ShapeSource::Given { label, shape }
    };
    let as_of = args.as_of.as_deref().map(|s| date("--as-of", s)).transpose()?;
    Ok((
        table,
        ProjectArgs {
            source,
            cache: args.cache,
            models: args.models,
            sessions_per_month: args.sessions_per_month,
            plan: args.plan,
            as_of,
            format: target.or_table(),
            to: target.to,
        },
    ))
}

impl AnalyzeConfig {
    pub fn new(args: AnalyzeArgs) -> Result<Self> {
        let target = Target::new(&args.out)?;
        let threads = threads(args.threads)?;
        let by = match args.by {
            ByArg::Model => GroupBy::Model,
            ByArg::Provider => GroupBy::Provider,
            ByArg::Session => GroupBy::Session,
            ByArg::Day => GroupBy::Day,
            ByArg::Call => GroupBy::Call,
        };
        let timezone: Tz = args.timezone.parse().map_err(|_| {
            anyhow::anyhow!(
                "--timezone `{}` is not an IANA time zone name (e.g. Europe/Berlin)",
                args.timezone
            )
        })?;
        let filter = Filter {
            since: args
                .since
                .as_deref()
                .map(|s| bound("--since", s, timezone, false))
                .transpose()?,
            until: args
                .until
                .as_deref()
                .map(|s| bound("--until", s, timezone, true))
                .transpose()?,
            timezone,
        };
        let (file, file_path) = file_config(args.config.as_deref())?;
        let mut layers = file.pricing.clone();
        layers.extend(args.pricing.pricing.iter().cloned());
        let table = price_table(&PricingArgs { pricing: layers }).context("cannot load price tables")?;
        let from_file = |what: &str| match &file_path {
            Some(p) => format!("{what} in {}", p.display()),
            None => what.to_string(),
        };
        let pick = |flag: Option<f64>, key: &str, fallback: Option<f64>| -> Result<Option<Decimal>> {
            match (flag, fallback) {
                (Some(v), _) => usd(&format!("--{}", key.replace('_', "-")), v).map(Some),
                (None, Some(v)) => usd(&from_file(key), v).map(Some),
                (None, None) => Ok(None),
            }
        };
        let mut model_limits: BTreeMap<String, f64> = file.model_budgets.clone();
        for m in &args.model_budget {
            let Some((name, v)) = m.rsplit_once('=') else {
                bail!("--model-budget `{m}` must be MODEL=USD");
            };
            let v: f64 = v
                .trim()
                .parse()
                .with_context(|| format!("--model-budget `{m}`: `{v}` is not a number"))?;
            model_limits.insert(name.trim().to_string(), v);
        }
        let mut models = Vec::new();
        for (name, v) in model_limits {
            let idx = match table.resolve(&name) {
                Resolution::Found(i) => i,
                Resolution::Ambiguous(c) => {
                    bail!("model budget for `{name}`: ambiguous model, one of {}", c.join(", "))
                }
                Resolution::Unknown => bail!("model budget for `{name}`: no such model in the price tables"),
            };
            models.push((name.clone(), idx, usd(&format!("the budget for `{name}`"), v)?));
        }
        let budgets = Budgets {
            total: pick(args.budget, "budget", file.budget)?,
            session: pick(args.session_budget, "session_budget", file.session_budget)?,
            models,
            monthly: pick(args.monthly_budget, "monthly_budget", file.monthly_budget)?,
        };
        Ok(AnalyzeConfig {
            inputs: args.inputs,
            format: target.or_table(),
            to: target.to,
            by,
            threads,
            quiet: args.quiet,
            filter,
            plan: plan(&table, &args.plan)?.cloned(),
            budgets,
            strict: args.strict || file.strict.unwrap_or(false),
            no_cache: args.no_cache,
            no_message_cache: args.no_message_cache,
            spill_after: args.spill_after,
            annotate: std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"),
            table,
        })
    }
}
