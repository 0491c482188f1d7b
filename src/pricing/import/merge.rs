//! Merges imported models onto the existing files of their providers. Nothing is deleted: a model LiteLLM no
//! longer lists keeps its rows, and an existing model gains a dated row only when LiteLLM's rates differ from the
//! row in force on the import's date. A row of that same date is replaced only when an import wrote it; a
//! hand-written one is reported as a conflict and left alone.

use anyhow::{Result, bail};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

use super::onto::FileDef;
use super::providers::{is_platform, new_provider};
use super::rows::{IMPORTED, differs, is_imported, row_def};
use super::select::Imported;
use super::summary::{ProviderTally, Summary};
use crate::pricing::load::{effective_row, to_decimal};
use crate::pricing::resolve::glob_match;
use crate::pricing::schema::{ModelDef, PriceDef, ProviderDef};
use crate::pricing::{PriceRow, Provider};

/// When the rows an import writes are in force from, and whose table they come from.
pub struct Dating {
    pub as_of: NaiveDate,
    pub label: String,
}

/// The provider as the loader reads its block, for reading rows the way the loader does.
fn runtime(def: &ProviderDef) -> Provider {
    Provider {
        name: def.name.clone().unwrap_or_else(|| def.id.clone()),
        batch_factor: def.batch_factor.and_then(to_decimal).unwrap_or(Decimal::ONE),
        estimate_ratio: def.estimate_ratio.unwrap_or(1.0),
        illustrative: def.illustrative.unwrap_or(false),
        platform: def.platform.unwrap_or(false),
    }
}

fn date_of(row: &PriceDef) -> Option<NaiveDate> {
    row.as_of
        .as_deref()
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

fn source(dating: &Dating, keys: &[String]) -> String {
    let keys = match keys {
        [one] => format!("key {one}"),
        many => format!("keys {}", many.join(", ")),
    };
    format!("{}, {keys}{IMPORTED}", dating.label)
}

/// Merges `imported` into `files`: each provider's file is found by its provider id or created as `<id>.yaml`.
/// Every file of a provider in `written` is rewritten (so that platforms carry their flag); the others stay as
/// they are. Returns the names of the files this import writes.
pub fn merge(
    files: &mut Vec<FileDef>,
    imported: Vec<Imported>,
    written: &[String],
    dating: &Dating,
    summary: &mut Summary,
) -> Result<Vec<String>> {
    let mut by_provider: BTreeMap<String, Vec<Imported>> = BTreeMap::new();
    for m in imported {
        by_provider.entry(m.provider.clone()).or_default().push(m);
    }
    let mut ids: Vec<String> = written.to_vec();
    ids.extend(by_provider.keys().cloned());
    ids.sort();
    ids.dedup();
    let mut names = Vec::new();
    for id in ids {
        let models = by_provider.remove(&id).unwrap_or_default();
        let at = files
            .iter()
            .position(|f| matches!(f, FileDef::Price { provider, .. } if provider.id == id));
        let at = match at {
            Some(at) => at,
            None if models.is_empty() => continue,
            None => {
                let name = format!("{id}.yaml");
                if files.iter().any(|f| f.name() == name) {
                    bail!("{name} exists and is not the price file of provider `{id}`: rename it first");
                }
                files.push(FileDef::Price {
                    name,
                    provider: new_provider(&id),
                    models: Vec::new(),
                    original: None,
                });
                files.len() - 1
            }
        };
        let FileDef::Price {
            name,
            provider,
            models: existing,
            original,
        } = &mut files[at]
        else {
            continue;
        };
        // The file is written anew.
        *original = None;
        if is_platform(&id) && provider.platform.is_none() {
            provider.platform = Some(true);
        }
        let tally = summary.providers.entry(id.clone()).or_default();
        tally.file = name.clone();
        tally.imported = models.len();
        let mut cx = Merge {
            provider: runtime(provider),
            provider_id: id.clone(),
            models: existing,
            dating,
            tally,
            conflicts: &mut summary.conflicts,
        };
        cx.run(models);
        cx.tally.models_after = cx.models.len();
        names.push(name.clone());
    }
    Ok(names)
}

struct Merge<'a> {
    provider: Provider,
    provider_id: String,
    models: &'a mut Vec<ModelDef>,
    dating: &'a Dating,
    tally: &'a mut ProviderTally,
    conflicts: &'a mut Vec<String>,
}

impl Merge<'_> {
    /// Lower-cased id and alias -> the model's index.
    fn names(&self) -> HashMap<String, usize> {
        let mut names = HashMap::new();
        for (i, m) in self.models.iter().enumerate() {
            for n in std::iter::once(&m.id).chain(&m.aliases) {
                names.entry(n.to_lowercase()).or_insert(i);
            }
        }
        names
    }

    fn conflict(&mut self, what: String) {
        self.conflicts.push(format!("{}/{what}", self.provider_id));
    }

    fn run(&mut self, mut imports: Vec<Imported>) {
        let names = self.names();
        // An alias whose name is already a model of its own (`mistral-large-latest`) prices that model instead:
        // its rows then keep the history of what the name stood for.
        let mut extra = Vec::new();
        for imp in &mut imports {
            let target = names.get(&imp.id.to_lowercase()).copied();
            imp.aliases
                .retain(|(alias, key)| match names.get(&alias.to_lowercase()) {
                    Some(&i) if Some(i) != target && self.models[i].id.eq_ignore_ascii_case(alias) => {
                        extra.push(Imported {
                            id: self.models[i].id.clone(),
                            keys: vec![format!("{key} (alias of {})", imp.keys[0])],
                            aliases: Vec::new(),
                            context_window: None,
                            deprecation_date: None,
                            tokenizer: None,
                            row: imp.row.clone(),
                            provider: imp.provider.clone(),
                        });
                        false
                    }
                    _ => true,
                });
        }
        let mut matched: BTreeMap<usize, Vec<Imported>> = BTreeMap::new();
        let mut new = Vec::new();
        for imp in imports.into_iter().chain(extra) {
            match names.get(&imp.id.to_lowercase()) {
                Some(&i) => matched.entry(i).or_default().push(imp),
                None => new.push(imp),
            }
        }
        for (i, mut group) in matched {
            let id = self.models[i].id.clone();
            group.sort_by_key(|g| (!g.id.eq_ignore_ascii_case(&id), g.id.clone()));
            let mut group = group.into_iter();
            let Some(mut primary) = group.next() else { continue };
            // Other keys that reach the model through an alias join it where no rate they both list differs.
            for other in group {
                match primary.row.union(&other.row) {
                    Some(row) => {
                        self.tally.joined += 1;
                        primary.row = row;
                        primary.keys.extend(other.keys);
                        primary.aliases.extend(other.aliases);
                    }
                    None => {
                        self.tally.conflicts += 1;
                        self.conflict(format!(
                            "{}: an alias of model `{id}`, which LiteLLM (key {}) prices otherwise than {}; not imported",
                            other.id, other.keys[0], primary.keys[0]
                        ));
                    }
                }
            }
            self.update(i, &primary);
        }
        let patterned: Vec<(String, usize)> = self
            .models
            .iter()
            .enumerate()
            .flat_map(|(i, m)| m.patterns.iter().map(move |p| (p.to_lowercase(), i)))
            .collect();
        new.sort_by(|a, b| a.id.cmp(&b.id));
        for imp in new {
            let lower = imp.id.to_lowercase();
            let covered = patterned
                .iter()
                .find(|(p, _)| glob_match(p, &lower))
                .is_some_and(|&(_, i)| {
                    let in_force = self.in_force(i);
                    in_force.is_some_and(|r| !differs(&imp.row, &r))
                });
            if covered {
                self.tally.covered += 1;
                continue;
            }
            self.add(&imp);
        }
    }

    /// The existing row of model `i` in force on the import's date, as the loader reads it.
    fn in_force(&self, i: usize) -> Option<PriceRow> {
        let prices = &self.models[i].prices;
        let j = (0..prices.len())
            .filter(|&j| date_of(&prices[j]).is_some_and(|d| d <= self.dating.as_of))
            .max_by_key(|&j| date_of(&prices[j]))?;
        effective_row(&prices[j], &self.provider).ok()
    }

    fn row(&self, imp: &Imported) -> PriceDef {
        let as_of = self.dating.as_of.format("%Y-%m-%d").to_string();
        row_def(&imp.row, &as_of, source(self.dating, &imp.keys), &self.provider)
    }

    fn update(&mut self, i: usize, imp: &Imported) {
        let def = self.row(imp);
        let as_of = self.dating.as_of;
        let same_day = self.models[i].prices.iter().position(|r| date_of(r) == Some(as_of));
        match same_day {
            Some(j) => {
                let old = effective_row(&self.models[i].prices[j], &self.provider).ok();
                let changed = old.as_ref().is_none_or(|o| differs(&imp.row, o));
                if !changed {
                    self.tally.unchanged += 1;
                } else if is_imported(&self.models[i].prices[j]) {
                    self.models[i].prices[j] = def;
                    self.tally.replaced_rows += 1;
                } else {
                    self.tally.conflicts += 1;
                    let id = self.models[i].id.clone();
                    self.conflict(format!(
                        "{id}: its row of {as_of} was not written by an import and LiteLLM (key {}) prices it \
                         otherwise; left as it is",
                        imp.keys[0]
                    ));
                }
            }
            None => {
                let changed = self.in_force(i).is_none_or(|o| differs(&imp.row, &o));
                if changed {
                    let prices = &mut self.models[i].prices;
                    let at = prices
                        .iter()
                        .position(|r| date_of(r).is_some_and(|d| d > as_of))
                        .unwrap_or(prices.len());
                    prices.insert(at, def);
                    self.tally.new_rows += 1;
                } else {
                    self.tally.unchanged += 1;
                }
            }
        }
        let m = &mut self.models[i];
        m.context_window = m.context_window.or(imp.context_window);
        m.deprecation_date = m.deprecation_date.take().or(imp.deprecation_date.clone());
        self.add_aliases(i, imp);
    }

    /// The import's aliases on model `i`, each unless it names another model (then a conflict).
    fn add_aliases(&mut self, i: usize, imp: &Imported) {
        for (alias, key) in &imp.aliases {
            match self.names().get(&alias.to_lowercase()) {
                Some(&j) if j == i => {}
                Some(&j) => {
                    let other = self.models[j].id.clone();
                    self.conflict(format!(
                        "{alias}: alias of {} by key {key}, but already a name of model `{other}`; left there",
                        imp.id
                    ));
                }
                None => self.models[i].aliases.push(alias.clone()),
            }
        }
    }

    fn add(&mut self, imp: &Imported) {
        let names = self.names();
        let aliases: Vec<String> = imp
            .aliases
            .iter()
            .filter(|(a, key)| {
                let free = !names.contains_key(&a.to_lowercase());
                if !free {
                    self.conflicts.push(format!(
                        "{}/{a}: alias of {} by key {key}, but already a name of another model; left there",
                        self.provider_id, imp.id
                    ));
                }
                free
            })
            .map(|(a, _)| a.clone())
            .collect();
        self.models.push(ModelDef {
            id: imp.id.clone(),
            aliases,
            patterns: Vec::new(),
            tokenizer: imp.tokenizer.map(str::to_string),
            context_window: imp.context_window,
            deprecation_date: imp.deprecation_date.clone(),
            note: None,
            marginal: None,
            prices: vec![self.row(imp)],
        });
        self.tally.new_models += 1;
    }
}
