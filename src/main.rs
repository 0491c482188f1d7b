//! tokencost: what logged LLM calls cost at list price, beside the estimated cost of serving them.
//!
//! `main` reads as the pipeline: parse the command line, validate it into a config, run the command, exit with
//! its code.

use clap::Parser;
use std::process::ExitCode;

use tokencost::cli::Cli;
use tokencost::cmd;
use tokencost::config::Config;
use tokencost::error::Exit;

/// A reader that closed the pipe (`tokencost ... | head`) is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match Config::new(cli.command).and_then(cmd::run) {
        Ok(exit) => exit.into(),
        Err(e) if is_broken_pipe(&e) => Exit::Success.into(),
        Err(e) => {
            eprintln!("tokencost: error: {e:#}");
            Exit::Failure.into()
        }
    }
}
