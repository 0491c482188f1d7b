//! `pricing import litellm` and `pricing update`, validated: which file or URL, the date the rows take, the label
//! of their source, the layers to merge onto and where the files go.

use anyhow::{Context, Result, bail};
use chrono::{DateTime, NaiveDate, Utc};
use std::path::PathBuf;

use super::data_dir::{has_prices, prices_dir};
use super::date;
use crate::cli::{ImportLitellmArgs, UpdateArgs};
use crate::pricing::import::Source;
use crate::pricing::import::fetch::{DEFAULT_URL, is_url};

/// The oldest date a LiteLLM table can have: an older modification time is an archive's placeholder (a wheel's
/// files say 1980-01-01), not when the prices were read.
const OLDEST: NaiveDate = NaiveDate::from_ymd_opt(2023, 1, 1).expect("a valid date");

pub struct ImportConfig {
    pub input: PathBuf,
    pub as_of: NaiveDate,
    pub label: String,
    pub providers: Vec<String>,
    pub onto: Vec<Source>,
    pub out: PathBuf,
}

fn file_name(p: &std::path::Path) -> String {
    p.file_name()
        .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned())
}

impl ImportConfig {
    pub fn new(args: ImportLitellmArgs) -> Result<ImportConfig> {
        let as_of = match &args.as_of {
            Some(s) => date("--as-of", s)?,
            None => {
                let modified = std::fs::metadata(&args.file)
                    .and_then(|m| m.modified())
                    .with_context(|| format!("cannot read {}", args.file.display()))?;
                let day = DateTime::<Utc>::from(modified).date_naive();
                if day < OLDEST {
                    bail!(
                        "{} was last modified on {day}, which cannot be when its prices were read; give the date \
                         with --as-of",
                        args.file.display()
                    );
                }
                day
            }
        };
        let onto = args
            .onto
            .iter()
            .map(|o| match o.as_str() {
                "bundled" => Ok(Source::Bundled),
                dir => {
                    let p = PathBuf::from(dir);
                    if !p.is_dir() {
                        bail!("--onto {dir}: not a directory (or `bundled` for the built-in tables)");
                    }
                    Ok(Source::Dir(p))
                }
            })
            .collect::<Result<Vec<_>>>()?;
        if let Some(l) = &args.label
            && l.trim().is_empty()
        {
            bail!("--label must not be empty");
        }
        for p in &args.providers {
            if p.is_empty() || p.contains('/') {
                bail!("--provider `{p}`: a LiteLLM provider name has no `/`");
            }
        }
        Ok(ImportConfig {
            label: args
                .label
                .unwrap_or_else(|| format!("LiteLLM price table {}", file_name(&args.file))),
            input: args.file,
            as_of,
            providers: args.providers,
            onto,
            out: args.output,
        })
    }
}

/// Where `pricing update` reads from and writes to.
pub struct UpdateConfig {
    /// A URL, or a file path.
    pub from: String,
    pub dir: PathBuf,
    pub as_of: NaiveDate,
    pub label: String,
}

impl UpdateConfig {
    pub fn new(args: UpdateArgs) -> Result<UpdateConfig> {
        let Some(dir) = prices_dir() else {
            bail!("no place for the price layer: set HOME or XDG_DATA_HOME (LOCALAPPDATA on Windows)");
        };
        let from = args.from.unwrap_or_else(|| DEFAULT_URL.to_string());
        let as_of = Utc::now().date_naive();
        let what = if is_url(&from) {
            from.clone()
        } else {
            file_name(std::path::Path::new(&from))
        };
        Ok(UpdateConfig {
            label: format!("LiteLLM price table {what}, read {as_of}"),
            from,
            dir,
            as_of,
        })
    }
}

/// The user's price layer, if it holds any file: read after the bundled tables.
pub fn user_layer() -> Option<PathBuf> {
    prices_dir().filter(|d| has_prices(d))
}
