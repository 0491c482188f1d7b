//! A fast path for Claude Code transcripts, the bulk of most users' logs. A line is read by a typed probe that
//! borrows the few keys it needs and skips every other value without building it, instead of building a whole
//! `serde_json::Value`. The probe answers only for lines it reads with certainty, and then exactly as the general
//! path would; every other line (another format, an unexpected type, an escaped string, a duplicate key, a count out
//! of range) goes down the general path. A test and a fuzz target check that the two agree.
//!
//! Skipping checks a value's syntax but not what the general path could not represent either way: numbers beyond
//! `f64` and lone UTF-16 surrogate escapes. The general path accepts those too (numbers are kept as written; lone
//! surrogates, which JavaScript writes for a cut emoji, are read as U+FFFD), so both read such lines alike.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

use super::anthropic::Usage;
use super::fields::MAX_TOKENS;
use super::{RawCall, RawTokens, shared};
use crate::call::{Dedup, Tier};

/// An object key, as its index in a list of known keys (`None` for any other key). The list is a `match` on the
/// key (compiled to a comparison of lengths, then bytes), not a linear search.
struct KeyIn(fn(&str) -> Option<usize>);

impl<'de> DeserializeSeed<'de> for KeyIn {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyIn {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E>(self, v: &str) -> Result<Option<usize>, E> {
        Ok((self.0)(v))
    }
}

/// Reads an object's entries: `read(i, map)` reads the value of `keys[i]`; other values are skipped. A known key
/// written twice is an error (the general path would keep the last copy): the line then takes that path.
fn entries<'de, A: MapAccess<'de>>(
    map: &mut A,
    keys: fn(&str) -> Option<usize>,
    mut read: impl FnMut(usize, &mut A) -> Result<(), A::Error>,
) -> Result<(), A::Error> {
    let mut seen = 0u64;
    while let Some(k) = map.next_key_seed(KeyIn(keys))? {
        match k {
            Some(i) => {
                if seen & (1 << i) != 0 {
                    return Err(de::Error::custom("duplicate key"));
                }
                seen |= 1 << i;
                read(i, map)?;
            }
            None => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    Ok(())
}

/// Implements `Deserialize` for a type read from a JSON object only (never from an array, as derived structs
/// would also be): `$read` fills a default value from the map's entries.
macro_rules! object_only {
    ($ty:ident, $read:expr) => {
        impl<'de> Deserialize<'de> for $ty<'de> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $ty<'de>;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str("an object")
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<$ty<'de>, A::Error> {
                        let mut out = $ty::default();
                        $read(&mut out, &mut map)?;
                        Ok(out)
                    }
                }
                d.deserialize_map(V)
            }
        }
    };
}

/// The keys that decide what a transcript line holds, and the keys of every format detected before Claude Code
/// (any of them sends the line down the general path). A key's presence counts even when its value is null.
#[derive(Default)]
struct Probe<'a> {
    kind: Option<&'a str>,
    message: Message<'a>,
    timestamp: Option<Option<&'a str>>,
    session_id: Option<Option<&'a str>>,
    is_sidechain: Option<bool>,
    is_api_error: Option<bool>,
    /// `requestId`, `costUSD` or `parentUuid` (each marks a transcript entry) is present.
    entry_key: bool,
    leaf_uuid: bool,
    /// A key of a format detected earlier is present.
    earlier: bool,
}

fn probe_key(key: &str) -> Option<usize> {
    match key {
        "type" => Some(0),
        "message" => Some(1),
        "timestamp" => Some(2),
        "sessionId" => Some(3),
        "isSidechain" => Some(4),
        "isApiErrorMessage" => Some(5),
        "requestId" => Some(6),
        "costUSD" => Some(7),
        "parentUuid" => Some(8),
        "leafUuid" => Some(9),
        "resourceSpans" => Some(10),
        "custom_id" => Some(11),
        "key" => Some(12),
        "usageMetadata" => Some(13),
        "candidates" => Some(14),
        "session_id" => Some(15),
        // Keys of other formats' lines, never at the top of a transcript line: the probe stops there.
        "model" | "messages" | "prompt" | "input" | "object" | "choices" | "contents" => Some(16),
        _ => None,
    }
}

/// Whether the probe stops at this top-level key (a key of a format tried before Claude Code, or of another
/// format's lines): the line then takes the general path.
#[cfg(test)]
pub fn stops_at(key: &str) -> bool {
    probe_key(key).is_some_and(|i| i >= 10)
}

fn read_probe<'de, A: MapAccess<'de>>(p: &mut Probe<'de>, map: &mut A) -> Result<(), A::Error> {
    entries(map, probe_key, |i, map| {
        match i {
            0 => p.kind = map.next_value()?,
            1 => p.message = map.next_value()?,
            2 => p.timestamp = Some(map.next_value()?),
            3 => p.session_id = Some(map.next_value()?),
            4 => p.is_sidechain = map.next_value()?,
            5 => p.is_api_error = map.next_value()?,
            6..=8 => {
                map.next_value::<IgnoredAny>()?;
                p.entry_key = true;
            }
            9 => {
                map.next_value::<IgnoredAny>()?;
                p.leaf_uuid = true;
            }
            10..=15 => {
                map.next_value::<IgnoredAny>()?;
                p.earlier = true;
            }
            _ => return Err(de::Error::custom("not a transcript line")),
        }
        Ok(())
    })
}

object_only!(Probe, read_probe);

/// A transcript line's `message`: the fields of an assistant message when it is an object.
#[derive(Default)]
enum Message<'a> {
    #[default]
    Absent,
    Object(MessageFields<'a>),
    Other,
}

#[derive(Default)]
struct MessageFields<'a> {
    id: Option<&'a str>,
    model: Option<&'a str>,
    usage: Option<UsageFields<'a>>,
}

fn message_key(key: &str) -> Option<usize> {
    match key {
        "id" => Some(0),
        "model" => Some(1),
        "usage" => Some(2),
        _ => None,
    }
}

fn read_message<'de, A: MapAccess<'de>>(m: &mut MessageFields<'de>, map: &mut A) -> Result<(), A::Error> {
    entries(map, message_key, |i, map| {
        match i {
            0 => m.id = map.next_value()?,
            1 => m.model = map.next_value()?,
            _ => m.usage = map.next_value()?,
        }
        Ok(())
    })
}

impl<'de> Deserialize<'de> for Message<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Message<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Message<'de>, A::Error> {
                let mut m = MessageFields::default();
                read_message(&mut m, &mut map)?;
                Ok(Message::Object(m))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Message<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Message::Other)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Message<'de>, E> {
                Ok(Message::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Message<'de>, E> {
                Ok(Message::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Message<'de>, E> {
                Ok(Message::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Message<'de>, E> {
                Ok(Message::Other)
            }
            fn visit_str<E>(self, _: &str) -> Result<Message<'de>, E> {
                Ok(Message::Other)
            }
            fn visit_unit<E>(self) -> Result<Message<'de>, E> {
                Ok(Message::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// An Anthropic `usage` object's counts (absent or null: `None`) and tier.
#[derive(Default)]
struct UsageFields<'a> {
    counts: [Option<u64>; 6],
    service_tier: Option<&'a str>,
}

fn usage_key(key: &str) -> Option<usize> {
    match key {
        "input_tokens" => Some(0),
        "cache_creation_input_tokens" => Some(1),
        "cache_read_input_tokens" => Some(2),
        "output_tokens" => Some(3),
        "cache_creation" => Some(4),
        "service_tier" => Some(5),
        _ => None,
    }
}

fn read_usage<'de, A: MapAccess<'de>>(u: &mut UsageFields<'de>, map: &mut A) -> Result<(), A::Error> {
    entries(map, usage_key, |i, map| {
        match i {
            0..=3 => u.counts[i] = map.next_value()?,
            4 => {
                if let Some(c) = map.next_value::<Option<CacheCreation>>()? {
                    u.counts[4] = c.counts[0];
                    u.counts[5] = c.counts[1];
                }
            }
            _ => u.service_tier = map.next_value()?,
        }
        Ok(())
    })
}

object_only!(UsageFields, read_usage);

#[derive(Default)]
struct CacheCreation<'a> {
    counts: [Option<u64>; 2],
    _borrows: std::marker::PhantomData<&'a ()>,
}

fn cache_key(key: &str) -> Option<usize> {
    match key {
        "ephemeral_5m_input_tokens" => Some(0),
        "ephemeral_1h_input_tokens" => Some(1),
        _ => None,
    }
}

fn read_cache_creation<'de, A: MapAccess<'de>>(c: &mut CacheCreation<'de>, map: &mut A) -> Result<(), A::Error> {
    entries(map, cache_key, |i, map| {
        c.counts[i] = map.next_value()?;
        Ok(())
    })
}

object_only!(CacheCreation, read_cache_creation);

impl UsageFields<'_> {
    /// The normalised usage; `None` when a count is out of range (the general path names the problem).
    fn tokens(&self) -> Option<crate::call::Tokens> {
        let mut n = [0u64; 6];
        for (out, c) in n.iter_mut().zip(self.counts) {
            *out = match c {
                Some(t) if t > MAX_TOKENS => return None,
                t => t.unwrap_or(0),
            };
        }
        let usage = Usage {
            input: n[0],
            cache_created: n[1],
            cache_read: n[2],
            output: n[3],
            cache_5m: n[4],
            cache_1h: n[5],
        };
        Some(usage.normalise())
    }
}

/// The calls of a Claude Code transcript line (none for user, summary and other lines), or `None` when the line
/// must take the general path.
pub fn claude_code(line: &str) -> Option<Vec<RawCall>> {
    let p = serde_json::from_str::<Probe>(line).ok()?;
    let summary = p.kind == Some("summary") && p.leaf_uuid;
    let entry =
        p.timestamp.is_some() && matches!(p.message, Message::Object(_)) && (p.session_id.is_some() || p.entry_key);
    if p.earlier || !(summary || entry) {
        return None;
    }
    let Message::Object(msg) = p.message else {
        return Some(Vec::new());
    };
    let usage = match msg.usage {
        Some(u) if p.kind == Some("assistant") && p.is_api_error != Some(true) => u,
        _ => return Some(Vec::new()),
    };
    // A missing or blank model is an error, which the general path words.
    let model = msg.model.filter(|m| !m.trim().is_empty())?;
    if model == "<synthetic>" {
        return Some(Vec::new());
    }
    let tokens = usage.tokens()?;
    let timestamp = match p.timestamp.flatten() {
        Some(t) => Some(DateTime::parse_from_rfc3339(t).ok()?.with_timezone(&Utc)),
        None => None,
    };
    let mut call = RawCall::new(shared(model), RawTokens::Reported(tokens));
    call.tier = usage.service_tier.map_or(Tier::Standard, Tier::from_service_tier);
    call.dedup = msg
        .id
        .map(|id| Dedup::response(id, &tokens, p.is_sidechain == Some(true)));
    call.session = p.session_id.flatten().map(shared);
    call.timestamp = timestamp;
    Some(vec![call])
}

#[cfg(test)]
mod tests {
    use crate::input::{parse_line, parse_value};

    /// Every line of every fixture, and lines built to tempt the probe, read the same by both paths.
    #[test]
    fn the_fast_path_agrees_with_the_general_one() {
        let mut lines = crate::input::fixture_lines();
        let fixture_lines = lines.len();
        for tricky in [
            r#"["user", {}, 1, 1, 1, 1, 1, 1]"#,
            r#"{"type":"user","timestamp":"t","message":{},"sessionId":"s","custom_id":"c"}"#,
            r#"{"type":"user","timestamp":"t","message":{},"sessionId":"s","session_id":"s"}"#,
            r#"{"type":"user","timestamp":null,"message":{},"parentUuid":null}"#,
            r#"{"type":"user","timestamp":"t","message":[],"sessionId":"s"}"#,
            r#"{"type":"user","type":"assistant","timestamp":"t","message":{},"sessionId":"s"}"#,
            r#"{"type":"us\u0065r","timestamp":"t","message":{},"sessionId":"s"}"#,
            r#"{"type":"summary","leafUuid":null}"#,
            r#"{"type":7,"timestamp":"t","message":{},"sessionId":"s"}"#,
            r#"{"timestamp":"t","message":{"usage":{}},"requestId":"r"}"#,
            r#"{"type":"user","timestamp":"t","message":{},"sessionId":"s","model":"gpt-4o","messages":[]}"#,
            r#"{"type":"user","timestamp":"t","message":{"content":"x"},"sessionId":"s","x":1e400}"#,
            r#"{"type":"user","timestamp":"t","message":{"content":[{"n":-1e999}]},"sessionId":"s"}"#,
            r#"{"type":"user","timestamp":"t","message":{"content":"\ud800"},"sessionId":"s"}"#,
            r#"{"type":"user","timestamp":"t","message":{"content":{"\udc00":1}},"sessionId":"s"}"#,
            r#"{"type":"assistant","timestamp":"2025-01-01T00:00:00Z","sessionId":"s","message":{"model":"claude-sonnet-4-5","usage":[1,2]}}"#,
            r#"{"type":"assistant","timestamp":"2025-01-01T00:00:00Z","sessionId":"s","message":{"model":"claude-sonnet-4-5","usage":{"input_tokens":5,"cache_creation":[1]}}}"#,
            r#"{"type":"assistant","timestamp":"2025-01-01T00:00:00Z","sessionId":"s","message":{"model":"claude-sonnet-4-5","usage":{"input_tokens":5,"input_tokens":6}}}"#,
            r#"{"type":"assistant","timestamp":"2025-01-01T00:00:00Z","sessionId":"s","message":{"model":"claude-sonnet-4-5","usage":{"input_tokens":5,"cache_creation_input_tokens":7,"cache_creation":{"ephemeral_5m_input_tokens":null}}}}"#,
            r#"{"type":"assistant","timestamp":"2025-01-01T00:00:00Z","sessionId":"s","message":{"model":"claude-sonnet-4-5","usage":{"input_tokens":10000000001}}}"#,
            r#"{"type":"assistant","timestamp":"2025-01-01T00:00:00Z","sessionId":"s","message":{"model":"claude-sonnet-4-5","usage":{"output_tokens":2.5}}}"#,
            r#"{"type":"assistant","timestamp":"2025-01-01T00:00:00Z","sessionId":"s","message":{"model":" ","usage":{}}}"#,
            r#"{"type":"assistant","timestamp":"2025-01-01T00:00:00Z","sessionId":"s","message":{"model":"<synthetic>","usage":{}}}"#,
            r#"{"type":"assistant","timestamp":"2025-01-01T00:00:00Z","sessionId":"s","isApiErrorMessage":true,"message":{"model":"m","usage":{}}}"#,
            r#"{"type":"assistant","timestamp":"2025-01-01T00:00:00Z","sessionId":null,"isSidechain":true,"message":{"id":"msg_1","model":"m","usage":{"service_tier":"batch","output_tokens":3}}}"#,
            r#"{"type":"assistant","timestamp":"yesterday","sessionId":"s","message":{"model":"m","usage":{}}}"#,
            r#"{"type":"assistant","timestamp":null,"parentUuid":null,"message":{"model":"m","usage":null}}"#,
            r#"{"type":"assistant","timestamp":"2025-01-01T00:00:00Z","sessionId":"s","message":{"model":"m","id":7,"usage":{}}}"#,
            r#"{"type":"assistant","timestamp":"2025-01-01T00:00:00Z","sessionId":"s","message":{"model":"m\u0031","usage":{}}}"#,
            r#"{"type":"assistant","timestamp":"2025-01-01T00:00:00Z","sessionId":"s","message":{"model":"m","usage":{}},"message":{}}"#,
            r#"{"type":"assistant","timestamp":"2025-01-01T00:00:00Z","sessionId":"s","message":{"model":"m","usage":{}},"candidates":[]}"#,
        ] {
            lines.push(tricky.as_bytes().to_vec());
        }
        // Padding: a byte-order mark, NULs and whitespace around a line, or alone.
        let transcript = br#"{"type":"assistant","timestamp":"2025-01-01T00:00:00Z","sessionId":"s","message":{"model":"m","usage":{}}}"#;
        for (before, after) in [
            (&b"\xef\xbb\xbf"[..], &b""[..]),
            (b"\0\0 ", b"\0\r"),
            (b"", b"\0"),
            (b"\xef\xbb\xbf\0", b" "),
        ] {
            lines.push([before, &transcript[..], after].concat());
            lines.push([before, after].concat());
        }
        // Invalid UTF-8 inside a value no key needs.
        lines.push(
            b"{\"type\":\"user\",\"timestamp\":\"t\",\"message\":{\"content\":\"a\xff\"},\"sessionId\":\"s\"}".to_vec(),
        );
        assert!(lines.len() > 100);
        let (mut transcript, mut fast) = (0, 0);
        for (n, l) in lines
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace))
        {
            let general = parse_value(l);
            assert_eq!(parse_line(l), general, "{}", String::from_utf8_lossy(l));
            // The probe does answer, for every line of the transcript fixtures (read before the tricky lines).
            if n < fixture_lines && matches!(general, Ok((crate::input::FormatId::ClaudeCode, _))) {
                transcript += 1;
                let text = std::str::from_utf8(l).expect("fixture lines are UTF-8");
                fast += usize::from(super::claude_code(text).is_some());
            }
        }
        assert!(transcript >= 9);
        assert_eq!(fast, transcript);
    }
}
