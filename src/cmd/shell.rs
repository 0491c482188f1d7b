//! `tokencost completions SHELL` and `tokencost man`: the command line described for shells and for `man`, both
//! generated from the same definition clap parses, so they never fall behind it.

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::Exit;
use crate::output::{Destination, with_output};

/// A completion script for `shell` on stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<Exit> {
    // Into memory first: `generate` panics on a write error, and a reader may close the pipe (`| head`).
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "tokencost", &mut script);
    with_output(&Destination::Stdout, |w| Ok(w.write_all(&script)?))?;
    Ok(Exit::Success)
}

/// The manual page in roff on stdout.
pub fn man() -> Result<Exit> {
    let page = clap_mangen::Man::new(Cli::command());
    with_output(&Destination::Stdout, |w| Ok(page.render(w)?))?;
    Ok(Exit::Success)
}
