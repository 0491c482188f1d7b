//! A fast path for the bulk of Claude Code transcripts: user, tool-result, summary and other lines that are not
//! calls. They are read with a typed probe that keeps a few keys and skips every value without building it, instead
//! of a full `serde_json::Value`. The probe only ever answers "this is a Claude Code line that holds no call"; every
//! other line, and any line the probe cannot read, takes the general path, so results are identical (a test and a
//! fuzz target check it).

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::fmt;

/// A key's presence, whatever its value (null included), without keeping the value.
#[derive(Default)]
struct Seen(bool);

impl<'de> Deserialize<'de> for Seen {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(d)?;
        Ok(Seen(true))
    }
}

/// Whether a value is an object, without keeping it.
#[derive(Default, PartialEq)]
enum Shape {
    #[default]
    Absent,
    Object,
    Other,
}

impl<'de> Deserialize<'de> for Shape {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Shape;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Shape::Object)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Shape::Other)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Shape, E> {
                Ok(Shape::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Shape, E> {
                Ok(Shape::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Shape, E> {
                Ok(Shape::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Shape, E> {
                Ok(Shape::Other)
            }
            fn visit_str<E>(self, _: &str) -> Result<Shape, E> {
                Ok(Shape::Other)
            }
            fn visit_unit<E>(self) -> Result<Shape, E> {
                Ok(Shape::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// The keys that decide whether a line is a Claude Code line without a call, and the keys of every format that is
/// detected before Claude Code (any of them sends the line down the general path).
#[derive(Deserialize)]
struct Probe<'a> {
    #[serde(rename = "type", default, borrow)]
    kind: Option<&'a str>,
    #[serde(default)]
    message: Shape,
    #[serde(default)]
    timestamp: Seen,
    #[serde(default, rename = "sessionId")]
    session_id: Seen,
    #[serde(default, rename = "requestId")]
    request_id: Seen,
    #[serde(default, rename = "costUSD")]
    cost_usd: Seen,
    #[serde(default, rename = "parentUuid")]
    parent_uuid: Seen,
    #[serde(default, rename = "leafUuid")]
    leaf_uuid: Seen,
    #[serde(default, rename = "resourceSpans")]
    resource_spans: Seen,
    #[serde(default)]
    custom_id: Seen,
    #[serde(default)]
    key: Seen,
    #[serde(default, rename = "usageMetadata")]
    usage_metadata: Seen,
    #[serde(default)]
    candidates: Seen,
    #[serde(default, rename = "session_id")]
    session_id_snake: Seen,
}

/// True when `bytes` is certainly a Claude Code transcript line that holds no call.
pub fn claude_code_without_call(bytes: &[u8]) -> bool {
    // serde would also read a struct from an array, field by field; only objects can be transcript lines.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return false;
    }
    let Ok(p) = serde_json::from_slice::<Probe>(bytes) else {
        return false;
    };
    let earlier = [
        &p.resource_spans,
        &p.custom_id,
        &p.key,
        &p.usage_metadata,
        &p.candidates,
        &p.session_id_snake,
    ];
    if earlier.iter().any(|s| s.0) {
        return false;
    }
    let ids = [&p.session_id, &p.request_id, &p.cost_usd, &p.parent_uuid];
    let summary = p.kind == Some("summary") && p.leaf_uuid.0;
    let entry = p.timestamp.0 && p.message == Shape::Object && ids.iter().any(|s| s.0);
    (summary || entry) && p.kind != Some("assistant")
}

#[cfg(test)]
mod tests {
    use crate::input::{parse_line, parse_value};

    /// Every line of every fixture, and lines built to tempt the probe, read the same by both paths.
    #[test]
    fn the_fast_path_agrees_with_the_general_one() {
        let mut lines: Vec<Vec<u8>> = Vec::new();
        let mut stack = vec![std::path::PathBuf::from("fixtures")];
        while let Some(p) = stack.pop() {
            if p.is_dir() {
                stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
            } else if p.extension().is_some_and(|e| e == "jsonl") {
                lines.extend(std::fs::read(&p).unwrap().split(|&b| b == b'\n').map(<[u8]>::to_vec));
            }
        }
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
        ] {
            lines.push(tricky.as_bytes().to_vec());
        }
        assert!(lines.len() > 100);
        for l in lines.iter().filter(|l| !l.iter().all(u8::is_ascii_whitespace)) {
            assert_eq!(parse_line(l), parse_value(l), "{}", String::from_utf8_lossy(l));
        }
    }
}
