//! A fast path for bare OpenAI chat requests (`model`, `messages`), the lines of agent logs that carry no usage and
//! re-send the whole conversation on every call. The probe reads the model and user, keeps each message as the JSON
//! text the log wrote (`TextCall::raw_messages`), and builds no JSON tree: a message is read only when it is counted,
//! and one already counted is recognised by its bytes.
//!
//! It answers only for a line whose every key is one a request carries and no format detected earlier looks at, so
//! the general path would read it as `openai-request` too; anything else (tools, metadata, an escaped string, a
//! duplicate key) goes down the general path. A test and the `parse_line` fuzz target check that the two agree.

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

use super::probe::{entries, object_only};
use super::{RawCall, RawMessages, RawTokens, TextCall, shared};

/// A request's keys: those read, and those a request may carry that nothing reads.
fn request_key(key: &str) -> Option<usize> {
    match key {
        "model" => Some(0),
        "messages" => Some(1),
        "user" => Some(2),
        "temperature"
        | "top_p"
        | "max_tokens"
        | "max_completion_tokens"
        | "n"
        | "stream"
        | "stream_options"
        | "stop"
        | "seed"
        | "presence_penalty"
        | "frequency_penalty"
        | "logit_bias"
        | "logprobs"
        | "top_logprobs"
        | "response_format"
        | "tool_choice"
        | "parallel_tool_calls"
        | "reasoning_effort" => Some(3),
        // Any other key sends the line down the general path.
        _ => Some(4),
    }
}

#[derive(Default)]
struct Request<'a> {
    model: Option<&'a str>,
    messages: Option<Vec<&'a RawValue>>,
    user: Option<&'a str>,
}

fn read_request<'de, A: MapAccess<'de>>(r: &mut Request<'de>, map: &mut A) -> Result<(), A::Error> {
    entries(map, request_key, |i, map| {
        match i {
            0 => r.model = map.next_value()?,
            1 => r.messages = map.next_value()?,
            2 => r.user = map.next_value()?,
            3 => {
                map.next_value::<IgnoredAny>()?;
            }
            _ => return Err(de::Error::custom("not a bare request")),
        }
        Ok(())
    })
}

object_only!(Request, read_request);

/// The first key of a JSON object, as written (`None` when the line does not start that way, or the key is escaped).
fn first_key(text: &str) -> Option<&str> {
    let rest = text
        .trim_ascii_start()
        .strip_prefix('{')?
        .trim_ascii_start()
        .strip_prefix('"')?;
    let end = memchr::memchr2(b'"', b'\\', rest.as_bytes())?;
    (rest.as_bytes()[end] == b'"').then_some(&rest[..end])
}

/// The call of a bare chat request, or `None` when the line must take the general path.
pub fn openai_request(text: &str) -> Option<Vec<RawCall>> {
    // Most other lines show at their first key that they are not requests, before the whole line is read.
    if first_key(text).is_some_and(|k| request_key(k) == Some(4)) {
        return None;
    }
    let r = serde_json::from_str::<Request>(text).ok()?;
    // A missing or blank model, or messages that are not a list of objects, are errors the general path words.
    let model = r.model.filter(|m| !m.trim().is_empty())?;
    let messages = r.messages?;
    if !messages.iter().all(|m| m.get().starts_with('{')) {
        return None;
    }
    let text = TextCall {
        raw_messages: RawMessages::new(text, &messages.iter().map(|m| m.get()).collect::<Vec<_>>()),
        ..TextCall::default()
    };
    let mut call = RawCall::new(shared(model), RawTokens::Text(text));
    call.session = r.user.map(shared);
    Some(vec![call])
}

#[cfg(test)]
mod tests {
    use crate::input::{parse_line, parse_value};

    /// Requests built to tempt the probe read the same by both paths, and the probe answers for plain ones.
    #[test]
    fn the_fast_path_agrees_with_the_general_one() {
        let answered = [
            r#"{"model":"gpt-4o","messages":[{"role":"user","content":"hello"}]}"#,
            r#"{"model":"gpt-4o","user":"u1","temperature":0.2,"messages":[{"role":"system","content":"a\nb"},{"role":"user","content":"x","name":"bob"}]}"#,
            r#"{"messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"x"}}]}],"model":"gpt-4o-mini"}"#,
            r#"{"model":"gpt-4o","messages":[{"role":"tool","tool_call_id":"c1","content":"42"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1"}]}]}"#,
            r#"{"model":"gpt-4o","messages":[{"role":"user","content":"cut \ud83d"}]}"#,
            r#"{"model":"gpt-4o","messages":[{"role":"user","content":"big","n":1e400}]}"#,
            r#"{"model":"gpt-4o","messages":[]}"#,
            r#"{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"hé"}],"user":null}"#,
        ];
        let general = [
            r#"{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function"}]}"#,
            r#"{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"metadata":{"session_id":"s"}}"#,
            r#"{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"user":7}"#,
            r#"{"model":"gpt-4o","messages":{"role":"user"}}"#,
            r#"{"model":"gpt-4o","messages":["hello"]}"#,
            r#"{"model":"gpt-4o","messages":null}"#,
            r#"{"model":" ","messages":[]}"#,
            r#"{"model":"gpt-4o","model":"gpt-4","messages":[]}"#,
            r#"{"model":"gpt\u002d4o","messages":[]}"#,
            r#"{"model":"gpt-4o","messages":[],"prompt":"p"}"#,
            r#"{"model":"gpt-4o","messages":[],"usage":{"prompt_tokens":1}}"#,
            r#"{"model":"gpt-4o","messages":[],"object":"chat.completion"}"#,
            r#"{"model":"gpt-4o","messages":[{"role":"user","content":"x"}]"#,
            r#"{"model":"gpt-4o"}"#,
            r#"[{"model":"gpt-4o","messages":[]},{}]"#,
            r#"{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o","usage":{"prompt_tokens":3}}"#,
            r#" { "prompt" : "p", "model":"gpt-4o","messages":[]}"#,
        ];
        for line in answered.iter().chain(&general) {
            assert_eq!(parse_line(line.as_bytes()), parse_value(line.as_bytes()), "{line}");
        }
        for line in answered {
            assert!(super::openai_request(line).is_some(), "{line}");
        }
        for line in general {
            assert!(super::openai_request(line).is_none(), "{line}");
        }
        // Invalid UTF-8 inside a message: the line is refused, as the general path refuses it.
        let bad = b"{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"\xff\"}]}";
        assert!(parse_line(bad).is_err());
        assert_eq!(parse_line(bad), parse_value(bad));
    }
}
