//! Which LiteLLM providers are imported, into which of the table's providers, and how a LiteLLM key becomes a model
//! id: the key without LiteLLM's routing prefix, spelled as the bundled files spell it (`azure/gpt-4o` -> `gpt-4o`,
//! `fireworks_ai/accounts/fireworks/models/x` -> `accounts/fireworks/models/x`).

use crate::pricing::schema::ProviderDef;

/// LiteLLM provider -> the table's provider id, for the providers imported by default.
const DEFAULT: &[(&str, &str)] = &[
    ("openai", "openai"),
    ("azure", "azure"),
    ("anthropic", "anthropic"),
    ("gemini", "google"),
    ("vertex_ai-language-models", "vertex"),
    ("vertex_ai-anthropic_models", "vertex"),
    // Plain `vertex_ai` entries are of every vendor; only the Gemini and Claude ones are taken (`select`).
    ("vertex_ai", "vertex"),
    ("bedrock", "bedrock"),
    ("bedrock_converse", "bedrock"),
    ("mistral", "mistral"),
    ("deepseek", "deepseek"),
    ("xai", "xai"),
    ("groq", "groq"),
    ("together_ai", "together"),
    ("fireworks_ai", "fireworks"),
    ("deepinfra", "deepinfra"),
];

/// Clouds and hosts that serve other vendors' models.
const PLATFORMS: &[&str] = &[
    "azure",
    "vertex",
    "bedrock",
    "groq",
    "together",
    "fireworks",
    "deepinfra",
];

/// The provider block of a provider new to the table.
pub fn new_provider(id: &str) -> ProviderDef {
    let (name, batch_factor, note) = match id {
        "azure" => (
            "Azure OpenAI",
            Some(0.5),
            Some(
                "Azure OpenAI Service. Ids under us/, eu/, apac/ and us-gov/ are data-zone deployments, priced apart \
                 from global ones. batch_factor 0.5: LiteLLM's explicit Azure batch rates are half the standard \
                 rates for nearly every model that lists them.",
            ),
        ),
        "vertex" => (
            "Google Vertex AI",
            Some(0.5),
            Some(
                "Gemini and Claude on Google Cloud Vertex AI; ids with @ are Vertex's model versions. batch_factor \
                 0.5: Vertex batch prediction is half the standard rates in LiteLLM's table for the models that list \
                 it. Text without reported usage is estimated at o200k_base x 1.0 for Claude too.",
            ),
        ),
        "xai" => ("xAI", None, None),
        "google" => ("Google", Some(0.5), None),
        "openai" => ("OpenAI", Some(0.5), None),
        "anthropic" => ("Anthropic", Some(0.5), None),
        "bedrock" => ("AWS Bedrock", None, None),
        "mistral" => ("Mistral AI", None, None),
        "deepseek" => ("DeepSeek", None, None),
        "groq" => ("Groq", None, None),
        "together" => ("Together AI", None, None),
        "fireworks" => ("Fireworks AI", None, None),
        "deepinfra" => ("DeepInfra", None, None),
        other => (other, None, None),
    };
    ProviderDef {
        id: id.to_string(),
        name: Some(name.to_string()),
        note: note.map(str::to_string),
        batch_factor,
        platform: is_platform(id).then_some(true),
        ..ProviderDef::default()
    }
}

pub fn is_platform(id: &str) -> bool {
    PLATFORMS.contains(&id)
}

/// The LiteLLM providers taken: the default ones plus those named with `--provider`.
pub struct Selection {
    extra: Vec<String>,
}

/// Why a LiteLLM provider's entry is not taken.
pub enum Refusal {
    /// A provider not selected.
    NotSelected,
    /// A plain `vertex_ai` entry of another vendor than Google or Anthropic.
    VertexOther,
}

impl Selection {
    pub fn new(extra: &[String]) -> Selection {
        Selection { extra: extra.to_vec() }
    }

    /// The table's provider for an entry of `litellm` with model id `id`.
    pub fn target(&self, litellm: &str, id: &str) -> Result<String, Refusal> {
        if let Some((_, t)) = DEFAULT.iter().find(|(l, _)| *l == litellm) {
            let lower = id.to_ascii_lowercase();
            if litellm == "vertex_ai" && !lower.starts_with("gemini") && !lower.starts_with("claude") {
                return Err(Refusal::VertexOther);
            }
            return Ok((*t).to_string());
        }
        if self.extra.iter().any(|e| e == litellm) {
            return Ok(litellm.to_string());
        }
        Err(Refusal::NotSelected)
    }

    /// Every provider id an import with this selection may write.
    pub fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = DEFAULT.iter().map(|(_, t)| t.to_string()).collect();
        ids.extend(
            self.extra
                .iter()
                .filter(|e| !DEFAULT.iter().any(|(l, _)| l == *e))
                .cloned(),
        );
        ids.sort();
        ids.dedup();
        ids
    }
}

/// The key without LiteLLM's routing prefix for this provider, and whether there was one.
pub fn strip_route<'a>(litellm: &str, key: &'a str) -> (&'a str, bool) {
    let routes: Vec<String> = match litellm {
        "bedrock" | "bedrock_converse" => {
            vec!["bedrock/converse/".into(), "bedrock/invoke/".into(), "bedrock/".into()]
        }
        l if l.starts_with("vertex_ai") => vec!["vertex_ai/".into()],
        l => vec![format!("{l}/")],
    };
    for r in &routes {
        if let Some(rest) = key.strip_prefix(r.as_str())
            && !rest.is_empty()
        {
            return (rest, true);
        }
    }
    (key, false)
}

/// `(region, model)` when a model id starts with a region path: an AWS region (`us-east-1/...`) or an Azure data
/// zone (`eu/...`, `global-standard/...`).
pub fn region(provider: &str, id: &str) -> Option<(String, String)> {
    let (first, rest) = id.split_once('/')?;
    let aws = || {
        let parts: Vec<&str> = first.split('-').collect();
        let n = parts.len();
        (3..=4).contains(&n)
            && parts[0].len() == 2
            && parts[0].bytes().all(|b| b.is_ascii_lowercase())
            && (n == 3 || parts[1] == "gov")
            && parts[n - 1].bytes().all(|b| b.is_ascii_digit())
            && !parts[n - 1].is_empty()
    };
    let zone = ["us", "eu", "apac", "global", "global-standard", "us-gov"].contains(&first);
    let is_region = match provider {
        "bedrock" => aws(),
        "azure" => zone,
        _ => false,
    };
    (is_region && !rest.is_empty()).then(|| (first.to_string(), rest.to_string()))
}

/// The tokenizer of a new model: OpenAI's models are counted exactly, everything else is estimated (the default,
/// written as no field).
pub fn tokenizer(provider: &str, id: &str) -> Option<&'static str> {
    let lower = id.to_ascii_lowercase();
    let mut name = lower.rsplit('/').next().unwrap_or(&lower);
    name = name.strip_prefix("ft:").unwrap_or(name);
    if let Some((_, after)) = name.rsplit_once("openai.") {
        name = after;
    }
    let o_series = name.len() > 1 && name.starts_with('o') && name.as_bytes()[1].is_ascii_digit();
    let family = name.starts_with("gpt-") || name.starts_with("chatgpt-") || o_series;
    let openai_made = family
        || provider == "openai"
        || (provider == "azure" && (name.starts_with("codex") || name.starts_with("computer-use")));
    if !openai_made {
        return None;
    }
    let cl100k = name == "gpt-4"
        || (name.starts_with("gpt-4-") && !name.starts_with("gpt-4-o"))
        || name.starts_with("gpt-3.5")
        || name.starts_with("gpt-35");
    Some(if cl100k { "cl100k_base" } else { "o200k_base" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing_prefixes_are_stripped() {
        assert_eq!(strip_route("azure", "azure/gpt-4o"), ("gpt-4o", true));
        assert_eq!(strip_route("gemini", "gemini/gemini-2.5-pro"), ("gemini-2.5-pro", true));
        assert_eq!(
            strip_route("gemini", "gemini-flash-latest"),
            ("gemini-flash-latest", false)
        );
        assert_eq!(
            strip_route("vertex_ai-anthropic_models", "vertex_ai/claude-opus-4-5@20251101"),
            ("claude-opus-4-5@20251101", true)
        );
        assert_eq!(
            strip_route("fireworks_ai", "fireworks_ai/accounts/fireworks/models/x"),
            ("accounts/fireworks/models/x", true)
        );
        assert_eq!(
            strip_route("together_ai", "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo"),
            ("meta-llama/Llama-3.3-70B-Instruct-Turbo", true)
        );
        assert_eq!(
            strip_route("bedrock", "bedrock/invoke/anthropic.claude-3-5-sonnet-20240620-v1:0"),
            ("anthropic.claude-3-5-sonnet-20240620-v1:0", true)
        );
        assert_eq!(
            strip_route("bedrock_converse", "us.anthropic.claude-opus-4-6-v1"),
            ("us.anthropic.claude-opus-4-6-v1", false)
        );
    }

    #[test]
    fn regions_are_recognised() {
        let r = |p, id| region(p, id).map(|(a, b)| format!("{a} | {b}"));
        assert_eq!(
            r("bedrock", "us-east-1/meta.llama3-8b-instruct-v1:0").unwrap(),
            "us-east-1 | meta.llama3-8b-instruct-v1:0"
        );
        assert_eq!(
            r("bedrock", "us-gov-west-1/amazon.nova-pro-v1:0").unwrap(),
            "us-gov-west-1 | amazon.nova-pro-v1:0"
        );
        assert_eq!(r("bedrock", "claude_platform/claude-opus-4-5"), None);
        assert_eq!(r("bedrock", "us.anthropic.claude-3-5-haiku-20241022-v1:0"), None);
        assert_eq!(r("azure", "eu/gpt-4o").unwrap(), "eu | gpt-4o");
        assert_eq!(
            r("azure", "global-standard/gpt-4o-mini").unwrap(),
            "global-standard | gpt-4o-mini"
        );
        assert_eq!(r("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo"), None);
    }

    #[test]
    fn openai_models_get_their_encoding() {
        assert_eq!(tokenizer("openai", "gpt-4o-2024-08-06"), Some("o200k_base"));
        assert_eq!(tokenizer("openai", "gpt-4-0613"), Some("cl100k_base"));
        assert_eq!(tokenizer("openai", "gpt-4-turbo"), Some("cl100k_base"));
        assert_eq!(tokenizer("openai", "gpt-4.1-mini"), Some("o200k_base"));
        assert_eq!(tokenizer("openai", "ft:gpt-3.5-turbo-0125"), Some("cl100k_base"));
        assert_eq!(tokenizer("openai", "o3-mini"), Some("o200k_base"));
        assert_eq!(tokenizer("openai", "computer-use-preview"), Some("o200k_base"));
        assert_eq!(tokenizer("azure", "gpt-35-turbo"), Some("cl100k_base"));
        assert_eq!(tokenizer("azure", "eu/gpt-5.1"), Some("o200k_base"));
        assert_eq!(tokenizer("azure", "mistral-large-2402"), None);
        assert_eq!(tokenizer("bedrock", "us.openai.gpt-oss-120b-1:0"), Some("o200k_base"));
        assert_eq!(tokenizer("groq", "openai/gpt-oss-20b"), Some("o200k_base"));
        assert_eq!(tokenizer("anthropic", "claude-opus-4-5"), None);
        assert_eq!(tokenizer("mistral", "open-mistral-7b"), None);
    }
}
