//! Maps the model name a log carries, and the provider it states if any, to one table entry.
//!
//! Names compare case-insensitively. Within one scope an exact id or alias wins, then the `*` pattern with the
//! most literal characters; several entries matching equally are ambiguous. The rules, in order:
//!
//! 1. A `$0` entry (its newest row charges nothing for input and output) answers only its exact `provider/id`.
//! 2. A provider the log states (`gen_ai.provider.name: aws.bedrock`), when the table has it: the name is priced
//!    within that provider, by the name forms below, or not at all (`Resolution::NotListed`).
//! 3. A form only one cloud writes (`forms.rs`: Bedrock ids and ARNs, Vertex paths and `@` dates, Fireworks paths)
//!    is priced within that cloud or not at all.
//! 4. A prefix (`routes.rs`): a provider id, a LiteLLM routing word or an OpenRouter vendor, and the rest is
//!    looked up within that provider. When it is not listed there, a host's prefix (`azure/`, `bedrock/`) gives
//!    unknown: that traffic was billed by the host. A maker's prefix (`openai/`, `meta-llama/`, any unknown one)
//!    gives the whole name as a bare name (hosts list some models under the maker's name), then the rest among
//!    the platforms (never another maker's entry).
//! 5. A bare name: among the first-party providers, and only if none lists it among the platforms (providers
//!    with `platform: true`), so `gpt-4o` is OpenAI's even where Azure lists it too.
//!
//! Within one provider, a name not listed as written is tried as Bedrock's id without its region, Vertex's without
//! its `@` date, Fireworks' with or without its path, and with dashes for OpenRouter's dotted versions.
//!
//! `index.rs` holds the lookup index, built when the table is loaded; `resolve_cached` remembers answers per
//! thread.

mod forms;
mod index;
mod routes;
mod suggest;

use rustc_hash::FxHashMap;
use std::cell::RefCell;

use super::PriceTable;
use crate::call::Resolution;
use index::Scope;

pub(super) use index::Index;
pub(crate) use index::glob_match;
pub use routes::litellm_provider;

/// How many `prefix/` levels a name is taken apart by: real names have two at most
/// (`bedrock/converse/us.anthropic...`), and a bound keeps a hostile name from costing time.
const MAX_PREFIXES: usize = 4;

/// A thread's resolved names, one map per stated provider.
#[derive(Default)]
struct Cache {
    generation: u64,
    len: usize,
    by_provider: Vec<(Option<&'static str>, FxHashMap<String, Resolution>)>,
}

impl PriceTable {
    /// `resolve_with`, remembered per thread and per (stated provider, name): a log names a handful of models over
    /// and over.
    pub fn resolve_cached(&self, provider: Option<&'static str>, name: &str) -> Resolution {
        thread_local! {
            static RESOLVED: RefCell<Cache> = RefCell::default();
        }
        RESOLVED.with_borrow_mut(|c| {
            if c.generation != self.index.generation || c.len >= 4096 {
                *c = Cache {
                    generation: self.index.generation,
                    ..Cache::default()
                };
            }
            let at = match c.by_provider.iter().position(|(p, _)| *p == provider) {
                Some(at) => at,
                None => {
                    c.by_provider.push((provider, FxHashMap::default()));
                    c.by_provider.len() - 1
                }
            };
            let map = &mut c.by_provider[at].1;
            if let Some(r) = map.get(name) {
                return r.clone();
            }
            let r = self.resolve_with(provider, name);
            map.insert(name.to_string(), r.clone());
            c.len += 1;
            r
        })
    }

    /// A name with no provider stated.
    pub fn resolve(&self, name: &str) -> Resolution {
        self.resolve_with(None, name)
    }

    /// A name, and the provider the log says served it (a provider id; ignored when the table has no such
    /// provider).
    pub fn resolve_with(&self, provider: Option<&str>, name: &str) -> Resolution {
        let lname = name.trim().to_lowercase();
        let provider = provider.filter(|p| self.providers.get(*p).is_some_and(|x| !x.illustrative));
        if let Some(i) = self.free_entry(&lname)
            && provider.is_none_or(|p| self.models[i].provider == p)
        {
            return Resolution::Found(i);
        }
        match provider {
            Some(p) => self
                .in_provider(p, &lname)
                .unwrap_or_else(|| Resolution::NotListed(p.to_string())),
            None => self.unstated(&lname).unwrap_or(Resolution::Unknown),
        }
    }

    /// The `provider/id` of every entry a bare lowercase name matches equally, when there are several: a log
    /// naming it would be priced by none of them. The loader refuses a user's layer that makes a name so.
    pub(in crate::pricing) fn rivals(&self, name: &str) -> Option<Vec<String>> {
        match self
            .lookup(name, Scope::FirstParty)
            .or_else(|| self.lookup(name, Scope::Platforms))
        {
            Some(Resolution::Ambiguous(all)) => Some(all),
            _ => None,
        }
    }

    /// A lowercase name without a stated provider.
    fn unstated(&self, name: &str) -> Option<Resolution> {
        if let Some((cloud, _)) = forms::cloud_form(name) {
            return self.in_provider(cloud, name);
        }
        if let Some((prefix, rest)) = name.split_once('/') {
            let route = self.route(prefix);
            if let Some(r) = route
                && let Some(hit) = self.in_provider(r.provider, rest)
            {
                return Some(hit);
            }
            if route.is_some_and(|r| r.host) {
                return None;
            }
            return self
                .lookup(name, Scope::FirstParty)
                .or_else(|| self.lookup(name, Scope::Platforms))
                .or_else(|| self.lookup(rest, Scope::Platforms));
        }
        self.lookup(name, Scope::FirstParty)
            .or_else(|| self.lookup(name, Scope::Platforms))
    }

    /// A lowercase name within `provider`: its cloud form must be the provider's; a prefix naming the provider is
    /// dropped, a host's naming another gives nothing, and a maker's is tried with the name whole, then without it.
    fn in_provider(&self, provider: &str, mut name: &str) -> Option<Resolution> {
        for _ in 0..MAX_PREFIXES {
            if let Some((cloud, id)) = forms::cloud_form(name) {
                return if cloud == provider {
                    self.rewritten(provider, id)
                } else {
                    None
                };
            }
            let Some((prefix, rest)) = name.split_once('/') else {
                break;
            };
            match self.route(prefix) {
                Some(r) if r.provider == provider => {}
                Some(r) if r.host => return None,
                _ => {
                    if let Some(hit) = self.rewritten(provider, name) {
                        return Some(hit);
                    }
                }
            }
            name = rest;
        }
        self.rewritten(provider, name)
    }

    /// `name` within `provider` as written, then as each of the provider's other spellings of it.
    fn rewritten(&self, provider: &str, name: &str) -> Option<Resolution> {
        let scope = Scope::Provider(provider);
        self.lookup(name, scope)
            .or_else(|| forms::rewrites(provider, name).find_map(|n| self.lookup(&n, scope)))
    }
}

#[cfg(test)]
mod tests;
