//! The lookup index of a price table, built once when the table is loaded: exact names (ids and aliases) in one
//! hash map, patterns grouped by provider with the first-party providers' first, and the `$0` entries apart.
//!
//! `lookup` answers one name within one scope (the first-party providers, the platforms, or one provider). It
//! allocates nothing unless the answer is ambiguous, since the uncached path runs once per distinct logged name.

use rustc_hash::FxHashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::call::Resolution;
use crate::pricing::{Model, PriceTable};

/// Where a name is looked for.
#[derive(Debug, Clone, Copy)]
pub(super) enum Scope<'a> {
    /// Providers without `platform`: the makers selling their own models.
    FirstParty,
    /// Clouds and hosts serving other vendors' models.
    Platforms,
    /// One provider, by id.
    Provider(&'a str),
}

#[derive(Debug)]
struct Pattern {
    glob: String,
    /// Characters other than `*`: the more, the more specific (the best match wins).
    literal: usize,
    model: usize,
}

#[derive(Debug, Default)]
pub(in crate::pricing) struct Index {
    /// Every id and alias, lowercase, with the entries that carry it.
    names: FxHashMap<String, Vec<usize>>,
    /// Lowercase patterns: the first-party providers' (`..first_party`), then the platforms', each provider's
    /// patterns together (`by_provider`).
    patterns: Vec<Pattern>,
    first_party: usize,
    by_provider: FxHashMap<String, Range<usize>>,
    /// Whether each model's provider is a platform, by model index.
    platform: Vec<bool>,
    /// `$0` entries by lowercase `provider/id`: the only name they answer to.
    free: FxHashMap<String, usize>,
    /// Changes whenever the index is rebuilt: what a thread's cache of resolved names is valid for.
    pub(super) generation: u64,
}

/// `*` matches any run of characters, everything else itself.
pub(crate) fn glob_match(pattern: &str, name: &str) -> bool {
    let Some((first, tail)) = pattern.split_once('*') else {
        return pattern == name;
    };
    let (middle, last) = tail.rsplit_once('*').unwrap_or(("", tail));
    if name.len() < first.len() + last.len() || !name.starts_with(first) || !name.ends_with(last) {
        return false;
    }
    // Both ends matched on whole characters and do not overlap, so these are character boundaries.
    let mut rest = &name[first.len()..name.len() - last.len()];
    for part in middle.split('*').filter(|p| !p.is_empty()) {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// A subscription or free-tier entry: its newest row charges nothing for input or output. Such an entry never
/// prices a call by a name that might have meant a paid one.
fn is_free(m: &Model) -> bool {
    m.prices
        .last()
        .is_some_and(|r| r.rates().input.is_zero() && r.rates().output.is_zero())
}

impl PriceTable {
    /// Rebuilds the lookup index after the model list changed.
    pub(crate) fn index(&mut self) {
        static GENERATIONS: AtomicU64 = AtomicU64::new(1);
        let mut ix = Index {
            generation: GENERATIONS.fetch_add(1, Ordering::Relaxed),
            ..Index::default()
        };
        let mut patterns: Vec<(bool, &str, Pattern)> = Vec::new();
        for (i, m) in self.models.iter().enumerate() {
            let provider = self.providers.get(&m.provider);
            let platform = provider.is_some_and(|p| p.platform);
            ix.platform.push(platform);
            if provider.is_some_and(|p| p.illustrative) {
                continue;
            }
            if is_free(m) {
                ix.free.insert(m.full_id().to_lowercase(), i);
                continue;
            }
            for n in std::iter::once(&m.id).chain(&m.aliases) {
                ix.names.entry(n.to_lowercase()).or_default().push(i);
            }
            for p in &m.patterns {
                let glob = p.to_lowercase();
                let literal = glob.chars().filter(|&c| c != '*').count();
                patterns.push((
                    platform,
                    &m.provider,
                    Pattern {
                        glob,
                        literal,
                        model: i,
                    },
                ));
            }
        }
        // Stable: each provider's patterns keep the table's order.
        patterns.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        ix.first_party = patterns.iter().take_while(|p| !p.0).count();
        let mut start = 0;
        for n in 1..=patterns.len() {
            if n == patterns.len() || patterns[n].1 != patterns[start].1 {
                ix.by_provider.insert(patterns[start].1.to_string(), start..n);
                start = n;
            }
        }
        ix.patterns = patterns.into_iter().map(|p| p.2).collect();
        self.index = ix;
    }

    /// The `$0` entry written exactly as `provider/id` (lowercase), if there is one.
    pub(super) fn free_entry(&self, lname: &str) -> Option<usize> {
        self.index.free.get(lname).copied()
    }

    pub(in crate::pricing) fn is_platform(&self, provider: &str) -> bool {
        self.providers.get(provider).is_some_and(|p| p.platform)
    }

    /// `lname` (lowercase) within `scope`: an exact id or alias first, then the pattern with the most literal
    /// characters. `None` when nothing there matches.
    pub(super) fn lookup(&self, lname: &str, scope: Scope) -> Option<Resolution> {
        let ix = &self.index;
        let within = |i: &&usize| match scope {
            Scope::FirstParty => !ix.platform[**i],
            Scope::Platforms => ix.platform[**i],
            Scope::Provider(p) => self.models[**i].provider == p,
        };
        if let Some(r) = ix
            .names
            .get(lname)
            .and_then(|hits| self.pick(hits.iter().filter(within)))
        {
            return Some(r);
        }
        let range = match scope {
            Scope::FirstParty => 0..ix.first_party,
            Scope::Platforms => ix.first_party..ix.patterns.len(),
            Scope::Provider(p) => ix.by_provider.get(p).cloned().unwrap_or(0..0),
        };
        let mut best: Option<&Pattern> = None;
        let mut tied: Vec<usize> = Vec::new();
        for p in &ix.patterns[range] {
            if !glob_match(&p.glob, lname) {
                continue;
            }
            match best {
                Some(b) if p.literal < b.literal => {}
                Some(b) if p.literal == b.literal => {
                    if b.model != p.model && !tied.contains(&p.model) {
                        tied.push(p.model);
                    }
                }
                _ => {
                    best = Some(p);
                    tied.clear();
                }
            }
        }
        let best = best?;
        self.pick(std::iter::once(&best.model).chain(&tied))
    }

    /// One entry found, or the sorted `provider/id` of several.
    fn pick<'a>(&self, mut hits: impl Iterator<Item = &'a usize>) -> Option<Resolution> {
        let first = *hits.next()?;
        let mut all: Vec<usize> = hits.copied().filter(|&i| i != first).collect();
        if all.is_empty() {
            return Some(Resolution::Found(first));
        }
        all.push(first);
        all.sort_unstable();
        all.dedup();
        let mut names: Vec<String> = all.iter().map(|&i| self.models[i].full_id()).collect();
        names.sort();
        Some(Resolution::Ambiguous(names))
    }
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn glob() {
        assert!(glob_match("gpt-4o-mini-20*", "gpt-4o-mini-2024-07-18"));
        assert!(!glob_match("gpt-4o-mini-20*", "gpt-4o-mini"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b*c", "axxcyyb"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("ab*ba", "aba"));
        assert!(glob_match("a**b", "ab"));
        assert!(glob_match("*mid*", "a-mid-b"));
        assert!(!glob_match("*mid*", "a-mi-d"));
        assert!(glob_match("é*é", "éé"));
        assert!(!glob_match("exact", "exact-not"));
    }
}
