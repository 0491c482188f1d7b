//! Command-line arguments as typed; `config.rs` validates them.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXIT_CODES: &str = "Exit codes:
  0  success (skipped lines and unpriced models are warned about on stderr)
  2  bad usage, an input that could not be read, or invalid pricing";

/// What your LLM logs cost at list price, what serving them cost, and the markup between.
#[derive(Debug, Parser)]
#[command(name = "tokencost", version, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Cost, marginal cost, markup and token tax of logged LLM calls (JSON Lines).
    Analyze(AnalyzeArgs),
    /// Count the tokens of text exactly as OpenAI's tiktoken `encode_ordinary` does.
    Count(CountArgs),
    /// Show or check price tables.
    #[command(subcommand)]
    Pricing(PricingCommand),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ByArg {
    Model,
    Provider,
    Session,
    Day,
    Call,
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
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Log files or directories (read recursively); `-` reads stdin.
    #[arg(required = true, value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: FormatArg,
    /// Write the report to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Group rows by this key.
    #[arg(long, value_enum, default_value = "model")]
    pub by: ByArg,
    /// Only calls at or after this time: a date (YYYY-MM-DD, midnight in --timezone) or an RFC 3339 timestamp.
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Only calls before this time: a date (the whole day is included) or an RFC 3339 timestamp.
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Time zone of --by day and of dates given to --since/--until: an IANA name such as Europe/Berlin.
    #[arg(long, value_name = "TZ", default_value = "UTC")]
    pub timezone: String,
    /// Worker threads for parsing and counting (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Show no warnings, only errors.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub pricing: PricingArgs,
}

#[derive(Debug, Args)]
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
        #[arg(long, value_enum, default_value = "table")]
        format: FormatArg,
        #[command(flatten)]
        pricing: PricingArgs,
    },
    /// Validate price YAML (a file or directory) layered over the bundled tables; lists every problem.
    Check {
        #[arg(value_name = "PATH", required = true)]
        paths: Vec<PathBuf>,
    },
}
