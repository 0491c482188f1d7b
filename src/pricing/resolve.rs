//! Maps the model name a log carries (`gpt-4o-2024-08-06`, `openai/gpt-4o`, `claude-sonnet-4-5-20250929`) to a
//! table entry, by the rules the YAML states: exact id or alias first, then `provider/` qualification, then
//! `*` patterns (the pattern with the most literal characters wins). Names compare case-insensitively.

use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use super::PriceTable;
use crate::call::Resolution;

/// `*` matches any run of characters, everything else itself.
pub(crate) fn glob_match(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

fn literal_len(pattern: &str) -> usize {
    pattern.chars().filter(|&c| c != '*').count()
}

impl PriceTable {
    /// Rebuilds the lookup index after the model list changed.
    pub(crate) fn index(&mut self) {
        static GENERATIONS: AtomicU64 = AtomicU64::new(1);
        self.generation = GENERATIONS.fetch_add(1, Ordering::Relaxed);
        self.names.clear();
        self.patterns.clear();
        for (i, m) in self.models.iter().enumerate() {
            if self.providers.get(&m.provider).is_some_and(|p| p.illustrative) {
                continue;
            }
            for n in std::iter::once(&m.id).chain(&m.aliases) {
                self.names.entry(n.to_lowercase()).or_default().push(i);
            }
            for p in &m.patterns {
                self.patterns.push((p.to_lowercase(), i));
            }
        }
    }

    /// `resolve`, remembered per thread: a log names a handful of models over and over, and patterns are tried
    /// one by one.
    pub fn resolve_cached(&self, name: &str) -> Resolution {
        thread_local! {
            static RESOLVED: RefCell<(u64, FxHashMap<String, Resolution>)> = RefCell::default();
        }
        RESOLVED.with_borrow_mut(|(generation, cache)| {
            if *generation != self.generation || cache.len() >= 4096 {
                cache.clear();
                *generation = self.generation;
            }
            if let Some(r) = cache.get(name) {
                return r.clone();
            }
            let r = self.resolve(name);
            cache.insert(name.to_string(), r.clone());
            r
        })
    }

    pub fn resolve(&self, name: &str) -> Resolution {
        let lname = name.trim().to_lowercase();
        if let Some(r) = self.lookup(&lname, None) {
            return r;
        }
        if let Some((prefix, rest)) = lname.split_once('/')
            && self.providers.contains_key(prefix)
            && let Some(r) = self.lookup(rest, Some(prefix))
        {
            return r;
        }
        Resolution::Unknown
    }

    /// Exact names before patterns. A bare name goes to a first-party provider (one without `platform`) by name
    /// or pattern before any platform that also serves the model: `gpt-4o-mini-2024-07-18` is OpenAI's by its
    /// pattern even where Azure lists that exact id. A name only platforms list stays theirs.
    fn lookup(&self, lname: &str, provider: Option<&str>) -> Option<Resolution> {
        let in_provider = |i: &usize| provider.is_none_or(|p| self.models[*i].provider == p);
        let exact: Vec<usize> = self
            .names
            .get(lname)
            .map(|v| v.iter().copied().filter(in_provider).collect())
            .unwrap_or_default();
        let patterned = || {
            let mut best = 0;
            let mut hits = Vec::new();
            for (p, i) in &self.patterns {
                if in_provider(i) && glob_match(p, lname) {
                    let len = literal_len(p);
                    if len > best {
                        best = len;
                        hits.clear();
                    }
                    if len == best && !hits.contains(i) {
                        hits.push(*i);
                    }
                }
            }
            hits
        };
        if provider.is_some() {
            let hits = if exact.is_empty() { patterned() } else { exact };
            return (!hits.is_empty()).then(|| self.pick(hits));
        }
        let (first, platform): (Vec<usize>, Vec<usize>) = exact.iter().partition(|i| !self.is_platform(**i));
        if !first.is_empty() {
            return Some(self.pick(first));
        }
        let (first_p, platform_p): (Vec<usize>, Vec<usize>) =
            patterned().into_iter().partition(|i| !self.is_platform(*i));
        [first_p, platform, platform_p]
            .into_iter()
            .find(|h| !h.is_empty())
            .map(|h| self.pick(h))
    }

    fn is_platform(&self, i: usize) -> bool {
        self.providers.get(&self.models[i].provider).is_some_and(|p| p.platform)
    }

    fn pick(&self, hits: Vec<usize>) -> Resolution {
        if hits.len() == 1 {
            Resolution::Found(hits[0])
        } else {
            let mut names: Vec<String> = hits.iter().map(|&i| self.models[i].full_id()).collect();
            names.sort();
            Resolution::Ambiguous(names)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(t: &PriceTable, name: &str) -> String {
        match t.resolve(name) {
            Resolution::Found(i) => t.model(i).full_id(),
            Resolution::Unknown => "unknown".into(),
            Resolution::Ambiguous(c) => format!("ambiguous: {}", c.join(", ")),
        }
    }

    #[test]
    fn names_resolve_by_the_rules_in_the_yaml() {
        let t = crate::pricing::load(&[]).unwrap();
        let cases = [
            ("gpt-4o", "openai/gpt-4o"),
            ("GPT-4o-2024-08-06", "openai/gpt-4o-2024-08-06"),
            ("openai/gpt-4o", "openai/gpt-4o"),
            ("gpt-4o-mini-2024-07-18", "openai/gpt-4o-mini"),
            ("claude-sonnet-4-5-20250929", "anthropic/claude-sonnet-4-5"),
            ("anthropic/claude-sonnet-4-5-20250929", "anthropic/claude-sonnet-4-5"),
            ("o3-mini-2025-01-31", "openai/o3-mini"),
            ("gpt-4o-audio-preview", "unknown"),
            ("google/gpt-4o", "unknown"),
            (
                "mistralai/Mixtral-8x7B-Instruct-v0.1",
                "ambiguous: deepinfra/mistralai/Mixtral-8x7B-Instruct-v0.1, together/mixtral-8x7b-instruct",
            ),
            (
                "together/mistralai/Mixtral-8x7B-Instruct-v0.1",
                "together/mixtral-8x7b-instruct",
            ),
        ];
        for (name, want) in cases {
            assert_eq!(resolved(&t, name), want, "{name}");
        }
    }

    #[test]
    fn glob() {
        assert!(glob_match("gpt-4o-mini-20*", "gpt-4o-mini-2024-07-18"));
        assert!(!glob_match("gpt-4o-mini-20*", "gpt-4o-mini"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b*c", "axxcyyb"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("ab*ba", "aba"));
    }
}
