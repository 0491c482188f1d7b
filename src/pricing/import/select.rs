//! From LiteLLM's entries to the models an import brings: which entries are taken, the model id of each, keys that
//! name one model twice (`deepseek-chat` and `deepseek/deepseek-chat`), regional keys, and `alias_of` entries.
//! Every entry ends up counted once: as a model, as another key of a model, as an alias, or skipped with a reason.

use chrono::NaiveDate;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::fields::{self, Row};
use super::litellm::{Table, count};
use super::providers::{Refusal, Selection, region, strip_route, tokenizer};
use super::summary::Summary;
use super::write::exact_f64;

/// One model as LiteLLM prices it, ready to be merged onto a table.
#[derive(Debug, Clone)]
pub struct Imported {
    pub provider: String,
    pub id: String,
    /// The LiteLLM keys it was read from, the one that names it first.
    pub keys: Vec<String>,
    /// Names from `alias_of` entries, with the key each came from.
    pub aliases: Vec<(String, String)>,
    pub context_window: Option<u64>,
    pub deprecation_date: Option<String>,
    pub tokenizer: Option<&'static str>,
    pub row: Row,
}

/// An entry that was taken, before keys naming one model are joined.
struct Candidate {
    key: String,
    /// Whether the key carried its routing prefix: that spelling wins when two keys disagree.
    routed: bool,
    model: Imported,
}

/// A name that moves to newer models over time (`claude-sonnet-latest`, `gpt-4.20-beta-latest-reasoning`).
pub fn is_moving(name: &str) -> bool {
    name.match_indices("-latest")
        .any(|(i, m)| matches!(name.as_bytes().get(i + m.len()), None | Some(b'-')))
}

/// The models of the selected providers, sorted by provider and id, with every entry counted in `summary`.
pub fn select(table: &Table, selection: &Selection, summary: &mut Summary) -> Vec<Imported> {
    summary.entries = table.entries.len();
    let mut candidates = Vec::new();
    let mut aliases = Vec::new();
    for (key, value) in &table.entries {
        if key == "sample_spec" {
            summary.skip("sample_spec (LiteLLM's description of its fields)", "");
            continue;
        }
        let Value::Object(entry) = value else {
            summary.skip("not an object", "");
            continue;
        };
        if let Some(target) = entry.get("alias_of") {
            match target.as_str() {
                Some(t) => aliases.push((key.clone(), t.to_string())),
                None => summary.skip("alias_of that is not a key", ""),
            }
            continue;
        }
        if let Some(c) = candidate(key, entry, selection, summary) {
            candidates.push(c);
        }
    }
    let candidates = drop_regional_copies(candidates, summary);
    let mut models = join_keys(candidates, summary);
    summary.taken = models.len();
    add_aliases(&mut models, &aliases, table, summary);
    for m in &models {
        if is_moving(&m.id) {
            summary
                .moving
                .push(format!("{}/{} (priced as its own model)", m.provider, m.id));
        }
        for (a, _) in &m.aliases {
            if is_moving(a) {
                summary.moving.push(format!("{}/{a} -> {}", m.provider, m.id));
            }
        }
    }
    models
}

fn candidate(key: &str, entry: &Map<String, Value>, selection: &Selection, summary: &mut Summary) -> Option<Candidate> {
    let Some(litellm) = entry.get("litellm_provider").and_then(Value::as_str) else {
        summary.skip("no litellm_provider (not a model)", "");
        return None;
    };
    let mode = entry.get("mode").and_then(Value::as_str).unwrap_or("(none)");
    if mode != "chat" && mode != "responses" {
        summary.skip("mode other than chat and responses", mode);
        return None;
    }
    let (id, routed) = strip_route(litellm, key);
    let provider = match selection.target(litellm, id) {
        Ok(p) => p,
        Err(Refusal::NotSelected) => {
            summary.skip("provider not selected", litellm);
            return None;
        }
        Err(Refusal::VertexOther) => {
            summary.skip("provider not selected", "vertex_ai (not Gemini or Claude)");
            return None;
        }
    };
    let read = fields::read(entry);
    let priced = match read.row.input_output() {
        (Some(i), Some(o)) => !(i.is_zero() && o.is_zero()),
        _ => false,
    };
    if !priced {
        summary.skip("no token price (missing, or input and output both 0)", "");
        return None;
    }
    if let Some(bad) = inexact(&read.row) {
        summary.skip("a rate a YAML number cannot hold exactly", "");
        summary
            .conflicts
            .push(format!("{key}: {bad} cannot be written exactly; skipped"));
        return None;
    }
    for f in read.ignored {
        *summary.ignored.entry(f).or_default() += 1;
    }
    for f in read.zeros {
        *summary.zeros.entry(f).or_default() += 1;
    }
    for f in read.malformed {
        *summary.malformed.entry(f).or_default() += 1;
    }
    let deprecation_date = entry
        .get("deprecation_date")
        .and_then(Value::as_str)
        .filter(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok())
        .map(str::to_string);
    Some(Candidate {
        key: key.to_string(),
        routed,
        model: Imported {
            tokenizer: tokenizer(&provider, id),
            provider,
            id: id.to_string(),
            keys: vec![key.to_string()],
            aliases: Vec::new(),
            context_window: entry.get("max_input_tokens").and_then(count),
            deprecation_date,
            row: read.row,
        },
    })
}

/// The first rate of a row that no f64 holds exactly (more than 15 significant digits), if any.
fn inexact(row: &Row) -> Option<String> {
    let levels = std::iter::once(&row.base).chain(row.long.values());
    levels
        .flat_map(|l| l.0.iter())
        .flat_map(|r| r.0.iter().flatten())
        .find(|d| exact_f64(**d).is_none())
        .map(|d| d.to_string())
}

/// A regional key (`bedrock/us-east-1/...`, `azure/eu/...`) is kept as its own id where its prices differ from
/// the key without the region, and skipped where they are the same.
fn drop_regional_copies(candidates: Vec<Candidate>, summary: &mut Summary) -> Vec<Candidate> {
    let mut base: BTreeMap<(String, String), Vec<Row>> = BTreeMap::new();
    for c in &candidates {
        if region(&c.model.provider, &c.model.id).is_none() {
            let k = (c.model.provider.clone(), c.model.id.to_lowercase());
            base.entry(k).or_default().push(c.model.row.clone());
        }
    }
    candidates
        .into_iter()
        .filter(|c| {
            let Some((_, rest)) = region(&c.model.provider, &c.model.id) else {
                return true;
            };
            let same = base
                .get(&(c.model.provider.clone(), rest.to_lowercase()))
                .is_some_and(|rows| rows.iter().any(|b| b.union(&c.model.row).as_ref() == Some(b)));
            if same {
                summary.skip("regional key priced as the key without its region", "");
            } else {
                summary.regional_kept += 1;
            }
            !same
        })
        .collect()
}

/// Keys that name one model of one provider (ids compare case-insensitively, as lookups do) become one model when
/// they agree (one may list a tier the other leaves out: the model gets both); when a rate both list differs, the
/// key with its routing prefix wins and the other is reported.
fn join_keys(candidates: Vec<Candidate>, summary: &mut Summary) -> Vec<Imported> {
    let mut groups: BTreeMap<(String, String), Vec<Candidate>> = BTreeMap::new();
    for c in candidates {
        let k = (c.model.provider.clone(), c.model.id.to_lowercase());
        groups.entry(k).or_default().push(c);
    }
    let mut models = Vec::new();
    for (_, mut group) in groups {
        group.sort_by(|a, b| b.routed.cmp(&a.routed).then_with(|| a.key.cmp(&b.key)));
        let mut rest = group.into_iter();
        let Some(first) = rest.next() else { continue };
        let mut model = first.model;
        for other in rest {
            if let Some(row) = model.row.union(&other.model.row) {
                model.row = row;
                summary.joined += 1;
                model.keys.push(other.key);
                model.context_window = model.context_window.or(other.model.context_window);
                model.deprecation_date = model.deprecation_date.or(other.model.deprecation_date);
            } else {
                summary.skip("another key names the same model at other prices", "");
                summary.conflicts.push(format!(
                    "{}/{}: keys {} and {} disagree; {} kept",
                    model.provider, model.id, first.key, other.key, first.key
                ));
            }
        }
        models.push(model);
    }
    models
}

/// `alias_of` entries become aliases of their target's model. The alias key carries the prefix of its target's
/// provider (`bedrock/claude-opus-latest` -> `global.anthropic.claude-opus-5-5`).
fn add_aliases(models: &mut [Imported], aliases: &[(String, String)], table: &Table, summary: &mut Summary) {
    let by_key: BTreeMap<String, usize> = models
        .iter()
        .enumerate()
        .flat_map(|(i, m)| m.keys.iter().map(move |k| (k.clone(), i)))
        .collect();
    for (key, target) in aliases {
        let Some(&i) = by_key.get(target) else {
            summary.skip(
                "alias_of an entry not imported (skipped, or of a provider not selected)",
                "",
            );
            continue;
        };
        let litellm = table
            .entries
            .get(target)
            .and_then(|t| t.get("litellm_provider"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let name = strip_route(litellm, key).0.to_string();
        let provider = models[i].provider.clone();
        let taken = models
            .iter()
            .enumerate()
            .any(|(j, m)| j != i && m.provider == provider && m.id.eq_ignore_ascii_case(&name));
        if taken {
            summary.skip("alias_of whose name is another model's", "");
            summary.conflicts.push(format!(
                "{provider}/{name}: alias of {target} and a model of its own; the model kept"
            ));
            continue;
        }
        summary.aliases += 1;
        if !models[i].id.eq_ignore_ascii_case(&name)
            && !models[i].aliases.iter().any(|(a, _)| a.eq_ignore_ascii_case(&name))
        {
            models[i].aliases.push((name, key.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_names() {
        assert!(is_moving("claude-sonnet-latest"));
        assert!(is_moving("grok-4.20-beta-latest-reasoning"));
        assert!(!is_moving("latest-model"));
        assert!(!is_moving("gpt-latestish"));
    }
}
