//! Agent sessions that re-send their whole conversation on every call, counted end to end: each call's prompt is
//! worked out below from the reference counts (OpenAI's Python tiktoken), and must come out the same whichever
//! cache is on and however many threads count.
//!
//! fixtures/agent_sessions.jsonl holds bare chat requests whose messages are the single-message reference chats
//! public-0279, -0275, -0267, -0263, -0276 and -0287, in that order. A one-message chat counts 3 (reply priming)
//! plus the message, so the messages are worth, in o200k_base, 20-3, 35-3, 54-3, 31-3, 20-3, 37-3 =
//! 17, 32, 51, 28, 17, 34, and in cl100k_base 17, 32, 62, 28, 38, 34. Call k sends the first k messages and
//! counts 3 plus their sum:
//! - agent-a, gpt-4o, compact with raw UTF-8, six calls: 20 + 52 + 103 + 131 + 148 + 182 = 636
//! - agent-b, gpt-4 (cl100k_base), byte for byte the same messages as agent-a, keys in another order, three
//!   calls: 20 + 52 + 114 = 186 (the same bytes counted for another encoding are not taken from the cache)
//! - agent-c, gpt-4o, written with spaces and \u escapes, three calls: 20 + 52 + 103 = 175
//! - agent-d, gpt-4o, the same three calls as agent-c with one tool definition on each: tools are counted as the
//!   JSON text of their value, written compact with its keys in order, which OpenAI's Python tiktoken 0.14.0 counts
//!   as 48 o200k_base tokens: 175 + 3 x 48 = 319, every call an estimate (the model is shown tools otherwise)

mod common;

use serde_json::Value;

fn sessions(extra: &[&str]) -> Vec<(String, u64, u64, u64, u64)> {
    let out = common::tokencost()
        .args([
            "analyze",
            "fixtures/agent_sessions.jsonl",
            "--by",
            "session",
            "--format",
            "json",
        ])
        .args(extra)
        .assert()
        .success();
    let report: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let mut rows: Vec<_> = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let n = |k: &str| g[k].as_u64().unwrap();
            (
                g["key"].as_str().unwrap().to_string(),
                n("calls"),
                n("input_tokens"),
                n("counted_calls"),
                n("estimated_calls"),
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn re_sent_messages_count_the_same_with_and_without_caches() {
    let want = vec![
        ("agent-a".to_string(), 6, 636, 6, 0),
        ("agent-b".to_string(), 3, 186, 3, 0),
        ("agent-c".to_string(), 3, 175, 3, 0),
        ("agent-d".to_string(), 3, 319, 0, 3),
    ];
    for extra in [
        &[][..],
        &["--no-message-cache"],
        &["--no-cache"],
        &["--threads", "1"],
        &["--threads", "2", "--no-message-cache"],
    ] {
        assert_eq!(sessions(extra), want, "{extra:?}");
    }
}
