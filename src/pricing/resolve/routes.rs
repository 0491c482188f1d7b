//! Provider prefixes a model name may carry (`azure/gpt-4o`, `together_ai/...`, `x-ai/grok-4`), and the provider
//! each stands for: the table's own provider ids, LiteLLM's routing prefixes (the same words as its
//! `custom_llm_provider` values) and OpenRouter's vendor names.

use crate::pricing::PriceTable;

/// What a prefix says about where a call was served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A cloud or host: the call was billed there, so the name is priced there or not at all.
    Host,
    /// A model's maker: hosts also serve some makers' models under the maker's name, so a name the maker does not
    /// list is looked for among the platforms.
    Maker,
}

use Kind::{Host, Maker};

/// LiteLLM's provider words, with the provider id each stands for.
const LITELLM: &[(&str, &str, Kind)] = &[
    ("openai", "openai", Maker),
    ("text-completion-openai", "openai", Maker),
    ("azure", "azure", Host),
    ("azure_ai", "azure", Host),
    ("azure_text", "azure", Host),
    ("anthropic", "anthropic", Maker),
    ("gemini", "google", Maker),
    ("vertex_ai", "vertex", Host),
    ("vertex_ai_beta", "vertex", Host),
    ("bedrock", "bedrock", Host),
    ("bedrock_converse", "bedrock", Host),
    ("xai", "xai", Maker),
    ("mistral", "mistral", Maker),
    ("deepseek", "deepseek", Maker),
    ("together_ai", "together", Host),
    ("fireworks_ai", "fireworks", Host),
    ("groq", "groq", Host),
    ("deepinfra", "deepinfra", Host),
];

/// OpenRouter's vendor names that differ from a provider id. Vendors without a table of their own (`meta-llama`,
/// `qwen`, `moonshotai`) need no entry: an unknown prefix is taken for a maker's name.
const OPENROUTER: &[(&str, &str, Kind)] = &[
    ("google", "google", Maker),
    ("x-ai", "xai", Maker),
    ("mistralai", "mistral", Maker),
];

/// The provider id a LiteLLM `custom_llm_provider` value stands for (`together_ai` -> `together`), for readers of
/// LiteLLM's logs; `None` for a value with no counterpart here.
pub fn litellm_provider(value: &str) -> Option<&'static str> {
    LITELLM
        .iter()
        .find(|(word, _, _)| word.eq_ignore_ascii_case(value.trim()))
        .map(|&(_, id, _)| id)
}

/// The provider a name's prefix stands for.
#[derive(Debug, Clone, Copy)]
pub(super) struct Route<'a> {
    pub(super) provider: &'a str,
    /// The prefix names where the call was billed (a cloud or host), not who made the model.
    pub(super) host: bool,
}

impl PriceTable {
    /// Every prefix that routes a name to a provider, with that provider: the table's provider ids, then the
    /// LiteLLM and OpenRouter words for providers the table has, as `route` reads them. `tokencost sql` writes
    /// them into a table, since SQL cannot call `route`.
    pub fn routes(&self) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = self.providers.keys().map(|p| (p.clone(), p.clone())).collect();
        for (w, _, _) in LITELLM.iter().chain(OPENROUTER) {
            if let Some(r) = self.route(w)
                && self.providers.contains_key(r.provider)
                && !all.iter().any(|(x, _)| x == w)
            {
                all.push((w.to_string(), r.provider.to_string()));
            }
        }
        all
    }

    /// The provider `prefix` (lowercase) names: a provider of the table by its id, or a LiteLLM or OpenRouter word.
    /// A table provider is a host when it has `platform`.
    pub(super) fn route<'a>(&'a self, prefix: &'a str) -> Option<Route<'a>> {
        let word = LITELLM.iter().chain(OPENROUTER).find(|(w, _, _)| *w == prefix);
        let provider = match self.providers.get_key_value(prefix) {
            Some((id, _)) => id.as_str(),
            None => word?.1,
        };
        let host = word.is_some_and(|w| w.2 == Host) || self.is_platform(provider);
        Some(Route { provider, host })
    }
}

#[cfg(test)]
mod tests {
    use super::litellm_provider;

    #[test]
    fn litellm_words_name_providers() {
        let cases = [
            ("openai", Some("openai")),
            ("azure", Some("azure")),
            ("anthropic", Some("anthropic")),
            ("gemini", Some("google")),
            ("vertex_ai", Some("vertex")),
            ("bedrock", Some("bedrock")),
            ("xai", Some("xai")),
            ("together_ai", Some("together")),
            ("fireworks_ai", Some("fireworks")),
            ("groq", Some("groq")),
            ("deepinfra", Some("deepinfra")),
            ("mistral", Some("mistral")),
            ("deepseek", Some("deepseek")),
            ("Together_AI", Some("together")),
            ("openrouter", None),
            ("", None),
        ];
        for (word, want) in cases {
            assert_eq!(litellm_provider(word), want, "{word}");
        }
    }
}
