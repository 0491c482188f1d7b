//! `tokencost pricing update`: LiteLLM's current table, dated today, merged onto the bundled tables and the user's
//! price layer, written back as that layer. The layer keeps only the models that differ from the bundled tables,
//! so a newer build's bundled rows of the others still count. Nothing changes unless every step succeeds.

use anyhow::{Context, Result};

use crate::config::UpdateConfig;
use crate::error::Exit;
use crate::pricing::import::fetch::{get, is_url};
use crate::pricing::import::{self, Options, Source, dir};

pub fn update(cfg: UpdateConfig) -> Result<Exit> {
    let text = if is_url(&cfg.from) {
        get(&cfg.from)?
    } else {
        std::fs::read_to_string(&cfg.from).with_context(|| format!("cannot read {}", cfg.from))?
    };
    let opts = Options {
        input: cfg.from.clone(),
        as_of: cfg.as_of,
        label: cfg.label,
        extra_providers: Vec::new(),
    };
    let mut onto = vec![Source::Bundled];
    if crate::config::user_layer().is_some() {
        onto.push(Source::Dir(cfg.dir.clone()));
    }
    let outcome = import::import(&text, &onto, &[], &opts)?;
    let layer = import::changed_only(&outcome.files, &[Source::Bundled])?;
    import::check(&layer, &[Source::Bundled])?;
    dir::replace(&cfg.dir, &layer)?;
    print!("{}", outcome.summary);
    println!(
        "\nwrote {} files to {}: the models that differ from the bundled tables; every command reads them after \
         the bundled tables",
        layer.len(),
        cfg.dir.display()
    );
    Ok(Exit::Success)
}
