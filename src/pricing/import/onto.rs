//! The table an import is merged onto: the compiled-in files or directories of YAML, read as the schema's
//! definitions so that every field, model and row is kept. Several layers are joined model by model: a model in
//! two layers keeps the rows of both (the later layer's row wins on the same date), so a newer bundled row is
//! never hidden by an older copy of the model.

use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::pricing::schema::{ModelDef, PriceDef, ProviderDef};
use crate::pricing::{bundled_files, load_texts};

/// One file of the table: a provider's prices, or anything else (estimates, profiles, plans), kept as written.
#[derive(Debug, Clone)]
pub enum FileDef {
    Price {
        name: String,
        provider: ProviderDef,
        models: Vec<ModelDef>,
        /// The text it was read from, while one layer alone defines it: a file an import does not write is
        /// copied as it was.
        original: Option<String>,
    },
    Other {
        name: String,
        text: String,
    },
}

impl FileDef {
    pub fn name(&self) -> &str {
        match self {
            FileDef::Price { name, .. } | FileDef::Other { name, .. } => name,
        }
    }
}

/// Where existing tables come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Bundled,
    Dir(PathBuf),
}

/// The files of one source, by base name, in name order.
pub fn texts(source: &Source) -> Result<Vec<(String, String)>> {
    match source {
        Source::Bundled => Ok(bundled_files()
            .iter()
            .map(|(name, text)| (base_name(name), text.to_string()))
            .collect()),
        Source::Dir(dir) => {
            let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
                .with_context(|| format!("cannot read {}", dir.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect();
            paths.sort();
            paths
                .iter()
                .map(|p| {
                    let text = std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
                    Ok((base_name(&p.to_string_lossy()), text))
                })
                .collect()
        }
    }
}

fn base_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// Reads and joins the sources, bottom first. Each directory must load cleanly over the ones beneath it.
pub fn read(sources: &[Source]) -> Result<Vec<FileDef>> {
    let mut files: Vec<FileDef> = Vec::new();
    let mut beneath: Vec<(String, String)> = Vec::new();
    for source in sources {
        let layer = texts(source)?;
        if let Source::Dir(dir) = source {
            let mut all = beneath.clone();
            all.extend(layer.iter().cloned());
            if let Err(problems) = load_texts(&all) {
                let list: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
                bail!("{} does not load:\n{}", dir.display(), list.join("\n"));
            }
        }
        for (name, text) in &layer {
            let def = parse(name, text)?;
            join(&mut files, def);
        }
        beneath.extend(layer);
    }
    Ok(files)
}

/// One file as definitions. A file with a `provider` holds nothing else but its `models`, or it could not be
/// written back whole.
pub fn parse(name: &str, text: &str) -> Result<FileDef> {
    let value: serde_yaml::Value = serde_yaml::from_str(text).with_context(|| format!("{name}: invalid YAML"))?;
    let Some(map) = value.as_mapping() else {
        return Ok(FileDef::Other {
            name: name.to_string(),
            text: text.to_string(),
        });
    };
    let Some(provider) = map.get("provider") else {
        return Ok(FileDef::Other {
            name: name.to_string(),
            text: text.to_string(),
        });
    };
    if let Some(k) = map.keys().find(|k| !matches!(k.as_str(), Some("provider" | "models"))) {
        bail!(
            "{name}: a provider's file may hold only `provider` and `models`, not `{}`; move it to a file of its own",
            k.as_str().unwrap_or("?")
        );
    }
    let provider: ProviderDef =
        serde_yaml::from_value(provider.clone()).with_context(|| format!("{name}: `provider`"))?;
    let models: Vec<ModelDef> = match map.get("models") {
        Some(m) => serde_yaml::from_value(m.clone()).with_context(|| format!("{name}: `models`"))?,
        None => Vec::new(),
    };
    Ok(FileDef::Price {
        name: name.to_string(),
        provider,
        models,
        original: Some(text.to_string()),
    })
}

/// Adds one file of a later layer: a provider's file joins the earlier file of that provider, another file
/// replaces the earlier file of its name.
fn join(files: &mut Vec<FileDef>, def: FileDef) {
    match def {
        FileDef::Other { ref name, .. } => {
            let slot = files
                .iter_mut()
                .find(|f| matches!(f, FileDef::Other { name: n, .. } if n == name));
            match slot {
                Some(slot) => *slot = def,
                None => files.push(def),
            }
        }
        FileDef::Price {
            name,
            provider,
            models,
            original,
        } => {
            let slot = files
                .iter_mut()
                .find(|f| matches!(f, FileDef::Price { provider: p, .. } if p.id == provider.id));
            let Some(FileDef::Price {
                provider: old_provider,
                models: old_models,
                original: old_original,
                ..
            }) = slot
            else {
                files.push(FileDef::Price {
                    name,
                    provider,
                    models,
                    original,
                });
                return;
            };
            *old_original = None;
            join_provider(old_provider, provider);
            for m in models {
                match old_models.iter_mut().find(|o| o.id.eq_ignore_ascii_case(&m.id)) {
                    Some(old) => join_model(old, m),
                    None => old_models.push(m),
                }
            }
        }
    }
}

fn join_provider(old: &mut ProviderDef, new: ProviderDef) {
    old.name = new.name.or(old.name.take());
    old.note = new.note.or(old.note.take());
    old.batch_factor = new.batch_factor.or(old.batch_factor);
    old.estimate_ratio = new.estimate_ratio.or(old.estimate_ratio);
    old.illustrative = new.illustrative.or(old.illustrative);
    old.platform = new.platform.or(old.platform);
}

/// A model in two layers: the later layer's fields where it sets them, names of both, rows of both.
fn join_model(old: &mut ModelDef, new: ModelDef) {
    for a in new.aliases {
        if !old.aliases.iter().any(|o| o.eq_ignore_ascii_case(&a)) {
            old.aliases.push(a);
        }
    }
    for p in new.patterns {
        if !old.patterns.contains(&p) {
            old.patterns.push(p);
        }
    }
    old.tokenizer = new.tokenizer.or(old.tokenizer.take());
    old.context_window = new.context_window.or(old.context_window);
    old.deprecation_date = new.deprecation_date.or(old.deprecation_date.take());
    old.note = new.note.or(old.note.take());
    old.marginal = new.marginal.or(old.marginal.take());
    let mut rows: BTreeMap<String, PriceDef> = BTreeMap::new();
    for r in old.prices.drain(..).chain(new.prices) {
        rows.insert(r.as_of.clone().unwrap_or_default(), r);
    }
    old.prices = rows.into_values().collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_join_model_by_model() {
        let a = "provider:\n  id: x\nmodels:\n  - id: m\n    prices:\n      - {as_of: 2024-01-01, input: 1, output: 2, source: a}\n      - {as_of: 2024-06-01, input: 3, output: 4, source: a}\n";
        let b = "provider:\n  id: x\n  platform: true\nmodels:\n  - id: M\n    aliases: [m2]\n    prices:\n      - {as_of: 2024-06-01, input: 5, output: 6, source: b}\n      - {as_of: 2025-01-01, input: 7, output: 8, source: b}\n  - id: n\n    prices:\n      - {as_of: 2024-01-01, input: 1, output: 1, source: b}\n";
        let mut files = Vec::new();
        join(&mut files, parse("x.yaml", a).unwrap());
        join(&mut files, parse("y.yaml", b).unwrap());
        assert_eq!(files.len(), 1);
        let FileDef::Price {
            name, provider, models, ..
        } = &files[0]
        else {
            panic!()
        };
        assert_eq!(name, "x.yaml");
        assert_eq!(provider.platform, Some(true));
        assert_eq!(models.len(), 2);
        assert_eq!(models[0].aliases, vec!["m2"]);
        let rows: Vec<(String, f64, String)> = models[0]
            .prices
            .iter()
            .map(|r| (r.as_of.clone().unwrap(), r.input.unwrap(), r.source.clone().unwrap()))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("2024-01-01".into(), 1.0, "a".into()),
                ("2024-06-01".into(), 5.0, "b".into()),
                ("2025-01-01".into(), 7.0, "b".into())
            ]
        );
    }

    #[test]
    fn a_provider_file_with_other_keys_is_refused() {
        let e = parse("x.yaml", "provider: {id: x}\nmarginal: []\n").unwrap_err();
        assert!(e.to_string().contains("not `marginal`"), "{e}");
    }
}
