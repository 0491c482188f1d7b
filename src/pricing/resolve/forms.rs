//! Name forms only one cloud writes, and the rewrites tried within one provider when a name is not listed as
//! written.
//!
//! Cloud forms: Bedrock ARNs (`arn:aws:bedrock:...:inference-profile/ID`, the id after the last `/`), Bedrock
//! ids (`anthropic.claude-...-v1:0`, with or without an inference-profile region such as `us.` or `global.`),
//! Vertex resource paths (`[projects/P/locations/L/]publishers/X/models/ID`), Vertex's `@` dates
//! (`claude-opus-4-5@20251101`) and Fireworks paths (`accounts/A/models/ID`). Such a name is priced by that cloud
//! or not at all.

use std::borrow::Cow;

/// Bedrock's cross-region inference-profile prefixes.
const REGIONS: &[&str] = &["us.", "eu.", "apac.", "global.", "jp.", "au.", "ca.", "us-gov."];

/// The vendors of Bedrock's model ids (`vendor.model-version`).
const BEDROCK_VENDORS: &[&str] = &[
    "anthropic.",
    "meta.",
    "amazon.",
    "mistral.",
    "cohere.",
    "ai21.",
    "deepseek.",
    "qwen.",
    "openai.",
    "writer.",
    "stability.",
    "twelvelabs.",
    "luma.",
    "moonshot.",
    "moonshotai.",
    "minimax.",
    "google.",
    "nvidia.",
    "zai.",
];

const FIREWORKS_MODELS: &str = "accounts/fireworks/models/";

/// The cloud a name's form belongs to, and the part of the name to look up there.
pub(super) fn cloud_form(name: &str) -> Option<(&'static str, &str)> {
    if name.starts_with("arn:") {
        // arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, the resource ending in the model or profile id.
        return (name.split(':').nth(2) == Some("bedrock"))
            .then(|| ("bedrock", name.rsplit_once('/').map_or("", |(_, id)| id)));
    }
    if let Some(id) = vertex_path(name) {
        return Some(("vertex", id));
    }
    if let Some(r) = name.strip_prefix("accounts/")
        && r.split_once('/').is_some_and(|(_, r)| r.starts_with("models/"))
    {
        return Some(("fireworks", name));
    }
    if name.contains('/') {
        return None;
    }
    if name.contains('@') {
        return Some(("vertex", name));
    }
    let unregioned = strip_region(name).unwrap_or(name);
    if unregioned.len() < name.len()
        || BEDROCK_VENDORS.iter().any(|v| unregioned.starts_with(v))
        || bedrock_version(name)
    {
        return Some(("bedrock", name));
    }
    None
}

/// Whether a name ends in Bedrock's model version (`-v1:0`, `-v2:0`), which no other provider writes: Bedrock's
/// own ids carry it even where a log leaves out the vendor (`claude-sonnet-4-5-20250929-v1:0`).
fn bedrock_version(name: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    name.rsplit_once("-v")
        .and_then(|(_, v)| v.split_once(':'))
        .is_some_and(|(major, minor)| digits(major) && digits(minor))
}

/// The model id of a Vertex resource path: `publishers/X/models/ID`, optionally after `projects/P/locations/L/`.
fn vertex_path(name: &str) -> Option<&str> {
    let mut rest = name;
    if let Some(r) = name.strip_prefix("projects/") {
        let (_project, r) = r.split_once('/')?;
        let (_location, r) = r.strip_prefix("locations/")?.split_once('/')?;
        rest = r;
    }
    let (_publisher, r) = rest.strip_prefix("publishers/")?.split_once('/')?;
    r.strip_prefix("models/")
}

/// A Bedrock id without its inference-profile region (`us.anthropic.x` -> `anthropic.x`).
fn strip_region(name: &str) -> Option<&str> {
    REGIONS
        .iter()
        .find_map(|r| name.strip_prefix(r))
        .filter(|rest| rest.contains('.'))
}

/// The other spellings of `name` to try within `provider`, in order, once the name as written is not listed:
/// Bedrock's id without its region, Vertex's without its `@` date, Fireworks' with or without its path, and the
/// version with dashes for OpenRouter's dots (`claude-sonnet-4.5` for `claude-sonnet-4-5`).
pub(super) fn rewrites<'a>(provider: &str, name: &'a str) -> impl Iterator<Item = Cow<'a, str>> {
    let own = match provider {
        "bedrock" => strip_region(name).map(Cow::Borrowed),
        "vertex" => name.split_once('@').map(|(id, _)| Cow::Borrowed(id)),
        "fireworks" => match name.strip_prefix(FIREWORKS_MODELS) {
            Some(short) => Some(Cow::Borrowed(short)),
            None if !name.contains('/') => Some(Cow::Owned(format!("{FIREWORKS_MODELS}{name}"))),
            None => None,
        },
        _ => None,
    };
    own.into_iter().chain(dashed_versions(name).map(Cow::Owned))
}

/// `name` with each `.` between two digits made a `-`, if it has one.
fn dashed_versions(name: &str) -> Option<String> {
    let b = name.as_bytes();
    let dotted =
        |i: usize| b[i] == b'.' && i > 0 && i + 1 < b.len() && b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit();
    if !(0..b.len()).any(dotted) {
        return None;
    }
    // A `.` is one byte, so its byte index is where `char_indices` finds it.
    Some(
        name.char_indices()
            .map(|(i, c)| if c == '.' && dotted(i) { '-' } else { c })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloud_forms() {
        let cases = [
            (
                "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-x-v1:0",
                Some(("bedrock", "us.anthropic.claude-x-v1:0")),
            ),
            (
                "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-x-v1:0",
                Some(("bedrock", "anthropic.claude-x-v1:0")),
            ),
            ("arn:aws:bedrock:us-east-1:1:no-slash", Some(("bedrock", ""))),
            ("arn:aws:sagemaker:us-east-1:1:endpoint/x", None),
            (
                "us.anthropic.claude-x-v1:0",
                Some(("bedrock", "us.anthropic.claude-x-v1:0")),
            ),
            (
                "meta.llama3-3-70b-instruct-v1:0",
                Some(("bedrock", "meta.llama3-3-70b-instruct-v1:0")),
            ),
            (
                "claude-sonnet-4-5-20250929-v1:0",
                Some(("bedrock", "claude-sonnet-4-5-20250929-v1:0")),
            ),
            ("us.nothing", None),
            ("gpt-4.1", None),
            ("claude-opus-4-5@20251101", Some(("vertex", "claude-opus-4-5@20251101"))),
            (
                "publishers/google/models/gemini-2.5-pro",
                Some(("vertex", "gemini-2.5-pro")),
            ),
            (
                "projects/p-1/locations/us-east5/publishers/anthropic/models/claude-opus-4-5@20251101",
                Some(("vertex", "claude-opus-4-5@20251101")),
            ),
            ("projects/p-1/locations/us-east5/endpoints/42", None),
            (
                "accounts/fireworks/models/x",
                Some(("fireworks", "accounts/fireworks/models/x")),
            ),
            ("azure/claude@x", None),
            ("openai/gpt-4o", None),
        ];
        for (name, want) in cases {
            assert_eq!(cloud_form(name), want, "{name}");
        }
    }

    #[test]
    fn rewrites_per_provider() {
        let all = |p: &str, n: &str| rewrites(p, n).map(|c| c.into_owned()).collect::<Vec<_>>();
        assert_eq!(all("bedrock", "eu.meta.llama-v1:0"), ["meta.llama-v1:0"]);
        assert_eq!(all("vertex", "claude-opus-4-5@20251101"), ["claude-opus-4-5"]);
        assert_eq!(all("fireworks", "accounts/fireworks/models/m"), ["m"]);
        assert_eq!(all("fireworks", "m"), ["accounts/fireworks/models/m"]);
        assert_eq!(all("anthropic", "claude-3.5-sonnet"), ["claude-3-5-sonnet"]);
        assert_eq!(all("xai", "grok-4.1.x-2.0"), ["grok-4-1.x-2-0"]);
        assert!(all("openai", "gpt-4o").is_empty());
        assert!(all("openai", ".5.").is_empty());
    }
}
