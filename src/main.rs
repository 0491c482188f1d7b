//! tokencost: what logged LLM calls cost at list price, beside the estimated cost of serving them.
//!
//! `main` reads as the pipeline: parse the command line, validate it into a config, run the command, exit with
//! its code.

use clap::Parser;
use std::process::ExitCode;

use tokencost::cli::{Cli, Command, PricingCommand};
use tokencost::cmd;
use tokencost::config::{self, AnalyzeConfig};
use tokencost::error::Exit;

fn run(cli: Cli) -> anyhow::Result<Exit> {
    match cli.command {
        Command::Analyze(args) => cmd::analyze::run(AnalyzeConfig::new(args)?),
        Command::Count(args) => cmd::count::run(args),
        Command::Project(args) => {
            let (table, args) = config::project(args)?;
            cmd::project::run(&table, args)
        }
        Command::Compare(args) => {
            let (table, args) = config::compare(args)?;
            cmd::compare::run(&table, args)
        }
        Command::Markup(args) => {
            let (table, args) = config::markup(args)?;
            cmd::markup::run(&table, args)
        }
        Command::Pricing(PricingCommand::List {
            provider,
            format,
            pricing,
        }) => cmd::pricing::list(provider, format, &pricing),
        Command::Pricing(PricingCommand::Check { paths }) => cmd::pricing::check(&paths),
    }
}

/// A reader that closed the pipe (`tokencost ... | head`) is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(exit) => exit.into(),
        Err(e) if is_broken_pipe(&e) => Exit::Success.into(),
        Err(e) => {
            eprintln!("tokencost: error: {e:#}");
            Exit::Failure.into()
        }
    }
}
