//! One YAML file of the table: its top-level keys are handed to the loader of each kind of entry, and a value
//! serde rejects becomes a problem at the line where serde stopped, or failing that the field it named.

use serde::de::DeserializeOwned;

use super::{FileCx, Loader, huge};
use crate::pricing::lines::{Span, YamlLines};
use crate::pricing::schema::{FileData, MarginalDef, ModelDef, PlanDef, ProfileDef, ProviderDef, RangeDef};

/// The first `name` quoted in backticks in a serde message, e.g. the field of "unknown field `inptu`".
fn quoted_field(msg: &str) -> Option<&str> {
    let start = msg.find('`')? + 1;
    let len = msg[start..].find('`')?;
    Some(&msg[start..start + len])
}

/// Where an item is written, for the line of a problem serde finds in it.
#[derive(Clone, Copy)]
enum At {
    /// A list item's lines.
    Item(Span),
    /// The line of a top-level key, its value on that line or in the block under it.
    Key(usize),
}

impl Loader {
    /// Deserialises one item; on failure records the problem at the most precise line available.
    fn item<T: DeserializeOwned>(&mut self, cx: &FileCx, v: serde_yaml::Value, at: At) -> Option<T> {
        let err = match serde_yaml::from_value::<T>(v) {
            Ok(t) => return Some(t),
            Err(e) => e.to_string(),
        };
        // Re-parse the item's own text to learn the line serde stopped at.
        let ((text, first), span) = match at {
            At::Item(span) => ((cx.y.item_text(span), span.0), span),
            At::Key(k) => (cx.y.value_text(k), cx.y.block(k, cx.y.all().1)),
        };
        let line = match serde_yaml::from_str::<T>(&text) {
            Err(e) if e.location().is_some() => first + e.location().map_or(1, |l| l.line()),
            _ => quoted_field(&err).map_or(span.0 + 1, |f| cx.line(span, f)),
        };
        self.problem(cx.name, line, err);
        None
    }

    pub(super) fn add_file(&mut self, name: &str, text: &str) {
        // Editors on Windows may start a UTF-8 file with a byte-order mark, which YAML allows and serde_yaml
        // would take for a second document.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let cx = FileCx {
            name,
            y: YamlLines::new(text),
        };
        // A file without a problem, as most are, is read in one typed pass: building a YAML value of every node
        // first costs a large table (100,000 models) three times the time. Any problem sends the file down the
        // part-by-part path, which finds every problem and its line.
        if let Ok(Some(data)) = serde_yaml::from_str::<Option<FileData>>(text)
            && (data.provider.is_some() || cx.y.key_line(cx.y.all(), "provider").is_none())
        {
            return self.add_data(&cx, data);
        }
        let value = match huge::parse(text) {
            Ok(v) => v,
            Err(e) => {
                let line = e.location().map_or(1, |l| l.line());
                let msg = huge::message(&e.to_string()).unwrap_or_else(|| format!("invalid YAML: {e}"));
                return self.problem(name, line, msg);
            }
        };
        let map = match value {
            serde_yaml::Value::Mapping(m) => m,
            serde_yaml::Value::Null => return self.problem(name, 1, "the file is empty".into()),
            _ => {
                return self.problem(
                    name,
                    1,
                    "expected a mapping with `provider`, `models` or `marginal`".into(),
                );
            }
        };
        let all = cx.y.all();
        let (mut provider_def, mut models, mut marginal) = (None, Vec::new(), Vec::new());
        let mut provider_written = false;
        for (k, v) in map {
            let key = k.as_str().unwrap_or("").to_string();
            let k = cx.y.key_line(all, &key).unwrap_or(0);
            let at = At::Key(k);
            match key.as_str() {
                "provider" => {
                    provider_written = true;
                    provider_def = self.item::<ProviderDef>(&cx, v, at);
                }
                "cache_read_factor" => {
                    if let Some(f) = self.item::<RangeDef>(&cx, v, at) {
                        let line = cx.line(all, "cache_read_factor");
                        self.table.cache_read_factor = self.range(name, line, "cache_read_factor", f, true);
                    }
                }
                "models" => models = self.seq::<ModelDef>(&cx, v, "models"),
                "marginal" => marginal = self.seq::<MarginalDef>(&cx, v, "marginal"),
                "profiles" => {
                    for (def, span) in self.seq::<ProfileDef>(&cx, v, "profiles") {
                        if let Some(p) = self.profile(&cx, &def, span) {
                            self.table.profiles.insert(p.id.clone(), p);
                        }
                    }
                }
                "plans" => {
                    for (def, span) in self.seq::<PlanDef>(&cx, v, "plans") {
                        if let Some(p) = self.plan(&cx, &def, span) {
                            self.table.plans.insert(p.id.clone(), p);
                        }
                    }
                }
                _ => self.problem(
                    name,
                    k + 1,
                    format!(
                        "unknown field `{key}`, expected one of `provider`, `models`, `cache_read_factor`, `marginal`, `profiles`, `plans`"
                    ),
                ),
            }
        }
        // A provider block with a problem of its own has been reported: its models need no second message.
        let missing = provider_def.is_none() && !provider_written;
        self.add_parts(&cx, provider_def, models, marginal, missing);
    }

    /// A bundled file from its JSON form, read whole; the YAML gives the lines. A file the JSON cannot give (not
    /// valid YAML, an unknown key, a value of the wrong type) is read from its YAML, which says where it is wrong.
    pub(super) fn add_bundled(&mut self, name: &str, yaml: &str, json: &str) {
        let Ok(Some(data)) = serde_json::from_str::<Option<FileData>>(json) else {
            return self.add_file(name, yaml);
        };
        let cx = FileCx {
            name,
            y: YamlLines::new(yaml),
        };
        self.add_data(&cx, data);
    }

    /// A file read whole into its typed form; its text gives the lines.
    fn add_data(&mut self, cx: &FileCx, data: FileData) {
        let name = cx.name;
        let all = cx.y.all();
        fn spans<T>(cx: &FileCx, key: &str, items: Vec<T>) -> Vec<(T, Span)> {
            let spans = cx.items(cx.y.all(), key, items.len());
            items.into_iter().zip(spans).collect()
        }
        if let Some(f) = data.cache_read_factor {
            let line = cx.line(all, "cache_read_factor");
            self.table.cache_read_factor = self.range(name, line, "cache_read_factor", f, true);
        }
        for (def, span) in spans(cx, "profiles", data.profiles) {
            if let Some(p) = self.profile(cx, &def, span) {
                self.table.profiles.insert(p.id.clone(), p);
            }
        }
        for (def, span) in spans(cx, "plans", data.plans) {
            if let Some(p) = self.plan(cx, &def, span) {
                self.table.plans.insert(p.id.clone(), p);
            }
        }
        let models = spans(cx, "models", data.models);
        let marginal = spans(cx, "marginal", data.marginal);
        let missing = data.provider.is_none();
        self.add_parts(cx, data.provider, models, marginal, missing);
    }

    /// The parts of a file that refer to each other: the provider its models belong to, and estimates.
    fn add_parts(
        &mut self,
        cx: &FileCx,
        provider_def: Option<ProviderDef>,
        models: Vec<(ModelDef, Span)>,
        marginal: Vec<(MarginalDef, Span)>,
        provider_missing: bool,
    ) {
        self.add_provider(cx, provider_def.as_ref(), provider_missing && !models.is_empty());
        let provider = provider_def.as_ref().map(|p| p.id.clone()).unwrap_or_default();
        self.add_models(cx, &provider, &models);
        for (def, span) in &marginal {
            if let Some(m) = self.marginal(cx, def, *span) {
                let layer = self.table.layers.len();
                self.estimate_order.retain(|(_, id)| id != &m.id);
                self.estimate_order.push((layer, m.id.clone()));
                self.table.marginal.insert(m.id.clone(), m);
            }
        }
    }

    fn seq<T: DeserializeOwned>(&mut self, cx: &FileCx, v: serde_yaml::Value, key: &str) -> Vec<(T, Span)> {
        let serde_yaml::Value::Sequence(items) = v else {
            let line = cx.line(cx.y.all(), key);
            self.problem(cx.name, line, format!("`{key}` must be a list"));
            return Vec::new();
        };
        let spans = cx.items(cx.y.all(), key, items.len());
        // Items that fail are dropped after their problem is recorded; the rest are still checked.
        items
            .into_iter()
            .zip(spans)
            .filter_map(|(item, span)| self.item(cx, item, At::Item(span)).map(|t| (t, span)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::problems_of;

    #[test]
    fn syntax_errors_point_at_their_line() {
        let p = problems_of("provider:\n  id: x\nmodels: [\n");
        assert_eq!(p.len(), 1);
        assert!(p[0].starts_with("user.yaml:4: invalid YAML"), "{p:?}");
    }
}
