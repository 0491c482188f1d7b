//! `tokencost pricing import litellm`: LiteLLM's JSON in, one YAML file per provider out, and a summary of what
//! was taken, skipped and merged on stdout.

use anyhow::{Context, Result};

use crate::config::ImportConfig;
use crate::error::Exit;
use crate::pricing::import::{self, Options, dir};

pub fn import(cfg: ImportConfig) -> Result<Exit> {
    let text = std::fs::read_to_string(&cfg.input).with_context(|| format!("cannot read {}", cfg.input.display()))?;
    let opts = Options {
        input: cfg.input.display().to_string(),
        as_of: cfg.as_of,
        label: cfg.label,
        extra_providers: cfg.providers,
    };
    // The files written load on their own, or over the tables they were merged onto.
    let outcome = import::import(&text, &cfg.onto, &[], &opts)?;
    dir::write_into(&cfg.out, &outcome.files)?;
    print!("{}", outcome.summary);
    println!("\nwrote {} files to {}", outcome.files.len(), cfg.out.display());
    Ok(Exit::Success)
}
