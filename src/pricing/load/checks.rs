//! The checks that need every layer read first: a model's estimate may be defined in a later file, and a name
//! may clash with a model of the same provider from another file. Only then is the table sorted and indexed.

use std::collections::BTreeMap;

use super::{Loader, Origin, Problem};
use crate::pricing::PriceTable;

impl Loader {
    /// Whole-table checks that need every layer: estimate references and names that overlap within a provider.
    pub(super) fn finish(mut self) -> Result<PriceTable, Vec<Problem>> {
        let mut owners: BTreeMap<(String, String), (String, Origin)> = BTreeMap::new();
        let mut pending = Vec::new();
        for (file, line, model, key) in &self.marginal_refs {
            if !self.table.marginal.contains_key(key) {
                let msg = format!("model `{model}` names unknown marginal estimate `{key}`");
                pending.push((file.clone(), *line, msg));
            }
        }
        for (m, o) in self.models.iter().flatten() {
            let names = std::iter::once(&m.id).chain(&m.aliases).map(|n| n.to_lowercase());
            let pats = m.patterns.iter().map(|p| format!("pattern {}", p.to_lowercase()));
            for n in names.chain(pats) {
                let key = (m.provider.clone(), n.clone());
                if let Some((other, _)) = owners.get(&key) {
                    pending.push((
                        o.file.clone(),
                        o.line,
                        format!(
                            "`{n}` of model `{}` overlaps model `{other}` of provider `{}`",
                            m.id, m.provider
                        ),
                    ));
                } else {
                    owners.insert(key, (m.id.clone(), o.clone()));
                }
            }
        }
        for (f, l, msg) in pending {
            self.problem(&f, l, msg);
        }
        if !self.problems.is_empty() {
            return Err(self.problems);
        }
        let mut models: Vec<(crate::pricing::Model, Origin)> =
            std::mem::take(&mut self.models).into_iter().flatten().collect();
        models.sort_by(|a, b| (&a.0.provider, &a.0.id).cmp(&(&b.0.provider, &b.0.id)));
        let origins: Vec<Origin> = models.iter().map(|(_, o)| o.clone()).collect();
        self.table.models = models.into_iter().map(|(m, _)| m).collect();
        self.table.estimate_patterns = estimate_patterns(&self.table, &self.estimate_order);
        self.table.index();
        self.collisions(&origins);
        if !self.problems.is_empty() {
            return Err(self.problems);
        }
        Ok(self.table)
    }

    /// A name a user's layer gives a model (its id or an alias) that a model of another provider also answers to,
    /// so that a log naming it would match both and be priced by neither: the run would cost $0 and pass its
    /// budget. Such a layer is refused. A name the bundled tables already leave ambiguous (several hosts serving
    /// one open model: the log must say which billed it) is not made so by the user, and stays as it was.
    fn collisions(&mut self, origins: &[Origin]) {
        let base = std::mem::take(&mut self.base_names);
        let mut found = Vec::new();
        for (m, o) in self.table.models.iter().zip(origins) {
            if o.layer == 0 {
                continue;
            }
            for name in std::iter::once(&m.id).chain(&m.aliases) {
                let lname = name.to_lowercase();
                let Some(all) = self.table.rivals(&lname) else {
                    continue;
                };
                let me = m.full_id();
                let before = all
                    .iter()
                    .filter(|n| base.get(&lname).is_some_and(|b| b.contains(n)))
                    .count();
                if !all.contains(&me) || before > 1 {
                    continue;
                }
                let others: Vec<String> = all.iter().filter(|n| **n != me).map(|n| format!("`{n}`")).collect();
                let what = if *name == m.id { "id" } else { "alias" };
                let msg = format!(
                    "`{name}`, the {what} of model `{me}`, is also a name of {}: a log naming it would match both \
                     and be priced by neither; give the model a name of its own",
                    others.join(", ")
                );
                let line = if *name == m.id { o.line } else { o.names_line };
                found.push((o.file.clone(), line, msg));
            }
        }
        for (f, l, msg) in found {
            self.problem(&f, l, msg);
        }
    }
}

/// The estimates' name patterns in the order they are tried: a later layer's first (a user's file can claim
/// models a bundled catch-all would), each layer's in reading order. Matching waits until a model's estimate is
/// asked for: done for every model at load, it would cost more than the rest of loading.
fn estimate_patterns(table: &PriceTable, order: &[(usize, String)]) -> Vec<(String, String)> {
    let mut order: Vec<&(usize, String)> = order.iter().collect();
    order.sort_by_key(|(layer, _)| std::cmp::Reverse(*layer));
    (order.iter())
        .filter_map(|(_, id)| table.marginal.get(id))
        .flat_map(|m| m.models.iter().map(move |p| (p.clone(), m.id.clone())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{BUNDLED, Loader, load, load_texts, problems_of};
    use crate::pricing::Method;

    #[test]
    fn models_without_an_estimate_take_the_first_whose_patterns_match_a_users_first() {
        let mut l = Loader::default();
        for (name, yaml, json) in BUNDLED {
            l.add_bundled(name, yaml, json);
        }
        l.table.layers.push("bundled".into());
        let t = l.finish().unwrap();
        let est = |provider: &str, id: &str| {
            let m = t.models.iter().find(|m| m.provider == provider && m.id == id).unwrap();
            t.marginal_for(m).map(|e| (e.id.as_str(), e.method))
        };
        // A model that names its estimate keeps it; the others take the first pattern that matches.
        assert_eq!(est("openai", "gpt-4o"), Some(("gpt-4o", Method::Given)));
        assert_eq!(est("openai", "gpt-4o-mini"), Some(("proxy-gpt-4o-mini", Method::Proxy)));
        assert_eq!(est("openai", "gpt-4"), Some(("proxy-gpt-4", Method::Proxy)));
        // A speech model matches no estimate: the serving model covers text generation.
        assert_eq!(est("openai", "gpt-audio"), None);

        let mut l = Loader::default();
        for (name, yaml, json) in BUNDLED {
            l.add_bundled(name, yaml, json);
        }
        l.table.layers.push("bundled".into());
        let mine = "marginal:\n  - id: my-mini\n    models: [\"gpt-4o-mini*\"]\n    input: {low: 0.01, high: 0.02}\n    output: {low: 0.05, high: 0.1}\n    source: my own measurements\n    as_of: 2026-12-01\n";
        l.add_file("mine.yaml", mine);
        let t = l.finish().unwrap();
        let mini = t
            .models
            .iter()
            .find(|m| m.provider == "openai" && m.id == "gpt-4o-mini")
            .unwrap();
        assert_eq!(t.marginal_for(mini).map(|e| e.id.as_str()), Some("my-mini"));
    }

    #[test]
    fn an_unknown_method_and_a_proxy_without_its_model_are_problems() {
        let text = "marginal:\n  - id: x\n    method: guessed\n    input: {low: 1, high: 2}\n    output: {low: 1, high: 2}\n    source: s\n    as_of: 2026-01-01\n  - id: y\n    method: proxy\n    input: {low: 1, high: 2}\n    output: {low: 1, high: 2}\n    source: s\n    as_of: 2026-01-01\n";
        let p = problems_of(text);
        assert!(
            p.iter()
                .any(|p| p.starts_with("user.yaml:3: `method` must be given, derived or proxy, got `guessed`")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|p| p.starts_with("user.yaml:9: a proxy estimate names its `serving_model`")),
            "{p:?}"
        );
    }

    /// The bundled tables leave a bare name ambiguous only among hosts serving one open model (the log must say
    /// which host billed it), never a maker's own model: what lets the loader check only the user's layers.
    #[test]
    fn no_bundled_name_of_a_maker_matches_two_entries() {
        let t = load(&[]).unwrap();
        let mut both = Vec::new();
        for m in &t.models {
            for n in std::iter::once(&m.id).chain(&m.aliases) {
                if let Some(all) = t.rivals(&n.to_lowercase())
                    && all.iter().any(|f| !t.is_platform(f.split('/').next().unwrap_or("")))
                {
                    both.push(format!("{n}: {all:?}"));
                }
            }
        }
        assert!(both.is_empty(), "{both:#?}");
    }

    #[test]
    fn a_second_set_of_files_may_not_give_a_bundled_name_to_another_provider() {
        let layer = |id: &str, aliases: &str| {
            format!(
                "provider:\n  id: acme\nmodels:\n  - id: {id}\n    aliases: [{aliases}]\n    prices:\n      - {{as_of: 2024-01-01, input: 1, output: 2, source: s}}\n"
            )
        };
        // Within the first set, the same names are fine for `load_texts` (it is one layer: no user's override).
        assert!(load_texts(&[("a.yaml", layer("m", "x"))]).is_ok());
        let dir = tempfile::tempdir().unwrap();
        for (i, (id, aliases, want)) in [
            (
                "m",
                "GPT-4o",
                "a.yaml:5: `GPT-4o`, the alias of model `acme/m`, is also a name of `openai/gpt-4o`",
            ),
            (
                "gpt-4o-mini",
                "other",
                "a.yaml:4: `gpt-4o-mini`, the id of model `acme/gpt-4o-mini`, is also a name of `openai/gpt-4o-mini`",
            ),
        ]
        .into_iter()
        .enumerate()
        {
            let p = dir.path().join(format!("{i}"));
            std::fs::create_dir(&p).unwrap();
            std::fs::write(p.join("a.yaml"), layer(id, aliases)).unwrap();
            let problems = load(std::slice::from_ref(&p)).unwrap_err();
            assert_eq!(problems.len(), 1, "{problems:?}");
            let shown = problems[0].to_string();
            assert!(shown.ends_with("give the model a name of its own"), "{shown}");
            assert!(shown.contains(want), "{shown}");
        }
        // The same provider's model replaced by a user's, or a name no one else has, is no collision.
        let p = dir.path().join("ok.yaml");
        let own = "provider:\n  id: openai\nmodels:\n  - id: gpt-4o\n    prices:\n      - {as_of: 2024-01-01, input: 1, output: 2, source: s}\n";
        std::fs::write(&p, own).unwrap();
        assert!(load(std::slice::from_ref(&p)).is_ok());
        // A host adding a name other hosts already share changes nothing: it was ambiguous before.
        let host = "provider:\n  id: myhost\n  platform: true\nmodels:\n  - id: Qwen/Qwen3.5-9B\n    prices:\n      - {as_of: 2024-01-01, input: 1, output: 2, source: s}\n";
        std::fs::write(&p, host).unwrap();
        assert!(load(std::slice::from_ref(&p)).is_ok());
    }

    #[test]
    fn overlapping_aliases_are_rejected() {
        let text = "provider:\n  id: openai\nmodels:\n  - id: my-model\n    aliases: [gpt-4o-2024-11-20]\n    prices:\n      - {as_of: 2024-01-01, input: 1, output: 2, source: s}\n";
        let p = problems_of(text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].starts_with("user.yaml:4: `gpt-4o-2024-11-20` of model `my-model` overlaps model `gpt-4o-2024-08-06`"),
            "{p:?}"
        );
    }
}
