//! The fast paths of a chat request (the byte scan, remembered arrays, the message cache) against the general
//! path: every line must give the same calls and counts both ways.

use super::{process, process_general};
use crate::input::{Content, Line, RawTokens, parse_line, parse_value, read_line};
use crate::pricing;

/// Whether the scan reads this line (with every message readable), rather than the general path.
fn scanned(line: &[u8]) -> bool {
    match read_line(line) {
        Ok(Line::Request(r)) => r.into_call().is_some(),
        _ => false,
    }
}

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
        // Quotes and brackets inside strings, after runs of backslashes of every parity.
        r#"{"model":"gpt-4o","messages":[{"role":"user","content":"say \"}\" and \\"},{"role":"user","content":"\\\"]{"}]}"#,
        r#"{"model":"gpt-4o","messages":[{"role":"user","content":"\\\\","name":"a\"b"},{"content":"{[}]"}]}"#,
        r#"{"model":"gpt-4o","temperature":1,"top_p":0.5,"stop":["\"]"],"messages":[]}"#,
        r#"{"model":"gpt-4o","stop":"\ud800","messages":[]}"#,
        // Tool definitions, counted as the general path writes them again (keys in its order, escapes undone).
        r#"{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function"}]}"#,
        r#"{"model":"gpt-4o","tools":[{"b":"\u00e9\"]","a":[1,2.50,{}]}],"messages":[]}"#,
        r#"{"model":"gpt-4o","tools":[],"messages":[{"role":"user","content":"x"}]}"#,
        r#"{"model":"gpt-4o","tools":null,"messages":[{"role":"user","content":"x"}]}"#,
        r#"{"model":"gpt-4o","tools":["cut \ud83d"],"messages":[]}"#,
        r#"{"model":"gpt-4o","tools":[1e400],"messages":[]}"#,
        " {\t\"model\" :\"gpt-4o\" , \"messages\":[ {\"role\":\"user\",\"content\":\"x\"} , {} ] ,\"user\": \"u\" } ",
    ];
    let general = [
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
        // Broken messages: the scan passes over them, reading them fails, the general path words the error.
        r#"{"model":"gpt-4o","messages":[{"role":"user","content":"x"]}]}"#,
        r#"{"model":"gpt-4o","messages":[{"role":"user","content":"x\"}]}"#,
        r#"{"model":"gpt-4o","messages":[{"role":"user","content":"x","content":1 2}]}"#,
        r#"{"model":"gpt-4o","messages":[{"role":"user","content":"a\qb"}]}"#,
        "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"tab\tinside\"}]}",
        r#"{"model":"gpt-4o","messages":[{"role":"user","content":"x"}]} x"#,
        r#"{"model":"gpt-4o","messages":[{"role":"user","content":"x"},]}"#,
        r#"{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],}"#,
        r#"{"model":"gpt-4o","temperature":01,"messages":[]}"#,
        r#"{"model":"gpt-4o","messages":[{"role":"user","content":"\"#,
        r#"{"model":"gpt-4o","messages":[{"#,
        r#"{"model":"gpt-4o","tools":{"type":"function"},"messages":[]}"#,
        r#"{"model":"gpt-4o","tools":[{"type":"function"]],"messages":[]}"#,
        r#"{"model":"gpt-4o","tools":[],"tools":[],"messages":[]}"#,
    ];
    // Invalid UTF-8 inside a message, and in a value nothing reads: left to the general path, which reads each
    // invalid byte as U+FFFD and counts the text as an estimate.
    let bad: [&[u8]; 2] = [
        b"{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"\xff\"}]}",
        b"{\"model\":\"gpt-4o\",\"stop\":\"\xff\",\"messages\":[]}",
    ];
    let table = pricing::load(&[]).unwrap();
    let lines = answered.iter().chain(&general).map(|l| l.as_bytes()).chain(bad);
    // Twice: the second time, messages counted the first time come from the message cache.
    for line in lines.clone().chain(lines) {
        let shown = String::from_utf8_lossy(line);
        assert_eq!(parse_line(line), parse_value(line), "{shown}");
        let (fast, general) = (process(line, &table, None), process_general(line, &table, None));
        assert_eq!(format!("{fast:?}"), format!("{general:?}"), "{shown}");
    }
    for line in answered {
        assert!(scanned(line.as_bytes()), "{line}");
    }
    for line in general.iter().map(|l| l.as_bytes()).chain(bad) {
        assert!(!scanned(line), "{}", String::from_utf8_lossy(line));
    }
    for line in bad {
        let Ok((_, Content::Calls(calls))) = parse_line(line) else {
            panic!("{}", String::from_utf8_lossy(line));
        };
        assert!(matches!(&calls[0].tokens, RawTokens::Text(t) if t.inexact));
    }
}

/// A request of `model` re-sending `messages`, with `sep` between them.
fn request(model: &str, messages: &[String], sep: &str) -> String {
    format!(
        r#"{{"model":"{model}","user":"s","messages":[{}]}}"#,
        messages.join(sep)
    )
}

fn message(role: &str, i: usize) -> String {
    // Words that the two encodings split differently.
    let vocabulary = ["word", "naïve", "東京", "данные", "Straße", "🙂", "tokenizer"];
    let words: String = (0..80)
        .map(|w| format!("{}{} ", vocabulary[(i + w) % 7], (i * 7 + w) % 13))
        .collect();
    format!(r#"{{"role":"{role}","content":"turn {i}: {words}"}}"#)
}

/// Whether the scan starts after a remembered array, on the line as it is now.
fn recalled(line: &str) -> bool {
    matches!(read_line(line.as_bytes()), Ok(Line::Request(r)) if r.text.known.is_some())
}

/// Arrays that begin with one counted before are scanned from where it ended, and counted as the general path
/// counts them, whatever follows: new messages, none, a broken one, another encoding, bytes that only look
/// the same, or other conversations in between.
#[test]
fn a_remembered_array_is_counted_as_if_read_again() {
    let _flags = crate::tokenize::CACHE_FLAGS.lock().unwrap_or_else(|p| p.into_inner());
    let table = pricing::load(&[]).unwrap();
    let image = r#"{"role":"user","content":[{"type":"text","text":"look"},{"type":"image_url"}]}"#;
    let a: Vec<String> = [message("system", 0), image.to_string()]
        .into_iter()
        .chain((1..9).map(|i| message(["assistant", "tool"][i % 2], i)))
        .collect();
    let b: Vec<String> = (20..30).map(|i| message("user", i)).collect();
    // a's first five messages but for a few letters: its first four take as many bytes as a's, and end with the
    // same bytes, but have other tokens.
    let mut a_twin = a[..5].to_vec();
    a_twin[0] = a_twin[0].replacen("turn 0: word0", "turn 0: w o r", 1);
    assert_ne!(a_twin[0], a[0]);
    let broken = r#"{"role":"user","content":"a\qb"}"#.to_string();
    let with = |base: &[String], more: &str| [base.to_vec(), vec![more.to_string()]].concat();
    let lines: Vec<(String, bool)> = vec![
        (request("gpt-4o", &a[..2], ","), false),
        (request("gpt-4o", &a[..4], ","), true),
        (request("gpt-4o", &a_twin, ","), false),
        (request("gpt-4o", &b[..3], ","), false),
        (request("gpt-4o", &a[..6], ","), true),
        (request("gpt-4o", &b[..5], ","), true),
        // Nothing new.
        (request("gpt-4o", &a[..6], ","), true),
        // Another encoding: skipped by the scan, then counted by the general path.
        (request("gpt-4", &a[..8], ","), true),
        // A broken message after the known ones: the general path words the error.
        (request("gpt-4o", &with(&a[..6], &broken), ","), true),
        // Other spaces between messages: known up to the last message whose bytes are the same.
        (request("gpt-4o", &a[..8], " , "), false),
        (request("gpt-4o", &a[..10], " , "), true),
        // Not a request after all: the general path words what is wrong.
        (request("gpt-4o", &a[..10], ",").replace("}]}", "}x]}"), false),
        (request("gpt-4o", &b[..7], ","), true),
    ];
    for (n, (line, hit)) in lines.iter().enumerate() {
        assert_eq!(recalled(line), *hit, "line {n}: {line:.120}");
        let (fast, general) = (
            process(line.as_bytes(), &table, None),
            process_general(line.as_bytes(), &table, None),
        );
        assert_eq!(format!("{fast:?}"), format!("{general:?}"), "{line:.120}");
        assert_eq!(parse_line(line.as_bytes()), parse_value(line.as_bytes()), "{line:.120}");
    }
    // With the message cache off, nothing is remembered, and the counts are the same.
    crate::tokenize::set_cache(true, false);
    for (line, _) in &lines {
        assert!(!recalled(line));
        let (fast, general) = (
            process(line.as_bytes(), &table, None),
            process_general(line.as_bytes(), &table, None),
        );
        assert_eq!(format!("{fast:?}"), format!("{general:?}"), "{line:.120}");
    }
    crate::tokenize::set_cache(true, true);
}
