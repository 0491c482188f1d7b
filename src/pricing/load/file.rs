//! One YAML file of the table: its top-level keys are handed to the loader of each kind of entry, and a value
//! serde rejects becomes a problem at the line where serde stopped, or failing that the field it named.

use serde::de::DeserializeOwned;

use super::{FileCx, Loader};
use crate::pricing::lines::{Span, YamlLines};
use crate::pricing::schema::{FileData, MarginalDef, ModelDef, PlanDef, ProfileDef, ProviderDef, RangeDef};

/// The first `name` quoted in backticks in a serde message, e.g. the field of "unknown field `inptu`".
fn quoted_field(msg: &str) -> Option<&str> {
    let start = msg.find('`')? + 1;
    let len = msg[start..].find('`')?;
    Some(&msg[start..start + len])
}

impl Loader {
    /// Deserialises one item; on failure records the problem at the most precise line available.
    fn item<T: DeserializeOwned>(&mut self, cx: &FileCx, v: serde_yaml::Value, span: Span) -> Option<T> {
        let err = match serde_yaml::from_value::<T>(v) {
            Ok(t) => return Some(t),
            Err(e) => e.to_string(),
        };
        // Re-parse the item's own text to learn the line serde stopped at.
        let line = match serde_yaml::from_str::<T>(&cx.y.item_text(span)) {
            Err(e) if e.location().is_some() => span.0 + e.location().map_or(1, |l| l.line()),
            _ => quoted_field(&err).map_or(span.0 + 1, |f| cx.line(span, f)),
        };
        self.problem(cx.name, line, err);
        None
    }

    pub(super) fn add_file(&mut self, name: &str, text: &str) {
        let cx = FileCx {
            name,
            y: YamlLines::new(text),
        };
        let value: serde_yaml::Value = match serde_yaml::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                let line = e.location().map_or(1, |l| l.line());
                return self.problem(name, line, format!("invalid YAML: {e}"));
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
        for (k, v) in map {
            let key = k.as_str().unwrap_or("").to_string();
            let at = (cx.y.key_line(all, &key).unwrap_or(0), all.1);
            match key.as_str() {
                "provider" => provider_def = self.item::<ProviderDef>(&cx, v, at),
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
                    at.0 + 1,
                    format!(
                        "unknown field `{key}`, expected one of `provider`, `models`, `cache_read_factor`, `marginal`, `profiles`, `plans`"
                    ),
                ),
            }
        }
        self.add_parts(&cx, provider_def, models, marginal);
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
        let all = cx.y.all();
        fn spans<T>(cx: &FileCx, key: &str, items: Vec<T>) -> Vec<(T, Span)> {
            let spans = cx.items(cx.y.all(), key, items.len());
            items.into_iter().zip(spans).collect()
        }
        if let Some(f) = data.cache_read_factor {
            let line = cx.line(all, "cache_read_factor");
            self.table.cache_read_factor = self.range(name, line, "cache_read_factor", f, true);
        }
        for (def, span) in spans(&cx, "profiles", data.profiles) {
            if let Some(p) = self.profile(&cx, &def, span) {
                self.table.profiles.insert(p.id.clone(), p);
            }
        }
        for (def, span) in spans(&cx, "plans", data.plans) {
            if let Some(p) = self.plan(&cx, &def, span) {
                self.table.plans.insert(p.id.clone(), p);
            }
        }
        let models = spans(&cx, "models", data.models);
        let marginal = spans(&cx, "marginal", data.marginal);
        self.add_parts(&cx, data.provider, models, marginal);
    }

    /// The parts of a file that refer to each other: the provider its models belong to, and estimates.
    fn add_parts(
        &mut self,
        cx: &FileCx,
        provider_def: Option<ProviderDef>,
        models: Vec<(ModelDef, Span)>,
        marginal: Vec<(MarginalDef, Span)>,
    ) {
        self.add_provider(cx, provider_def.as_ref(), !models.is_empty());
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
            .filter_map(|(item, span)| self.item(cx, item, span).map(|t| (t, span)))
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
