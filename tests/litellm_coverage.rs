//! The bundled tables against LiteLLM 1.110.2's price table (`fixtures/litellm/litellm-1.110.2-chat.json`, its chat
//! and responses entries for the providers tokencost bundles, trimmed to the fields that price tokens).
//!
//! Every current entry, named as a LiteLLM user's log names it, must resolve to the right provider's model, and
//! every rate LiteLLM states must equal the rate tokencost bills at that tier and prompt size; or the entry is
//! listed in `fixtures/litellm/exceptions.yaml` with a reason. An exception that no longer fails is an error too,
//! so the list stays true. The conversion here is written apart from the importer's, as a second opinion.

use rust_decimal::Decimal;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::str::FromStr;

use tokencost::call::{Resolution, Tier};
use tokencost::pricing::{self, PriceTable};

const SNAPSHOT: &str = "fixtures/litellm/litellm-1.110.2-chat.json";
const EXCEPTIONS: &str = "fixtures/litellm/exceptions.yaml";
/// Entries LiteLLM says are retired before this date are not current.
const CURRENT_ON: &str = "2026-11-20";

/// LiteLLM's provider name to tokencost's, for the providers the tables bundle.
fn provider_of(litellm: &str) -> Option<&'static str> {
    Some(match litellm {
        "openai" => "openai",
        "azure" => "azure",
        "anthropic" => "anthropic",
        "gemini" => "google",
        "vertex_ai" | "vertex_ai-language-models" | "vertex_ai-anthropic_models" => "vertex",
        "bedrock" | "bedrock_converse" => "bedrock",
        "mistral" => "mistral",
        "deepseek" => "deepseek",
        "xai" => "xai",
        "groq" => "groq",
        "together_ai" => "together",
        "fireworks_ai" => "fireworks",
        "deepinfra" => "deepinfra",
        _ => return None,
    })
}

/// A per-token price as LiteLLM writes it, in USD per 1M tokens, exactly.
fn per_million(v: &Value) -> Option<Decimal> {
    let text = v.as_number()?.to_string();
    let d = Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .ok()?;
    Some((d * Decimal::from(1_000_000)).normalize())
}

/// The name a LiteLLM user's log carries: the key, with the routing prefix LiteLLM needs where the key has none.
fn logged_name(key: &str, litellm_provider: &str) -> String {
    if litellm_provider.starts_with("vertex_ai") && !key.starts_with("vertex_ai/") {
        format!("vertex_ai/{key}")
    } else {
        key.to_string()
    }
}

/// Where a LiteLLM field puts its rate: (bucket, tier, long-context threshold in tokens).
fn place(field: &str) -> Option<(&'static str, Tier, Option<u64>)> {
    let buckets = [
        ("input_cost_per_token", "input"),
        ("output_cost_per_token", "output"),
        ("cache_read_input_token_cost", "cached_input"),
        ("cache_creation_input_token_cost_above_12hr", "cache_write_12h"),
        ("cache_creation_input_token_cost_above_1hr", "cache_write_1h"),
        ("cache_creation_input_token_cost", "cache_write_5m"),
    ];
    let (prefix, bucket) = buckets.iter().find(|(p, _)| field.starts_with(p))?;
    let mut rest = &field[prefix.len()..];
    let tier = [
        ("_batches", Tier::Batch),
        ("_priority", Tier::Priority),
        ("_flex", Tier::Flex),
    ]
    .iter()
    .find_map(|(suffix, t)| {
        rest.strip_suffix(suffix).map(|r| {
            rest = r;
            *t
        })
    })
    .unwrap_or(Tier::Standard);
    let above = match rest {
        "" => None,
        r => {
            let k = r.strip_prefix("_above_")?.strip_suffix("k_tokens")?;
            Some(k.parse::<u64>().ok()? * 1000)
        }
    };
    Some((bucket, tier, above))
}

fn bucket_rate(r: &pricing::Rates, bucket: &str) -> Decimal {
    match bucket {
        "input" => r.input,
        "output" => r.output,
        "cached_input" => r.cached_input,
        "cache_write_5m" => r.cache_write_5m,
        "cache_write_1h" => r.cache_write_1h,
        _ => r.cache_write_12h,
    }
}

/// Why an entry does not agree, or None when it does.
fn check(table: &PriceTable, key: &str, entry: &Map<String, Value>) -> Option<String> {
    let lp = entry["litellm_provider"].as_str().unwrap_or("");
    let want_provider = provider_of(lp)?;
    let name = logged_name(key, lp);
    let model = match table.resolve(&name) {
        Resolution::Found(i) => table.model(i),
        Resolution::Unknown => return Some(format!("`{name}` does not resolve")),
        Resolution::Ambiguous(c) => return Some(format!("`{name}` is ambiguous: {}", c.join(", "))),
        Resolution::NotListed(p) => return Some(format!("`{name}` is not listed by {p}")),
    };
    if model.provider != want_provider {
        return Some(format!("`{name}` resolves to {}, not {want_provider}", model.full_id()));
    }
    let row = model.prices.last().expect("a model has rows");
    let mut wrong = Vec::new();
    for (field, v) in entry {
        let Some((bucket, tier, above)) = place(field) else {
            continue;
        };
        let Some(want) = per_million(v) else { continue };
        // A stated write price of 0 is a placeholder (DeepSeek's), not a free write.
        if bucket.starts_with("cache_write") && want.is_zero() {
            continue;
        }
        let level = match above {
            None => 0,
            Some(a) => match row.long_context.iter().position(|lc| lc.above == a) {
                Some(i) => i as u8 + 1,
                None => {
                    wrong.push(format!("no level above {a}"));
                    continue;
                }
            },
        };
        let got = bucket_rate(row.rates_at(level, tier), bucket).normalize();
        if got != want {
            wrong.push(format!("{field}: {got} per 1M, LiteLLM {want}"));
        }
    }
    (!wrong.is_empty()).then(|| format!("{}: {}", model.full_id(), wrong.join("; ")))
}

fn current(entry: &Map<String, Value>) -> bool {
    let priced = ["input_cost_per_token", "output_cost_per_token"]
        .iter()
        .any(|f| entry.get(*f).and_then(per_million).is_some_and(|d| !d.is_zero()));
    let retired = entry
        .get("deprecation_date")
        .and_then(Value::as_str)
        .is_some_and(|d| d.len() == 10 && d < CURRENT_ON);
    priced && !retired && matches!(entry.get("mode").and_then(Value::as_str), Some("chat" | "responses"))
}

#[test]
fn every_current_litellm_model_resolves_at_its_price_or_is_a_documented_exception() {
    let table = pricing::load(&[]).expect("bundled tables");
    let snapshot: Map<String, Value> = serde_json::from_str(&std::fs::read_to_string(SNAPSHOT).unwrap()).unwrap();
    let exceptions: BTreeMap<String, String> =
        serde_yaml::from_str(&std::fs::read_to_string(EXCEPTIONS).unwrap()).expect("exceptions: key -> reason");
    let (mut total, mut agree) = (0, 0);
    let mut failures = Vec::new();
    let mut stale = Vec::new();
    for (key, entry) in &snapshot {
        let Some(entry) = entry.as_object().filter(|e| current(e)) else {
            continue;
        };
        if provider_of(entry["litellm_provider"].as_str().unwrap_or("")).is_none() {
            continue;
        }
        total += 1;
        match (check(&table, key, entry), exceptions.contains_key(key)) {
            (None, false) => agree += 1,
            (None, true) => stale.push(key.clone()),
            (Some(_), true) => {}
            (Some(why), false) => failures.push(format!("{key}: {why}")),
        }
    }
    eprintln!(
        "{agree} of {total} current chat/responses entries resolve at LiteLLM's price; {} documented exceptions",
        total - agree - failures.len() - stale.len()
    );
    assert!(
        stale.is_empty(),
        "exceptions that now agree (remove them):\n{}",
        stale.join("\n")
    );
    assert!(
        failures.is_empty(),
        "{} disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(agree * 100 >= total * 90, "coverage fell to {agree} of {total}");
}

#[test]
fn the_field_grammar_is_read_as_litellm_writes_it() {
    assert_eq!(place("input_cost_per_token"), Some(("input", Tier::Standard, None)));
    assert_eq!(
        place("cache_read_input_token_cost_above_272k_tokens_priority"),
        Some(("cached_input", Tier::Priority, Some(272_000)))
    );
    assert_eq!(
        place("cache_creation_input_token_cost_above_1hr_above_200k_tokens"),
        Some(("cache_write_1h", Tier::Standard, Some(200_000)))
    );
    assert_eq!(
        place("output_cost_per_token_batches"),
        Some(("output", Tier::Batch, None))
    );
    assert_eq!(place("input_cost_per_token_ultrafast"), None);
    assert_eq!(
        per_million(&serde_json::from_str("3e-07").unwrap()),
        Decimal::from_str("0.3").ok()
    );
    assert_eq!(
        per_million(&serde_json::from_str("1.25e-06").unwrap()),
        Decimal::from_str("1.25").ok()
    );
}
