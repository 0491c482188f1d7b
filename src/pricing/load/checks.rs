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
        self.table.models = self.models.into_iter().flatten().map(|(m, _)| m).collect();
        self.table
            .models
            .sort_by(|a, b| (&a.provider, &a.id).cmp(&(&b.provider, &b.id)));
        self.table.index();
        Ok(self.table)
    }
}

#[cfg(test)]
mod tests {
    use super::super::problems_of;

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
