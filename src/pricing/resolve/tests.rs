//! Every resolution rule on a small table written here, so the answers do not move when the bundled tables do;
//! and a check that the bundled tables still resolve the names they are known by.

use crate::call::Resolution;
use crate::pricing::{PriceTable, load_texts};

type Entry<'a> = (&'a str, &'a [&'a str], &'a [&'a str]);

/// A provider's file: each model `(id, aliases, patterns)` at $1 input and $2 output per 1M tokens.
fn provider(id: &str, platform: bool, models: &[Entry]) -> String {
    let mut y = format!("provider:\n  id: {id}\n  platform: {platform}\nmodels:\n");
    for (model, aliases, patterns) in models {
        let list = |v: &[&str]| v.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ");
        y += &format!(
            "  - id: \"{model}\"\n    aliases: [{}]\n    patterns: [{}]\n    prices:\n      - {{as_of: 2025-01-01, input: 1, output: 2, source: s}}\n",
            list(aliases),
            list(patterns)
        );
    }
    y
}

/// Two entries that charge nothing in their newest row (a free tier), and one that charged nothing only once.
const FREE: &str = "  - id: chat-free
    aliases: [chatfree]
    patterns: [\"chat-free-*\"]
    prices:
      - {as_of: 2024-01-01, input: 1, output: 2, source: s}
      - {as_of: 2025-01-01, input: 0, output: 0, source: s}
  - id: promo-model
    prices:
      - {as_of: 2024-01-01, input: 0, output: 0, source: s}
      - {as_of: 2025-01-01, input: 1, output: 2, source: s}
";

fn table() -> PriceTable {
    let none: &[&str] = &[];
    let openai = provider(
        "openai",
        false,
        &[
            ("gpt-4o", &["gpt-4o-2024-08-06"], &["gpt-4o-20*"]),
            ("gpt-4.1", none, none),
        ],
    ) + FREE;
    let files = [
        openai,
        provider(
            "anthropic",
            false,
            &[
                ("claude-sonnet-4-5", none, &["claude-sonnet-4-5-20*"]),
                ("claude-3-5-sonnet", none, none),
                // Broad on purpose: it would catch Vertex's `claude-opus-4-5@20251101` if bare rules applied.
                ("claude-opus-4-5", none, &["claude-opus-4-5*"]),
            ],
        ),
        provider("google", false, &[("gemini-2.5-pro", none, none)]),
        provider("mistral", false, &[("mistral-large-2411", &["house-model"], none)]),
        provider("deepseek", false, &[("deepseek-chat", &["house-model"], none)]),
        provider("xai", false, &[("grok-4", none, none), ("grok-4-1-fast", none, none)]),
        provider("azure", true, &[("gpt-4o", none, none)]),
        provider(
            "vertex",
            true,
            &[
                ("gemini-2.5-pro", none, none),
                ("claude-opus-4-5", none, none),
                ("claude-sonnet-4-5@20250929", none, none),
            ],
        ),
        provider(
            "bedrock",
            true,
            &[
                ("anthropic.claude-sonnet-4-5-20250929-v1:0", none, none),
                ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", none, none),
                ("meta.llama3-3-70b-instruct-v1:0", none, none),
            ],
        ),
        provider(
            "together",
            true,
            &[
                ("meta-llama/Llama-3.3-70B-Instruct-Turbo", none, none),
                ("mixtral-8x7b-instruct", &["mistralai/Mixtral-8x7B-Instruct-v0.1"], none),
                ("openai/gpt-oss-120b", none, none),
                (
                    "qwen3-235b-a22b-fp8",
                    none,
                    &["qwen3-235b*", "qwen3-235b-a22b-instruct*"],
                ),
            ],
        ),
        provider(
            "deepinfra",
            true,
            &[
                ("mistralai/Mixtral-8x7B-Instruct-v0.1", none, none),
                ("meta-llama/Llama-3.3-70B-Instruct", none, none),
                ("Qwen/Qwen3-235B-A22B", none, &["qwen3-235b*"]),
            ],
        ),
        provider(
            "fireworks",
            true,
            &[
                ("accounts/fireworks/models/llama-v3p3-70b-instruct", none, none),
                ("kimi-k2-instruct", none, none),
            ],
        ),
        provider(
            "groq",
            true,
            &[
                ("llama-3.3-70b-versatile", none, &["llama-3.3-70b-versatile-*"]),
                ("openai/gpt-oss-120b", none, none),
            ],
        ),
    ];
    let named: Vec<(String, &str)> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (format!("{i}.yaml"), f.as_str()))
        .collect();
    let refs: Vec<(&str, &str)> = named.iter().map(|(n, f)| (n.as_str(), *f)).collect();
    load_texts(&refs).unwrap_or_else(|p| panic!("the test table is valid: {p:?}"))
}

fn shown(t: &PriceTable, r: Resolution) -> String {
    match r {
        Resolution::Found(i) => t.model(i).full_id(),
        Resolution::Unknown => "unknown".into(),
        Resolution::Ambiguous(c) => format!("ambiguous: {}", c.join(", ")),
        Resolution::NotListed(p) => format!("not listed by {p}"),
    }
}

fn check(t: &PriceTable, provider: Option<&str>, cases: &[(&str, &str)]) {
    for (name, want) in cases {
        assert_eq!(shown(t, t.resolve_with(provider, name)), *want, "{provider:?} {name}");
    }
}

#[test]
fn bare_names_prefer_first_party_providers() {
    let t = table();
    check(
        &t,
        None,
        &[
            // Azure and Vertex list these too; bare, they are the makers'.
            ("gpt-4o", "openai/gpt-4o"),
            ("GPT-4o-2024-08-06", "openai/gpt-4o"),
            ("gpt-4o-2024-11-20", "openai/gpt-4o"),
            (" gemini-2.5-pro ", "google/gemini-2.5-pro"),
            ("claude-sonnet-4-5-20250929", "anthropic/claude-sonnet-4-5"),
            // Listed by platforms alone: the platform that lists it.
            ("llama-3.3-70b-versatile", "groq/llama-3.3-70b-versatile"),
            ("llama-3.3-70b-versatile-0125", "groq/llama-3.3-70b-versatile"),
            ("mixtral-8x7b-instruct", "together/mixtral-8x7b-instruct"),
            // Several providers of one kind stay ambiguous.
            (
                "house-model",
                "ambiguous: deepseek/deepseek-chat, mistral/mistral-large-2411",
            ),
            (
                "mistralai/Mixtral-8x7B-Instruct-v0.1",
                "ambiguous: deepinfra/mistralai/Mixtral-8x7B-Instruct-v0.1, together/mixtral-8x7b-instruct",
            ),
            // Patterns: the one with the most literal characters wins; equally long ones are ambiguous.
            ("qwen3-235b-a22b-instruct-2507", "together/qwen3-235b-a22b-fp8"),
            (
                "qwen3-235b-thinking",
                "ambiguous: deepinfra/Qwen/Qwen3-235B-A22B, together/qwen3-235b-a22b-fp8",
            ),
            ("no-such-model", "unknown"),
            ("", "unknown"),
        ],
    );
}

#[test]
fn prefixes_name_providers() {
    let t = table();
    check(
        &t,
        None,
        &[
            // The table's own ids, and LiteLLM's words.
            ("openai/gpt-4o", "openai/gpt-4o"),
            ("azure/gpt-4o", "azure/gpt-4o"),
            ("azure_ai/gpt-4o", "azure/gpt-4o"),
            ("gemini/gemini-2.5-pro", "google/gemini-2.5-pro"),
            ("vertex_ai/gemini-2.5-pro", "vertex/gemini-2.5-pro"),
            ("xai/grok-4", "xai/grok-4"),
            ("mistral/mistral-large-2411", "mistral/mistral-large-2411"),
            ("deepseek/deepseek-chat", "deepseek/deepseek-chat"),
            (
                "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo",
                "together/meta-llama/Llama-3.3-70B-Instruct-Turbo",
            ),
            (
                "together/mistralai/Mixtral-8x7B-Instruct-v0.1",
                "together/mixtral-8x7b-instruct",
            ),
            ("groq/llama-3.3-70b-versatile-0125", "groq/llama-3.3-70b-versatile"),
            ("groq/openai/gpt-oss-120b", "groq/openai/gpt-oss-120b"),
            ("deepinfra/Qwen/Qwen3-235B-A22B", "deepinfra/Qwen/Qwen3-235B-A22B"),
            // OpenRouter's vendors, and its dotted versions.
            ("google/gemini-2.5-pro", "google/gemini-2.5-pro"),
            ("x-ai/grok-4", "xai/grok-4"),
            ("x-ai/grok-4.1-fast", "xai/grok-4-1-fast"),
            ("anthropic/claude-sonnet-4.5", "anthropic/claude-sonnet-4-5"),
            ("anthropic/claude-3.5-sonnet", "anthropic/claude-3-5-sonnet"),
            ("mistralai/mistral-large-2411", "mistral/mistral-large-2411"),
            // A maker's name the maker does not list: the platforms, by the whole name, then by the rest.
            (
                "meta-llama/Llama-3.3-70B-Instruct-Turbo",
                "together/meta-llama/Llama-3.3-70B-Instruct-Turbo",
            ),
            (
                "meta-llama/llama-3.3-70b-instruct",
                "deepinfra/meta-llama/Llama-3.3-70B-Instruct",
            ),
            ("qwen/qwen3-235b-a22b", "deepinfra/Qwen/Qwen3-235B-A22B"),
            ("moonshotai/kimi-k2-instruct", "fireworks/kimi-k2-instruct"),
            (
                "openai/gpt-oss-120b",
                "ambiguous: groq/openai/gpt-oss-120b, together/openai/gpt-oss-120b",
            ),
            ("meta-llama/no-such-model", "unknown"),
            // A host's prefix: priced there or not at all, even where a maker lists the rest.
            ("azure/gpt-4.1", "unknown"),
            ("azure/no-such-model", "unknown"),
            ("azure/llama-3.3-70b-versatile", "unknown"),
            ("groq/meta-llama/Llama-3.3-70B-Instruct-Turbo", "unknown"),
            ("vertex_ai/claude-sonnet-4-5", "unknown"),
            ("groq/llama-3.3-70b-instruct", "unknown"),
        ],
    );
}

#[test]
fn bedrock_names_stay_in_bedrock() {
    let t = table();
    let arn = "arn:aws:bedrock:us-east-1:123456789012";
    let profile = format!("{arn}:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0");
    let foundation = "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0";
    let application = format!("{arn}:application-inference-profile/a1b2c3d4");
    check(
        &t,
        None,
        &[
            (
                "anthropic.claude-sonnet-4-5-20250929-v1:0",
                "bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0",
            ),
            // A regional id it lists is its own entry; one it does not list is the id without the region.
            (
                "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            ),
            (
                "eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0",
            ),
            (
                "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0",
            ),
            (
                "us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0",
            ),
            (
                "meta.llama3-3-70b-instruct-v1:0",
                "bedrock/meta.llama3-3-70b-instruct-v1:0",
            ),
            (
                "apac.meta.llama3-3-70b-instruct-v1:0",
                "bedrock/meta.llama3-3-70b-instruct-v1:0",
            ),
            (&profile, "bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
            (foundation, "bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0"),
            (&application, "unknown"),
            (
                "bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            ),
            (
                "bedrock_converse/meta.llama3-3-70b-instruct-v1:0",
                "bedrock/meta.llama3-3-70b-instruct-v1:0",
            ),
            (
                "bedrock/converse/eu.meta.llama3-3-70b-instruct-v1:0",
                "bedrock/meta.llama3-3-70b-instruct-v1:0",
            ),
            // Not listed by Bedrock: never another provider's entry.
            ("us.anthropic.claude-opus-4-5-20251101-v1:0", "unknown"),
            ("bedrock/claude-sonnet-4-5", "unknown"),
        ],
    );
}

#[test]
fn vertex_and_fireworks_names_stay_in_their_cloud() {
    let t = table();
    let project = "projects/my-project/locations/us-east5";
    let path = format!("{project}/publishers/anthropic/models/claude-opus-4-5@20251101");
    check(
        &t,
        None,
        &[
            // The `@` form is Vertex's: its entry with the date, else the one without.
            ("claude-opus-4-5@20251101", "vertex/claude-opus-4-5"),
            ("claude-sonnet-4-5@20250929", "vertex/claude-sonnet-4-5@20250929"),
            ("claude-3-5-sonnet@20240620", "unknown"),
            ("vertex_ai/claude-opus-4-5@20251101", "vertex/claude-opus-4-5"),
            ("publishers/google/models/gemini-2.5-pro", "vertex/gemini-2.5-pro"),
            (
                "publishers/anthropic/models/claude-sonnet-4-5@20250929",
                "vertex/claude-sonnet-4-5@20250929",
            ),
            (&path, "vertex/claude-opus-4-5"),
            ("azure/claude-opus-4-5@20251101", "unknown"),
            // Fireworks' paths, with or without LiteLLM's prefix; an id listed short or long.
            (
                "accounts/fireworks/models/llama-v3p3-70b-instruct",
                "fireworks/accounts/fireworks/models/llama-v3p3-70b-instruct",
            ),
            (
                "fireworks_ai/accounts/fireworks/models/llama-v3p3-70b-instruct",
                "fireworks/accounts/fireworks/models/llama-v3p3-70b-instruct",
            ),
            (
                "fireworks_ai/llama-v3p3-70b-instruct",
                "fireworks/accounts/fireworks/models/llama-v3p3-70b-instruct",
            ),
            (
                "accounts/fireworks/models/kimi-k2-instruct",
                "fireworks/kimi-k2-instruct",
            ),
            ("accounts/someone/models/llama-v3p3-70b-instruct", "unknown"),
        ],
    );
}

#[test]
fn a_stated_provider_prices_its_own_entry_or_none() {
    let t = table();
    check(
        &t,
        Some("bedrock"),
        &[
            (
                "anthropic.claude-sonnet-4-5-20250929-v1:0",
                "bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0",
            ),
            (
                "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            ),
            (
                "eu.meta.llama3-3-70b-instruct-v1:0",
                "bedrock/meta.llama3-3-70b-instruct-v1:0",
            ),
            (
                "bedrock/meta.llama3-3-70b-instruct-v1:0",
                "bedrock/meta.llama3-3-70b-instruct-v1:0",
            ),
            // Anthropic lists it, but the log says Bedrock served it.
            ("claude-sonnet-4-5", "not listed by bedrock"),
            ("azure/gpt-4o", "not listed by bedrock"),
        ],
    );
    check(
        &t,
        Some("azure"),
        &[
            ("gpt-4o", "azure/gpt-4o"),
            ("openai/gpt-4o", "azure/gpt-4o"),
            ("gpt-4.1", "not listed by azure"),
        ],
    );
    // A first-party provider stated is a qualified name.
    check(
        &t,
        Some("openai"),
        &[
            ("gpt-4o-2024-08-06", "openai/gpt-4o"),
            ("openai/gpt-4o", "openai/gpt-4o"),
            ("deepseek-chat", "not listed by openai"),
            ("gpt-oss-120b", "not listed by openai"),
        ],
    );
    check(&t, Some("deepseek"), &[("house-model", "deepseek/deepseek-chat")]);
    check(
        &t,
        Some("vertex"),
        &[
            ("gemini-2.5-pro", "vertex/gemini-2.5-pro"),
            ("claude-opus-4-5@20251101", "vertex/claude-opus-4-5"),
        ],
    );
    check(
        &t,
        Some("anthropic"),
        &[
            ("claude-opus-4-5-20251101", "anthropic/claude-opus-4-5"),
            ("claude-opus-4-5@20251101", "not listed by anthropic"),
        ],
    );
    check(&t, Some("google"), &[("gemini-2.5-pro", "google/gemini-2.5-pro")]);
    check(&t, Some("xai"), &[("x-ai/grok-4", "xai/grok-4")]);
    check(
        &t,
        Some("groq"),
        &[
            ("openai/gpt-oss-120b", "groq/openai/gpt-oss-120b"),
            ("gpt-oss-120b", "not listed by groq"),
        ],
    );
    check(
        &t,
        Some("together"),
        &[(
            "meta-llama/Llama-3.3-70B-Instruct-Turbo",
            "together/meta-llama/Llama-3.3-70B-Instruct-Turbo",
        )],
    );
    check(
        &t,
        Some("fireworks"),
        &[(
            "llama-v3p3-70b-instruct",
            "fireworks/accounts/fireworks/models/llama-v3p3-70b-instruct",
        )],
    );
    // A provider the table does not have says nothing: the name decides.
    check(
        &t,
        Some("cohere"),
        &[("gpt-4o", "openai/gpt-4o"), ("azure/gpt-4o", "azure/gpt-4o")],
    );
}

#[test]
fn a_free_entry_answers_only_its_qualified_id() {
    let t = table();
    check(
        &t,
        None,
        &[
            ("openai/chat-free", "openai/chat-free"),
            ("OpenAI/Chat-Free", "openai/chat-free"),
            ("chat-free", "unknown"),
            ("chatfree", "unknown"),
            ("openai/chatfree", "unknown"),
            ("chat-free-2025", "unknown"),
            // Free once, not in its newest row: an entry like any other.
            ("promo-model", "openai/promo-model"),
        ],
    );
    check(
        &t,
        Some("openai"),
        &[
            ("chat-free", "not listed by openai"),
            ("openai/chat-free", "openai/chat-free"),
        ],
    );
    check(&t, Some("azure"), &[("openai/chat-free", "not listed by azure")]);
}

#[test]
fn the_cache_keeps_stated_providers_apart() {
    let t = table();
    for _ in 0..2 {
        for (provider, name) in [
            (None, "gpt-4o"),
            (Some("azure"), "gpt-4o"),
            (Some("bedrock"), "gpt-4o"),
            (Some("cohere"), "gpt-4o"),
            (None, "claude-opus-4-5@20251101"),
        ] {
            assert_eq!(
                t.resolve_cached(provider, name),
                t.resolve_with(provider, name),
                "{provider:?} {name}"
            );
        }
    }
    assert_eq!(shown(&t, t.resolve_cached(Some("azure"), "gpt-4o")), "azure/gpt-4o");
    assert_eq!(shown(&t, t.resolve_cached(None, "gpt-4o")), "openai/gpt-4o");
}

#[test]
fn hostile_names_cost_little() {
    let t = table();
    let deep = "a/".repeat(100_000) + "gpt-4o";
    assert_eq!(t.resolve(&deep), Resolution::Unknown);
    let dotted = "1.".repeat(100_000);
    assert_eq!(
        t.resolve_with(Some("xai"), &dotted),
        Resolution::NotListed("xai".into())
    );
    assert_eq!(t.resolve("arn:"), Resolution::Unknown);
    assert_eq!(t.resolve("publishers/x"), Resolution::Unknown);
    assert_eq!(t.resolve("@"), Resolution::Unknown);
}

#[test]
fn bundled_names_resolve_by_the_rules_in_the_yaml() {
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
        assert_eq!(shown(&t, t.resolve(name)), want, "{name}");
    }
}
