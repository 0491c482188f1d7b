//! Command-line arguments as typed; `config.rs` validates them.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXIT_CODES: &str = "Exit codes:
  0  success (skipped lines and unpriced models are warned about on stderr)
  1  a budget was overrun (analyze --budget, --session-budget, --model-budget, --monthly-budget), or the cost
     rose above diff --fail-above / --fail-above-usd
  2  bad usage, an input that could not be read, invalid pricing, or analyze --strict or a budget on a run that
     read no call
  3  analyze --strict: a model without a price, or a line that could not be read
  4  marginal predict: some rows could not be predicted (each is named on stderr; the others are written)";

/// What your LLM logs cost at list price, what serving them plausibly cost (an estimate), and the markup between.
#[derive(Debug, Parser)]
#[command(name = "tokencost", version, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Show every column of a table however narrow the terminal (by default a table on a terminal leaves out its
    /// less important columns to fit, and says which).
    #[arg(long, global = true)]
    pub wide: bool,
    /// End CSV output with a row of totals keyed TOTAL (by default CSV holds only the rows, so that a spreadsheet's
    /// sum of a column is the total).
    #[arg(long, global = true)]
    pub total_row: bool,
    /// Colour on a terminal: overruns and errors in red, warnings and unpriced models in yellow (`auto`: on a
    /// terminal unless NO_COLOR is set; never in files or pipes).
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorArg,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Cost, marginal cost, markup and token tax of logged LLM calls (JSON Lines).
    Analyze(AnalyzeArgs),
    /// Count the tokens of text exactly as OpenAI's tiktoken `encode_ordinary` does.
    Count(CountArgs),
    /// List price beside estimated marginal cost, per model: the markup.
    Markup(MarkupCliArgs),
    /// The cost of an agent session before it runs, on every model, per session and per month.
    Project(ProjectCliArgs),
    /// What the same logs would have cost on other models, cheapest first.
    Compare(CompareCliArgs),
    /// One run's cost against a base run's (in CI: this branch's eval run against main's), in dollars and percent,
    /// per group, split into price and usage.
    Diff(DiffArgs),
    /// Merge partial results (`analyze --partial`) into one report: the report one analyze run over all their
    /// inputs would print, responses logged on several machines counted once.
    Merge(MergeArgs),
    /// Show or check price tables.
    #[command(subcommand)]
    Pricing(PricingCommand),
    /// What serving a model's tokens on GPUs plausibly costs: an estimate from a serving model fitted to
    /// measurements.
    #[command(subcommand)]
    Marginal(MarginalCommand),
    /// Print a SQL script (DuckDB, ClickHouse, Spark SQL or PostgreSQL) that loads tokencost's prices, name
    /// resolution and marginal estimates into tables, and prices the rows of a table `tokencost_calls` (the columns
    /// of `analyze --by call --format csv`) in a view `tokencost_call_costs`.
    Sql(SqlArgs),
    /// Print a completion script for a shell (e.g. `tokencost completions bash > ~/.local/share/bash-completion/completions/tokencost`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `tokencost man > tokencost.1 && man ./tokencost.1`.
    Man,
}

#[derive(Debug, Subcommand)]
pub enum MarginalCommand {
    /// Estimated USD per 1M input and output tokens, low-high, at the cheapest deployment for a per-user speed.
    Estimate(MarginalEstimateArgs),
    /// Predict time to first token, time per output token and throughput for deployments given as CSV rows (the
    /// columns of measurements.csv); writes the rows with the predictions added, as CSV.
    Predict(MarginalPredictArgs),
    /// Fit the serving model's constants to measurements and report its errors on groups the fit did not see.
    Calibrate(MarginalCalibrateArgs),
}

/// GPU profiles beyond the bundled ones.
#[derive(Debug, Args)]
pub struct GpuArgs {
    /// A YAML file of GPU profiles, layered over the bundled ones (serving/gpus.yaml shows the shape; a card you
    /// own can give its purchase price, years and power instead of an hourly price; repeatable): for `marginal`
    /// and for `self:MODEL@GPU` targets.
    #[arg(long = "gpus", value_name = "FILE")]
    pub gpus: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MarginalEstimateArgs {
    /// A short name (deepseek-v3, llama-3.3-70b, ...) or a Hugging Face id of a bundled architecture.
    #[arg(value_name = "MODEL")]
    pub model: String,
    /// The model's Hugging Face config.json, for a model not bundled (MODEL then only names it).
    #[arg(long, value_name = "FILE")]
    pub arch: Option<PathBuf>,
    /// GPU to serve on (default: h100).
    #[arg(long, value_name = "NAME")]
    pub gpu: Option<String>,
    /// USD per GPU-hour, at both ends (default: the GPU's owned cost for the low end, its rental for the high).
    #[arg(long, value_name = "USD", value_parser = amount)]
    pub gpu_hour: Option<String>,
    /// Output tokens per second each user must see, at both ends (default: 20 for the low end, 50 for the high).
    #[arg(long, value_name = "N")]
    pub tokens_per_second_per_user: Option<f64>,
    /// Share of GPU time spent serving, 0-1, at both ends (default: 1 for the low end, 0.5 for the high).
    #[arg(long, value_name = "F")]
    pub utilization: Option<f64>,
    /// Prompt tokens per request.
    #[arg(long, value_name = "N", default_value_t = 2048)]
    pub isl: u64,
    /// Output tokens per request.
    #[arg(long, value_name = "N", default_value_t = 512)]
    pub osl: u64,
    /// Share of input tokens served from the prompt cache, 0-1 (a cache hit skips prefill).
    #[arg(long, value_name = "F", default_value_t = 0.0)]
    pub cache_hit: f64,
    /// Precision to serve at (bf16, fp8, fp4, int4; default: the model's usual one).
    #[arg(long, value_name = "P")]
    pub precision: Option<String>,
    /// Show the deployment chosen and the arithmetic.
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub gpus: GpuArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub struct MarginalPredictArgs {
    /// CSV rows with the columns of measurements.csv (`-` reads stdin).
    #[arg(value_name = "FILE")]
    pub input: PathBuf,
    /// A folder of Hugging Face configs named `<org>--<name>_config.json`, for models not bundled.
    #[arg(long, value_name = "DIR")]
    pub arch_dir: Option<PathBuf>,
    /// USD per GPU-hour for the cost columns (default: each GPU's owned cost, serving/gpus.yaml).
    #[arg(long, value_name = "USD", value_parser = amount)]
    pub gpu_hour: Option<String>,
    #[command(flatten)]
    pub gpus: GpuArgs,
}

#[derive(Debug, Args)]
pub struct MarginalCalibrateArgs {
    /// The measurements (the columns of measurements.csv with silicon_ttft_ms and silicon_tpot_ms).
    #[arg(value_name = "FILE")]
    pub input: PathBuf,
    /// A folder of Hugging Face configs named `<org>--<name>_config.json`, for models not bundled.
    #[arg(long, value_name = "DIR")]
    pub arch_dir: Option<PathBuf>,
    /// Also fit new constants on all rows and print them (as serving/settings.yaml carries them).
    #[arg(long)]
    pub fit: bool,
    /// Skip the held-out fits (one per GPU, model family and engine): only the shipped constants' errors.
    #[arg(long)]
    pub no_holdout: bool,
    #[command(flatten)]
    pub gpus: GpuArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// Where sessions for session budgets come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SessionFrom {
    /// The session id the log gives a call.
    Log,
    /// The log's session id, else the file the call was read from.
    File,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Table,
    Csv,
    Json,
    /// A GitHub-flavoured document for a pull-request comment or a CI job summary.
    Markdown,
    /// One self-contained HTML page with charts, for a browser or a CI artifact.
    Html,
    /// `analyze` only: one line per call in tokencost's own log format, which `analyze` reads back.
    Jsonl,
}

/// `--format` and `-o`, the same for every command that writes a table.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format (default: the one -o's extension names, else table).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Write to FILE instead of stdout (`-`: stdout). Without --format, a .csv, .json, .jsonl, .md, .markdown or
    /// .html file gets that format and any other name (.txt, none, unknown) gets the default; --format must agree
    /// with the extension.
    #[arg(short = 'o', long = "output", id = "output_file", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// An amount of money as typed: checked to be a number here, read as an exact decimal by `config`.
fn amount(s: &str) -> Result<String, std::num::ParseFloatError> {
    s.parse::<f64>().map(|_| s.to_string())
}

/// A coding agent whose logs `analyze` finds by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceArg {
    Claude,
    Codex,
    Gemini,
    Opencode,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ByArg {
    Model,
    Provider,
    Session,
    Day,
    Week,
    Month,
    Project,
    Branch,
    Team,
    Tag,
    Call,
}

/// The first day of a `--by week` week.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum WeekdayArg {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EncodingArg {
    #[value(name = "o200k_base")]
    O200kBase,
    #[value(name = "cl100k_base")]
    Cl100kBase,
}

#[derive(Debug, Args)]
pub struct PricingArgs {
    /// A price YAML file or a directory of them, layered over the bundled tables (repeatable).
    #[arg(long = "pricing", value_name = "PATH")]
    pub pricing: Vec<PathBuf>,
    /// Settings from this YAML file: its `pricing` layers (under any --pricing) for every command, its budgets
    /// for analyze (default: tokencost.yaml in the current directory, if any).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Log files or directories (read recursively); `-` reads stdin. Without any, every coding agent's logs found
    /// under the home directory are read.
    #[arg(value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
    /// Without FILE: read only these agents' logs.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "AGENTS",
        conflicts_with = "inputs"
    )]
    pub source: Vec<SourceArg>,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Group rows by this key.
    #[arg(long, value_enum, default_value = "model")]
    pub by: ByArg,
    /// Rows shown in the table, Markdown and HTML, in the report's order; 0 shows all. The rest are summed in a
    /// line under them; CSV, JSON and JSON Lines carry every row.
    #[arg(long, value_name = "N", default_value = "10000")]
    pub top: usize,
    /// Only calls at or after this time: a date (2025-01-31), month (2025-01) or year, today, yesterday, a span back
    /// from now (7d, 4w, 12h), Unix seconds, or a timestamp (without a zone: in --timezone).
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Only calls before this time, in the forms of --since; a day, month or year given is included whole.
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Time zone of --by day, week and month and of dates given to --since/--until: an IANA name in any case
    /// (Europe/Berlin, utc) or local.
    #[arg(long, value_name = "TZ", default_value = "UTC")]
    pub timezone: String,
    /// The day `--by week` weeks begin on.
    #[arg(long, value_enum, value_name = "DAY", default_value = "monday")]
    pub start_of_week: WeekdayArg,
    /// Worker threads for parsing and counting (default: all cores; at most 4 per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// The longest line read, in bytes: a longer one is reported and skipped, never held whole.
    #[arg(long, value_name = "BYTES", default_value_t = 64 << 20)]
    pub max_line_bytes: usize,
    /// Show no warnings, only errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Show where this flat-rate plan becomes cheaper than the logged usage at list prices.
    #[arg(long, value_name = "NAME")]
    pub plan: Option<String>,
    /// Fail (exit 1) if the logs cost more than this, in USD.
    #[arg(long, value_name = "USD", value_parser = amount)]
    pub budget: Option<String>,
    /// Fail (exit 1) if any session costs more than this, in USD.
    #[arg(long, value_name = "USD", value_parser = amount)]
    pub session_budget: Option<String>,
    /// What a session is for --session-budget: `log`, the session the log names (calls without one are outside
    /// session budgets, with a warning), or `file`, each file's calls without a session as one session.
    #[arg(long, value_name = "FROM", default_value = "log")]
    pub session_from: SessionFrom,
    /// Fail (exit 1) if a model costs more than this, in USD (repeatable). MODEL covers its dated snapshots
    /// (`gpt-4o` covers `gpt-4o-2024-08-06`); a glob (`claude-*`) covers every model it matches.
    #[arg(long, value_name = "MODEL=USD")]
    pub model_budget: Vec<String>,
    /// Fail (exit 1) if the logs, scaled to 30 days from the time they span, cost more than this (a projection).
    #[arg(long, value_name = "USD", value_parser = amount)]
    pub monthly_budget: Option<String>,
    /// Fail (exit 3) when a model has no price or a line cannot be read, instead of warning.
    #[arg(long)]
    pub strict: bool,
    /// Count every piece and message afresh (for benchmarks: the counts are the same).
    #[arg(long, hide = true)]
    pub no_cache: bool,
    /// Count every message afresh, pieces still cached (for benchmarks: the counts are the same).
    #[arg(long, hide = true)]
    pub no_message_cache: bool,
    /// Write a partial result to FILE (`-`: stdout) instead of the report: sums, counts and the responses still to
    /// de-duplicate, for `tokencost merge` to combine with other machines' or shards' partials into one report.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["output_file", "format", "plan", "budget", "session_budget", "model_budget", "monthly_budget"]
    )]
    pub partial: Option<PathBuf>,
    /// Hold at most this many waiting responses, sessions, groups and calls in memory before writing them to a
    /// temporary file (for tests: the results are the same).
    #[arg(long, hide = true, value_name = "N")]
    pub spill_after: Option<usize>,
    #[command(flatten)]
    pub pricing: PricingArgs,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Partial results written by `analyze --partial`, in any order.
    #[arg(required = true, value_name = "PART")]
    pub partials: Vec<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Rows shown in the table, Markdown and HTML, in the report's order; 0 shows all. The rest are summed in a
    /// line under them; CSV, JSON and JSON Lines carry every row.
    #[arg(long, value_name = "N", default_value = "10000")]
    pub top: usize,

    /// Show no warnings, only errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Hold at most this many waiting responses, sessions, groups and calls in memory before writing them to a
    /// temporary file (for tests: the results are the same).
    #[arg(long, hide = true, value_name = "N")]
    pub spill_after: Option<usize>,
    #[command(flatten)]
    pub pricing: PricingArgs,
}

/// The SQL engine a script is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DialectArg {
    Duckdb,
    Clickhouse,
    Spark,
    Postgres,
}

#[derive(Debug, Args)]
pub struct SqlArgs {
    /// The engine the script is for.
    #[arg(long, value_enum)]
    pub dialect: DialectArg,
    /// Write the script to FILE instead of stdout (`-`: stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub pricing: PricingArgs,
}

#[derive(Debug, Args)]
pub struct MarkupCliArgs {
    /// Prices in force on this date (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Only this provider.
    #[arg(long)]
    pub provider: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Show each estimate's source and, for hardware-derived ones, the arithmetic.
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub pricing: PricingArgs,
}

/// `--output` is the tokens of each call here, so the output file is `-o` or `--output-file`.
#[derive(Debug, Args)]
#[command(mut_arg("output_file", |a| a.long("output-file")))]
pub struct ProjectCliArgs {
    /// A bundled or user session profile (default: agent-loop, unless --from or all four shape flags are given).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Fit the session shape to these logs (median and 90th percentile of their sessions).
    #[arg(long = "from", value_name = "LOG", num_args = 1.., conflicts_with = "profile")]
    pub from: Vec<PathBuf>,
    /// Model calls per session.
    #[arg(long, value_name = "N")]
    pub calls: Option<u64>,
    /// Prompt tokens of the first call (system prompt, tools, first message).
    #[arg(long, value_name = "TOKENS")]
    pub base_prompt: Option<u64>,
    /// Tokens the prompt grows by at each call (the previous output plus new tool results or user input).
    #[arg(long, value_name = "TOKENS")]
    pub growth: Option<u64>,
    /// Output tokens per call.
    #[arg(long, value_name = "TOKENS")]
    pub output: Option<u64>,
    /// With prompt caching: each call reads the previous prompt from the cache and writes its new tokens.
    #[arg(long)]
    pub cache: bool,
    /// Only these models (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "MODELS")]
    pub models: Option<Vec<String>>,
    /// Also show the monthly cost of this many sessions.
    #[arg(long, value_name = "N")]
    pub sessions_per_month: Option<u64>,
    /// Show the break-even against this flat-rate plan (see pricing/plans.yaml).
    #[arg(long, value_name = "NAME")]
    pub plan: Option<String>,
    /// Prices in force on this date (default: the newest).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Worker threads for reading --from logs (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    #[command(flatten)]
    pub pricing: PricingArgs,
    #[command(flatten)]
    pub gpus: GpuArgs,
}

#[derive(Debug, Args)]
pub struct CompareCliArgs {
    /// Log files or directories; `-` reads stdin.
    #[arg(required = true, value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
    /// Models to reprice the logs on (comma-separated).
    #[arg(long, required = true, value_delimiter = ',', value_name = "MODELS")]
    pub models: Vec<String>,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Show no warnings, only errors.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub pricing: PricingArgs,
    #[command(flatten)]
    pub gpus: GpuArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DiffByArg {
    Model,
    Provider,
    Session,
    Day,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PerArg {
    Call,
    Session,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The base run (e.g. main's): a JSON report of `analyze --format json`, or a log file or directory.
    #[arg(value_name = "BASE")]
    pub base: PathBuf,
    /// The run to judge (e.g. this branch's): a JSON report, or a log file or directory.
    #[arg(value_name = "HEAD")]
    pub head: PathBuf,
    /// Group rows by this key (default: the grouping of a report given, else model). A report must have been
    /// made with the same --by.
    #[arg(long, value_enum)]
    pub by: Option<DiffByArg>,
    /// Compare the cost per call or per session instead of the runs' totals, so a bigger suite is not a rise by
    /// itself.
    #[arg(long, value_enum)]
    pub per: Option<PerArg>,
    /// Fail (exit 1) if the cost rises by more than this percentage.
    #[arg(long, value_name = "PCT", value_parser = amount)]
    pub fail_above: Option<String>,
    /// Warn (exit 0; `::warning::` under GitHub Actions) if the cost rises by more than this percentage.
    #[arg(long, value_name = "PCT", value_parser = amount)]
    pub warn_above: Option<String>,
    /// Fail (exit 1) if the cost rises by more than this, in USD.
    #[arg(long, value_name = "USD", value_parser = amount)]
    pub fail_above_usd: Option<String>,
    /// A change of this many USD or less is noise: no warning, no failure, and a one-line summary.
    #[arg(long, value_name = "USD", value_parser = amount)]
    pub min_change_usd: Option<String>,
    /// What to call the base run in the output ("vs main").
    #[arg(long, value_name = "NAME", default_value = "base")]
    pub base_label: String,
    /// Groups shown in the table and in Markdown, those that moved most first; 0 shows all. CSV and JSON carry
    /// every group.
    #[arg(long, value_name = "N", default_value = "10")]
    pub top: usize,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Time zone of --by day for logs read here: an IANA name in any case (Europe/Berlin, utc) or local.
    #[arg(long, value_name = "TZ", default_value = "UTC")]
    pub timezone: String,
    /// Worker threads for reading logs (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Show no warnings, only errors and the verdict.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub pricing: PricingArgs,
}

/// Unlike the others, `count` prints plain counts unless a format is asked for.
#[derive(Debug, Args)]
#[command(mut_arg("format", |a| a.help(
    "Output format (default: the one -o's extension names, else one plain count per line)"
)))]
pub struct CountArgs {
    /// Text files to count; stdin when none is given.
    #[arg(value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
    /// Count with this model's tokenizer.
    #[arg(long, conflicts_with = "encoding")]
    pub model: Option<String>,
    /// Count with this encoding (default: o200k_base).
    #[arg(long, value_enum)]
    pub encoding: Option<EncodingArg>,
    /// The largest input counted, in bytes: each is read whole, so a larger one is refused.
    #[arg(long, value_name = "BYTES", default_value_t = 256 << 20)]
    pub max_bytes: u64,
    // Without --format (and no -o extension that names one): one count per line, as `wc` prints them.
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub pricing: PricingArgs,
}

#[derive(Debug, Subcommand)]
pub enum PricingCommand {
    /// List the models and their current prices (USD per 1M tokens).
    List {
        /// Only this provider.
        #[arg(long)]
        provider: Option<String>,
        #[command(flatten)]
        out: OutputArgs,
        #[command(flatten)]
        pricing: PricingArgs,
    },
    /// Which prices changed, when and by how much: every stated rate that differs from the model's previous row.
    Diff {
        /// Rows starting on or after this date (YYYY-MM-DD; default: the newest date any row starts, the last
        /// update).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Only this provider.
        #[arg(long)]
        provider: Option<String>,
        #[command(flatten)]
        out: OutputArgs,
        #[command(flatten)]
        pricing: PricingArgs,
    },
    /// Validate price YAML (a file or directory) layered over the bundled tables; lists every problem.
    Check {
        #[arg(value_name = "PATH", required = true)]
        paths: Vec<PathBuf>,
    },
    /// Convert another tool's price table into price YAML, one file per provider.
    #[command(subcommand)]
    Import(ImportSource),
    /// Fetch LiteLLM's current price table and merge it into your price layer (the only command that uses the
    /// network).
    Update(UpdateArgs),
}

#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// LiteLLM's model_prices_and_context_window.json: chat models of the main providers, each row dated.
    Litellm(ImportLitellmArgs),
}

#[derive(Debug, Args)]
pub struct ImportLitellmArgs {
    /// The JSON file.
    #[arg(value_name = "FILE.json")]
    pub file: PathBuf,
    /// The date the imported rows are in force from (default: the file's modification date, UTC).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Also import this LiteLLM provider (as a provider of that name; repeatable).
    #[arg(long = "provider", value_name = "NAME")]
    pub providers: Vec<String>,
    /// Merge onto the price files in DIR (`bundled`: the built-in tables), keeping every field, model and row;
    /// repeatable, bottom layer first. Without it the files hold LiteLLM's models alone.
    #[arg(long, value_name = "DIR")]
    pub onto: Vec<String>,
    /// Names the source in each row's `source` (default: "LiteLLM price table <file name>").
    #[arg(long, value_name = "TEXT")]
    pub label: Option<String>,
    /// Write the files into this directory (created if missing; files of the same name are replaced).
    #[arg(short = 'o', long = "output", value_name = "DIR", required = true)]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Read the table from this URL or file instead of LiteLLM's published one.
    #[arg(long = "from", value_name = "URL|FILE")]
    pub from: Option<String>,
}
