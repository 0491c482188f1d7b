//! Loads the bundled price files and any user overrides into one validated `PriceTable`.
//!
//! Every file is checked whole and every problem is kept with its file and line, so a user editing a table sees
//! all of its mistakes at once. Layering: a later file's model replaces the earlier model with the same provider
//! and id; a later estimate replaces the one with the same id; a later provider block overrides the fields it sets.
//!
//! The entry points and the state shared while reading live here. Each kind of entry has its own reader (`providers`,
//! `models`, `rows`; estimates, profiles and plans in `pricing::estimates` and `pricing::plans`), and the checks
//! that need every layer wait in `checks` until all files are in.

mod checks;
mod file;
mod huge;
mod inherit;
mod models;
#[cfg(test)]
mod problem_lines;
mod providers;
mod rows;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::lines::{Span, YamlLines};
use super::schema::PriceDef;
use super::{Model, PriceRow, PriceTable, Provider};

/// The price files compiled into the binary: name, YAML, and the JSON that `build.rs` makes of the YAML.
macro_rules! bundled {
    ($($stem:literal),* $(,)?) => {
        &[$((
            concat!("pricing/", $stem, ".yaml"),
            include_str!(concat!("../../../pricing/", $stem, ".yaml")),
            include_str!(concat!(env!("OUT_DIR"), "/pricing/", $stem, ".json")),
        )),*]
    };
}

const BUNDLED: &[(&str, &str, &str)] = bundled!(
    "openai",
    "azure",
    "anthropic",
    "google",
    "vertex",
    "mistral",
    "deepseek",
    "xai",
    "together",
    "fireworks",
    "groq",
    "bedrock",
    "deepinfra",
    "article",
    "marginal",
    "profiles",
    "plans",
);

/// The bundled files by name (`pricing/openai.yaml`) and YAML text.
static BUNDLED_YAML: std::sync::LazyLock<Vec<(&str, &str)>> =
    std::sync::LazyLock::new(|| BUNDLED.iter().map(|(name, yaml, _)| (*name, *yaml)).collect());

/// One thing wrong with a pricing file, at its line (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// Loads the bundled tables, then each override (a YAML file, or a directory of them read in name order).
pub fn load(overrides: &[PathBuf]) -> Result<PriceTable, Vec<Problem>> {
    load_with(overrides, &[])
}

/// `load`, then texts made by the program itself (a self-hosted model's prices), each a layer of its own.
pub fn load_with(overrides: &[PathBuf], texts: &[(String, String)]) -> Result<PriceTable, Vec<Problem>> {
    let mut l = Loader::default();
    for (name, yaml, json) in BUNDLED {
        l.add_bundled(name, yaml, json);
    }
    l.table.layers.push("bundled".into());
    // Only a later layer can make a bundled name ambiguous; without one there is nothing to compare.
    if !overrides.is_empty() || !texts.is_empty() {
        l.remember_base();
    }
    for path in overrides {
        l.layer += 1;
        for file in l.expand(path) {
            let name = file.display().to_string();
            match std::fs::read(&file) {
                Ok(bytes) => match utf8(&bytes) {
                    Ok(text) => l.add_file(&name, text),
                    Err((line, msg)) => l.problem(&name, line, msg),
                },
                Err(e) => l.problem(&name, 0, format!("cannot read: {e}")),
            }
        }
        l.table.layers.push(path.display().to_string());
    }
    for (name, text) in texts {
        l.add_file(name, text);
        l.table.layers.push(name.clone());
    }
    l.finish()
}

/// A price file's text, or the line and words of why it is not UTF-8 (YAML files are UTF-8; a file saved as
/// UTF-16 or in a legacy code page is named as such, not reported as a YAML syntax error).
fn utf8(bytes: &[u8]) -> Result<&str, (usize, String)> {
    let e = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(e) => e,
    };
    let at = e.valid_up_to();
    let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let utf16 = bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]);
    let why = if utf16 {
        "the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8".to_string()
    } else {
        format!(
            "the file is not UTF-8: invalid byte 0x{:02x} at byte offset {at}",
            bytes[at]
        )
    };
    Err((line, why))
}

/// Validates one YAML text on its own, without the bundled tables (estimate references must resolve within it).
pub fn load_text(name: &str, text: &str) -> Result<PriceTable, Vec<Problem>> {
    load_texts(&[(name, text)])
}

/// Validates a whole set of files as one layer, without the bundled tables: a directory about to be written.
pub fn load_texts<N: AsRef<str>, T: AsRef<str>>(files: &[(N, T)]) -> Result<PriceTable, Vec<Problem>> {
    let mut l = Loader::default();
    for (name, text) in files {
        l.add_file(name.as_ref(), text.as_ref());
    }
    l.finish()
}

/// The price files compiled into the binary, by name (`pricing/openai.yaml`) and text.
pub fn bundled_files() -> &'static [(&'static str, &'static str)] {
    &BUNDLED_YAML
}

/// A price row as the loader reads it, every unlisted rate given its default: what a row stands for, so that two
/// rows written differently can be compared.
pub(crate) fn effective_row(def: &PriceDef, provider: &Provider) -> Result<PriceRow, Vec<Problem>> {
    let mut l = Loader::default();
    let cx = FileCx {
        name: "row",
        y: YamlLines::new(""),
    };
    l.row(&cx, def, (0, 0), provider).ok_or(l.problems)
}

#[derive(Clone)]
pub(super) struct Origin {
    file: String,
    line: usize,
    /// The line of the model's `aliases`, else of the model.
    names_line: usize,
    /// 0 for the bundled tables (or the one set `load_texts` reads), then 1, 2... for each override path.
    layer: usize,
}

#[derive(Default)]
pub(super) struct Loader {
    pub(super) table: PriceTable,
    /// Models in the order read; a model replaced by a later layer's leaves `None`.
    models: Vec<Option<(Model, Origin)>>,
    /// (provider, id) -> the model's place in `models`.
    model_at: std::collections::HashMap<(String, String), usize>,
    /// The layer being read: 0 for the bundled tables, then one per override path.
    layer: usize,
    /// Each name of the bundled tables (lowercase id or alias) and the `provider/id` of the entries with it: a
    /// name they already share stays as it was when a user's layer replaces one of them.
    base_names: std::collections::HashMap<String, Vec<String>>,
    /// Every model's `marginal` reference, checked once all layers are in: (file, line, model, estimate id).
    marginal_refs: Vec<(String, usize, String, String)>,
    /// Estimate ids in the order first read, with the layer that read them last: how their name patterns are tried.
    estimate_order: Vec<(usize, String)>,
    pub(super) problems: Vec<Problem>,
}

pub(super) fn to_decimal(v: f64) -> Option<Decimal> {
    Decimal::from_str(&v.to_string()).ok()
}

/// Per-file context for validation: the file's name and its line index.
pub(super) struct FileCx<'a> {
    pub(super) name: &'a str,
    pub(super) y: YamlLines<'a>,
}

impl FileCx<'_> {
    /// 1-based line of `key` inside `span`, else of the span's first line.
    pub(super) fn line(&self, span: Span, key: &str) -> usize {
        self.y.key_line(span, key).unwrap_or(span.0) + 1
    }

    fn items(&self, span: Span, key: &str, n: usize) -> Vec<Span> {
        // No items, no lines to look for: most files have no profiles, plans or estimates.
        if n == 0 {
            return Vec::new();
        }
        let mut items = self.y.seq_items(span, key);
        if items.len() < n {
            let fallback = self.y.key_line(span, key).map_or(span, |k| (k, k + 1));
            items.resize(n, fallback);
        }
        items
    }
}

impl Loader {
    pub(super) fn problem(&mut self, file: &str, line: usize, message: String) {
        self.problems.push(Problem {
            file: file.to_string(),
            line: line.max(1),
            message,
        });
    }

    fn remember_base(&mut self) {
        for (m, _) in self.models.iter().flatten() {
            for n in std::iter::once(&m.id).chain(&m.aliases) {
                self.base_names.entry(n.to_lowercase()).or_default().push(m.full_id());
            }
        }
    }

    fn expand(&mut self, path: &Path) -> Vec<PathBuf> {
        if !path.is_dir() {
            return vec![path.to_path_buf()];
        }
        let entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                self.problem(&path.display().to_string(), 0, format!("cannot read: {e}"));
                return Vec::new();
            }
        };
        let (mut dirs, mut files): (Vec<PathBuf>, Vec<PathBuf>) = entries
            .into_iter()
            .filter(|p| !p.file_name().is_some_and(|n| n.as_encoded_bytes().starts_with(b".")))
            .filter(|p| p.is_dir() || p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .partition(|p| p.is_dir());
        // A layer is the files directly in its directory. A sub-directory is not read, and not passed over in
        // silence either: prices the user meant to apply would be missing from the bill. Hidden ones (`.git`)
        // are no one's price layer.
        dirs.sort();
        for d in dirs {
            let msg = format!(
                "`{}` is a sub-directory: a price layer is the .yaml files directly in {}; move its files up, or \
                 name it with a --pricing of its own",
                d.file_name().unwrap_or_default().to_string_lossy(),
                path.display()
            );
            self.problem(&d.display().to_string(), 0, msg);
        }
        files.sort();
        if files.is_empty() {
            self.problem(
                &path.display().to_string(),
                0,
                "no .yaml files in this directory".into(),
            );
        }
        files
    }

    pub(super) fn date(&mut self, file: &str, line: usize, v: Option<&str>) -> Option<NaiveDate> {
        match v.map(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d")) {
            Some(Ok(d)) => Some(d),
            Some(Err(_)) => {
                self.problem(
                    file,
                    line,
                    format!("`as_of` must be a date YYYY-MM-DD, got `{}`", v.unwrap_or("")),
                );
                None
            }
            None => {
                self.problem(file, line, "missing `as_of` date (YYYY-MM-DD)".into());
                None
            }
        }
    }
}

/// The problems the bundled tables plus one user file produce, as printed.
#[cfg(test)]
fn problems_of(text: &str) -> Vec<String> {
    let mut l = Loader::default();
    for (name, yaml, json) in BUNDLED {
        l.add_bundled(name, yaml, json);
    }
    l.add_file("user.yaml", text);
    match l.finish() {
        Ok(_) => Vec::new(),
        Err(p) => p.iter().map(|p| p.to_string()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_tables_are_valid() {
        let t = load(&[]).expect("bundled tables validate");
        assert!(t.models.len() > 40);
        assert!(t.marginal.contains_key("gpt-4o"));
    }

    /// The JSON that start-up reads says what the YAML says: every file is read from it (none falls back to its
    /// YAML), and the table built from the YAML alone is the same.
    #[test]
    fn the_bundled_json_is_the_yaml() {
        for (name, _, json) in BUNDLED {
            let data = serde_json::from_str::<Option<crate::pricing::schema::FileData>>(json);
            assert!(matches!(data, Ok(Some(_))), "{name}: {data:?}");
        }
        let from_json = load(&[]).unwrap();
        let from_yaml = load_texts(bundled_files()).unwrap();
        let show = |t: &PriceTable| format!("{:?} {:?} {:?}", t.models, t.providers, t.marginal);
        assert_eq!(show(&from_json), show(&from_yaml));
    }
}
