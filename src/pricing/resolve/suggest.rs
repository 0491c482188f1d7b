//! "Did you mean": the table's names closest to one it does not know, for a model or provider typed on the command
//! line. Closeness is the edit distance between lower-cased names (insertions, deletions, substitutions).

use super::super::PriceTable;

/// Edits that turn `a` into `b`, by the classic two-row dynamic programme.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let swap = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = swap.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Up to `n` of `candidates` within a few edits of `name` (more for longer names), closest first, then by name.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>, n: usize) -> Vec<String> {
    let name = name.to_lowercase();
    // A fifth of the name's length, at least 2: a typo or two, not a different model.
    let limit = (name.chars().count() / 5).max(2);
    let mut near: Vec<(usize, String)> = candidates
        .map(str::to_lowercase)
        .filter_map(|c| {
            let d = distance(&name, &c);
            (d <= limit).then_some((d, c))
        })
        .collect();
    near.sort();
    near.dedup_by(|a, b| a.1 == b.1);
    near.into_iter().take(n).map(|(_, c)| c).collect()
}

impl PriceTable {
    /// The model names (ids and aliases, bare and as `provider/id`) closest to `name`: a name typed with a provider
    /// is compared with qualified names, a bare one with bare names.
    pub fn suggest_models(&self, name: &str) -> Vec<String> {
        let names = || {
            self.models
                .iter()
                .flat_map(|m| std::iter::once(&m.id).chain(&m.aliases).map(move |n| (m, n)))
        };
        if name.contains('/') {
            let qualified: Vec<String> = names().map(|(m, n)| format!("{}/{n}", m.provider)).collect();
            closest(name, qualified.iter().map(String::as_str), 3)
        } else {
            closest(name, names().map(|(_, n)| n.as_str()), 3)
        }
    }

    /// The provider ids closest to `name`.
    pub fn suggest_providers(&self, name: &str) -> Vec<String> {
        closest(name, self.providers.keys().map(String::as_str), 3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("gpt-4o", "gpt-4o"), 0);
    }

    #[test]
    fn typos_find_their_model_and_strangers_nothing() {
        let names = ["claude-sonnet-4-5", "claude-opus-4-5", "gpt-4o", "gemini-3-pro-preview"];
        assert_eq!(closest("claude-sonet-4-5", names.into_iter(), 3), ["claude-sonnet-4-5"]);
        assert_eq!(closest("GPT-4O", names.into_iter(), 3), ["gpt-4o"]);
        assert!(closest("llama-3", names.into_iter(), 3).is_empty());
    }
}
