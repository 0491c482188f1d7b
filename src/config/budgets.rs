//! Budgets from the command line and `tokencost.yaml`, as exact decimals: `--budget 0.1` is the decimal 0.1 read
//! from the text typed, never a float's nearest neighbour.

use anyhow::{Context, Result, bail};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::budget::{Budgets, ModelBudget};
use crate::call::Resolution;
use crate::pricing::{PriceTable, glob_match};

/// A number from the YAML file, kept as its text: integers exactly, other numbers with the shortest digits that
/// read back to what YAML parsed.
#[derive(Debug, Clone)]
pub(super) struct Amount(String);

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl Visitor<'_> for Visit {
            type Value = Amount;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                // The word serde used when these fields were floats: error messages stay the same.
                f.write_str("f64")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
                Ok(Amount(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
                Ok(Amount(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Amount, E> {
                Ok(Amount(v.to_string()))
            }
        }
        d.deserialize_any(Visit)
    }
}

/// A mapping read in order, refusing a key written twice: YAML readers differ on which copy wins, and a budget
/// file that says two things about one model is a mistake to point at, not a choice to make silently.
fn unique_keys<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, Amount)>, D::Error> {
    struct Visit;
    impl<'de> Visitor<'de> for Visit {
        type Value = Vec<(String, Amount)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map of model names to amounts")
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out: Vec<(String, Amount)> = Vec::new();
            while let Some((k, v)) = map.next_entry::<String, Amount>()? {
                if out.iter().any(|(seen, _)| same_key(seen, &k)) {
                    return Err(de::Error::custom(format!("model_budgets: `{k}` is given twice")));
                }
                out.push((k, v));
            }
            Ok(out)
        }
    }
    d.deserialize_map(Visit)
}

/// Two budget keys name the same thing when they differ only in case or surrounding blanks.
fn same_key(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// `tokencost.yaml`: budgets and pricing kept with a repository. Flags override it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileConfig {
    budget: Option<Amount>,
    session_budget: Option<Amount>,
    #[serde(default, deserialize_with = "unique_keys")]
    model_budgets: Vec<(String, Amount)>,
    monthly_budget: Option<Amount>,
    /// Price files or directories, relative to the config file, layered under any `--pricing`.
    #[serde(default)]
    pub(super) pricing: Vec<PathBuf>,
    pub(super) strict: Option<bool>,
}

/// The config file named by `--config`, else `tokencost.yaml` in the current directory when there is one.
pub(super) fn file_config(explicit: Option<&Path>) -> Result<(FileConfig, Option<PathBuf>)> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let default = PathBuf::from("tokencost.yaml");
            if !default.is_file() {
                return Ok((FileConfig::default(), None));
            }
            default
        }
    };
    let text = super::read_yaml(&path).with_context(|| format!("cannot read config {}", path.display()))?;
    // Said once a run, however many parts of the command read the file.
    static ANNOUNCED: std::sync::Once = std::sync::Once::new();
    ANNOUNCED.call_once(|| {
        let _ = writeln!(
            std::io::stderr().lock(),
            "tokencost: settings from {}",
            crate::fmt::shown(&path.display().to_string())
        );
    });
    let mut cfg: FileConfig = match serde_yaml::from_str(&text) {
        Ok(c) => c,
        Err(e) => {
            let line = e.location().map_or(1, |l| l.line());
            bail!("{}:{line}: {e}", path.display());
        }
    };
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    cfg.pricing = cfg.pricing.iter().map(|p| dir.join(p)).collect();
    Ok((cfg, Some(path)))
}

/// A budget in USD from its text: a finite number, not negative, as the decimal written.
pub(super) fn usd(what: &str, text: &str) -> Result<Decimal> {
    let t = text.trim();
    let v: f64 = t.parse().with_context(|| format!("{what}: `{t}` is not a number"))?;
    if !v.is_finite() || v < 0.0 {
        bail!("{what} must be an amount of 0 or more, got {v}");
    }
    Decimal::from_str(t)
        .or_else(|_| Decimal::from_scientific(t))
        .with_context(|| format!("{what} is too large: {v}"))
}

/// The budgets typed on the command line, before the config file fills the gaps.
pub(super) struct Flags<'a> {
    pub total: Option<&'a str>,
    pub session: Option<&'a str>,
    /// `MODEL=USD`, as typed.
    pub models: &'a [String],
    pub monthly: Option<&'a str>,
    /// `--session-from file`.
    pub file_sessions: bool,
}

/// Flags over the file, each limit validated, each model resolved in the price table.
pub(super) fn budgets(
    flags: Flags,
    file: &FileConfig,
    file_path: Option<&Path>,
    table: &PriceTable,
) -> Result<Budgets> {
    let from_file = |what: &str| match file_path {
        Some(p) => format!("{what} in {}", p.display()),
        None => what.to_string(),
    };
    let pick = |flag: Option<&str>, key: &str, fallback: &Option<Amount>| -> Result<Option<Decimal>> {
        match (flag, fallback) {
            (Some(v), _) => usd(&format!("--{}", key.replace('_', "-")), v).map(Some),
            (None, Some(Amount(v))) => usd(&from_file(key), v).map(Some),
            (None, None) => Ok(None),
        }
    };
    // Flags override the file key by key; a key typed twice on the command line is an error.
    let mut model_limits: Vec<(String, String, bool)> = file
        .model_budgets
        .iter()
        .map(|(k, Amount(v))| (k.trim().to_string(), v.clone(), false))
        .collect();
    for m in flags.models {
        let Some((name, v)) = m.rsplit_once('=') else {
            bail!("--model-budget `{m}` must be MODEL=USD");
        };
        v.trim()
            .parse::<f64>()
            .with_context(|| format!("--model-budget `{m}`: `{v}` is not a number"))?;
        let name = name.trim().to_string();
        match model_limits.iter_mut().find(|(k, _, _)| same_key(k, &name)) {
            Some((_, _, true)) => bail!("--model-budget `{name}` is given twice"),
            Some(slot) => *slot = (name, v.trim().to_string(), true),
            None => model_limits.push((name, v.trim().to_string(), true)),
        }
    }
    model_limits.sort_by(|a, b| a.0.cmp(&b.0));
    let mut models = Vec::new();
    for (name, v, _) in model_limits {
        let (named, covers) = covered_models(table, &name)?;
        models.push(ModelBudget {
            limit: usd(&format!("the budget for `{name}`"), &v)?,
            name,
            named,
            covers,
        });
    }
    Ok(Budgets {
        total: pick(flags.total, "budget", &file.budget)?,
        session: pick(flags.session, "session_budget", &file.session_budget)?,
        models,
        monthly: pick(flags.monthly, "monthly_budget", &file.monthly_budget)?,
        file_sessions: flags.file_sessions,
    })
}

/// The models a budget key covers. A glob (`claude-*`) covers every model whose name or `provider/name` it
/// matches. Another name covers the model it resolves to, and, unless it names a dated snapshot itself, that
/// model's dated snapshots at the same provider (`gpt-4o` covers `gpt-4o-2024-08-06`, never `gpt-4o-mini`).
fn covered_models(table: &PriceTable, name: &str) -> Result<(Option<usize>, Vec<usize>)> {
    let lower = name.to_ascii_lowercase();
    if lower.contains('*') {
        let all = (0..table.models.len())
            .filter(|&i| {
                let m = table.model(i);
                let id = m.id.to_ascii_lowercase();
                glob_match(&lower, &id)
                    || glob_match(&lower, &format!("{}/{id}", m.provider.to_ascii_lowercase()))
                    || m.aliases.iter().any(|a| glob_match(&lower, &a.to_ascii_lowercase()))
            })
            .collect();
        return Ok((None, all));
    }
    let idx = match table.resolve(name) {
        Resolution::Found(i) => i,
        Resolution::Ambiguous(c) => {
            bail!("model budget for `{name}`: ambiguous model, one of {}", c.join(", "))
        }
        Resolution::Unknown | Resolution::NotListed(_) => {
            let near = table.suggest_models(name);
            let hint = match near.as_slice() {
                [] => String::new(),
                some => format!(" (did you mean {}?)", some.join(", ")),
            };
            bail!("model budget for `{name}`: no such model in the price tables{hint}")
        }
    };
    let bare = lower.rsplit_once('/').map_or(lower.as_str(), |(_, n)| n);
    if snapshot_base(bare).is_some() {
        return Ok((Some(idx), vec![idx]));
    }
    let target = table.model(idx);
    let base = target.id.to_ascii_lowercase();
    let mut covers: Vec<usize> = (0..table.models.len())
        .filter(|&i| {
            let m = table.model(i);
            i == idx
                || (m.provider == target.provider
                    && snapshot_base(&m.id.to_ascii_lowercase()).is_some_and(|b| b == base || b == bare))
        })
        .collect();
    covers.sort_unstable();
    Ok((Some(idx), covers))
}

/// The name a dated snapshot is a snapshot of: `gpt-4o-2024-08-06`, `claude-3-5-sonnet-20241022`,
/// `claude-3-5-sonnet@20241022`, `gpt-4-0613`, each optionally with a version after the date
/// (`...-20240620-v1:0`). None for a name without such a suffix.
fn snapshot_base(id: &str) -> Option<&str> {
    let id = match id.rsplit_once("-v") {
        Some((head, v)) if !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == ':') => head,
        _ => id,
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (head, tail) = id.rsplit_once(['-', '@'])?;
    // `-2024-08-06`: three parts joined by dashes.
    if tail.len() == 2 && digits(tail) {
        let (h2, m) = head.rsplit_once('-')?;
        let (h3, y) = h2.rsplit_once('-')?;
        return (m.len() == 2 && digits(m) && y.len() == 4 && digits(y) && y.starts_with("20")).then_some(h3);
    }
    // `-20241022` or `@20241022`, and OpenAI's `-0613` month-day snapshots.
    let dated = (tail.len() == 8 && tail.starts_with("20")) || tail.len() == 4;
    (dated && digits(tail)).then_some(head)
}

#[cfg(test)]
mod tests {
    use super::snapshot_base;

    #[test]
    fn snapshots_and_what_they_are_of() {
        assert_eq!(snapshot_base("gpt-4o-2024-08-06"), Some("gpt-4o"));
        assert_eq!(snapshot_base("claude-3-5-sonnet-20241022"), Some("claude-3-5-sonnet"));
        assert_eq!(snapshot_base("claude-3-5-sonnet@20241022"), Some("claude-3-5-sonnet"));
        assert_eq!(
            snapshot_base("anthropic.claude-3-5-sonnet-20240620-v1:0"),
            Some("anthropic.claude-3-5-sonnet")
        );
        assert_eq!(snapshot_base("gpt-4-0613"), Some("gpt-4"));
        assert_eq!(snapshot_base("gpt-4o-mini"), None);
        assert_eq!(snapshot_base("gpt-4o"), None);
        assert_eq!(snapshot_base("llama-3.1-405b"), None);
        assert_eq!(snapshot_base("qwen3-235b-a22b-2507"), Some("qwen3-235b-a22b"));
    }
}
