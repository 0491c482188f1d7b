//! Imports LiteLLM's price table (`model_prices_and_context_window.json`) into the table's YAML: one file per
//! provider, each row dated and sourced, merged onto existing files without losing any of their fields or rows.
//!
//! The flow: `litellm` reads the JSON with its numbers' exact text; `select` decides which entries become which
//! models (`providers` maps LiteLLM's providers and keys, `fields` its price fields); `onto` reads the tables to
//! merge onto; `merge` adds dated rows and new models (`rows` compares and writes one row); `write` prints each
//! file; `dir` puts the files on disk; `fetch` downloads the JSON for `pricing update`. `summary` counts it all.

pub mod dir;
pub mod fetch;
mod fields;
pub mod litellm;
mod merge;
pub mod onto;
mod providers;
mod rows;
mod select;
mod summary;
mod write;

use anyhow::Result;
use chrono::NaiveDate;

pub use merge::Dating;
pub use onto::{FileDef, Source};
pub use summary::Summary;

use crate::pricing::load_texts;

/// What to import and how to date it.
pub struct Options {
    /// The input's name, for messages.
    pub input: String,
    pub as_of: NaiveDate,
    /// Names the source in each row: `"<label>, key <litellm key>"`.
    pub label: String,
    /// LiteLLM providers imported beside the default ones.
    pub extra_providers: Vec<String>,
}

/// The files an import produces, as (name, text), in name order, and what it did.
pub struct Outcome {
    pub files: Vec<(String, String)>,
    pub summary: Summary,
}

/// Imports `text` onto the files read from `onto` (bottom layer first; none for a table of LiteLLM's models
/// alone). The result is checked to load, with `beneath` under it (the layers the written files will sit on).
pub fn import(text: &str, onto: &[Source], beneath: &[Source], opts: &Options) -> Result<Outcome> {
    let table = litellm::parse(text, &opts.input)?;
    let mut files = onto::read(onto)?;
    let mut summary = Summary {
        input: opts.input.clone(),
        as_of: opts.as_of.format("%Y-%m-%d").to_string(),
        label: opts.label.clone(),
        ..Summary::default()
    };
    let selection = providers::Selection::new(&opts.extra_providers);
    let models = select::select(&table, &selection, &mut summary);
    let dating = Dating {
        as_of: opts.as_of,
        label: opts.label.clone(),
    };
    let written = merge::merge(&mut files, models, &selection.ids(), &dating, &mut summary)?;
    summary.copied = files
        .iter()
        .map(FileDef::name)
        .filter(|n| !written.iter().any(|w| w == n))
        .map(str::to_string)
        .collect();
    let mut out: Vec<(String, String)> = files.iter().map(|f| (f.name().to_string(), write::text(f))).collect();
    out.sort();
    out.sort();
    check(&out, beneath)?;
    Ok(Outcome { files: out, summary })
}

/// The files must load over `beneath` exactly as the loader will read them, or nothing is written.
pub fn check(files: &[(String, String)], beneath: &[Source]) -> Result<()> {
    let mut all = Vec::new();
    for s in beneath {
        all.extend(onto::texts(s)?);
    }
    all.extend(files.iter().cloned());
    if let Err(problems) = load_texts(&all) {
        let list: Vec<String> = problems.iter().take(20).map(|p| format!("  {p}")).collect();
        anyhow::bail!(
            "the imported table does not load ({} problems); nothing was written:\n{}",
            problems.len(),
            list.join("\n")
        );
    }
    Ok(())
}

/// Only what differs from `base`: the models that are new or changed, whole (rows and all), under their provider
/// blocks, and the other files that differ. A layer written this way never hides a model it did not change, so a
/// newer build's bundled rows of that model still count.
pub fn changed_only(files: &[(String, String)], base: &[Source]) -> Result<Vec<(String, String)>> {
    let mut old: Vec<FileDef> = Vec::new();
    for s in base {
        for (name, text) in onto::texts(s)? {
            old.push(onto::parse(&name, &text)?);
        }
    }
    let key = |m: &crate::pricing::schema::ModelDef| serde_yaml::to_string(m).unwrap_or_default();
    let mut out = Vec::new();
    for (name, text) in files {
        match onto::parse(name, text)? {
            FileDef::Price {
                name, provider, models, ..
            } => {
                let before: Vec<String> = old
                    .iter()
                    .filter_map(|f| match f {
                        FileDef::Price {
                            provider: p, models, ..
                        } if p.id == provider.id => Some(models),
                        _ => None,
                    })
                    .flatten()
                    .map(key)
                    .collect();
                let models: Vec<_> = models.into_iter().filter(|m| !before.contains(&key(m))).collect();
                if !models.is_empty() {
                    let def = FileDef::Price {
                        name,
                        provider,
                        models,
                        original: None,
                    };
                    out.push((def.name().to_string(), write::text(&def)));
                }
            }
            FileDef::Other { name, text } => {
                if !old
                    .iter()
                    .any(|f| matches!(f, FileDef::Other { text: t, .. } if *t == text))
                {
                    out.push((name, text));
                }
            }
        }
    }
    Ok(out)
}
