//! Budgets from the command line and `tokencost.yaml`, as exact decimals: `--budget 0.1` is the decimal 0.1 read
//! from the text typed, never a float's nearest neighbour.

use anyhow::{Context, Result, bail};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::budget::Budgets;
use crate::call::Resolution;
use crate::pricing::PriceTable;

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

/// `tokencost.yaml`: budgets and pricing kept with a repository. Flags override it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileConfig {
    budget: Option<Amount>,
    session_budget: Option<Amount>,
    #[serde(default)]
    model_budgets: BTreeMap<String, Amount>,
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
    let mut model_limits: BTreeMap<String, String> = file
        .model_budgets
        .iter()
        .map(|(k, Amount(v))| (k.clone(), v.clone()))
        .collect();
    for m in flags.models {
        let Some((name, v)) = m.rsplit_once('=') else {
            bail!("--model-budget `{m}` must be MODEL=USD");
        };
        v.trim()
            .parse::<f64>()
            .with_context(|| format!("--model-budget `{m}`: `{v}` is not a number"))?;
        model_limits.insert(name.trim().to_string(), v.trim().to_string());
    }
    let mut models = Vec::new();
    for (name, v) in model_limits {
        let idx = match table.resolve(&name) {
            Resolution::Found(i) => i,
            Resolution::Ambiguous(c) => {
                bail!("model budget for `{name}`: ambiguous model, one of {}", c.join(", "))
            }
            Resolution::Unknown | Resolution::NotListed(_) => {
                bail!("model budget for `{name}`: no such model in the price tables")
            }
        };
        models.push((name.clone(), idx, usd(&format!("the budget for `{name}`"), &v)?));
    }
    Ok(Budgets {
        total: pick(flags.total, "budget", &file.budget)?,
        session: pick(flags.session, "session_budget", &file.session_budget)?,
        models,
        monthly: pick(flags.monthly, "monthly_budget", &file.monthly_budget)?,
    })
}
