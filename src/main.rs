//! tokencost: what logged LLM calls cost at list price, beside the estimated cost of serving them.
//!
//! `main` reads as the pipeline: parse the command line, validate it into a config, run the command, exit with
//! its code.

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

use tokencost::cli::{Cli, ColorArg};
use tokencost::cmd;
use tokencost::config::Config;
use tokencost::error::Exit;
use tokencost::fmt::colour::Choice;

/// A reader that closed the pipe (`tokencost ... | head`) is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// `--help`, `--version` and usage errors as clap prints them, except that help or a version that could not be
/// written (a full disk) is a failure, not a success.
fn clap_exit(e: &clap::Error) -> ExitCode {
    let printed = e.print().and_then(|()| std::io::stdout().flush());
    match printed {
        Err(io) if e.exit_code() == 0 && io.kind() != std::io::ErrorKind::BrokenPipe => {
            tokencost::error::print(&anyhow::Error::new(io).context("cannot write to stdout"));
            Exit::Failure.into()
        }
        _ => ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2)),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    tokencost::output::keep_every_column(cli.wide);
    tokencost::output::write_total_row(cli.total_row);
    tokencost::fmt::colour::choose(match cli.color {
        ColorArg::Auto => Choice::Auto,
        ColorArg::Always => Choice::Always,
        ColorArg::Never => Choice::Never,
    });
    match Config::new(cli.command).and_then(cmd::run) {
        Ok(exit) => exit.into(),
        Err(e) if is_broken_pipe(&e) => Exit::Success.into(),
        Err(e) => {
            tokencost::error::print(&e);
            Exit::Failure.into()
        }
    }
}
