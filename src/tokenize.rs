//! Exact OpenAI token counting with tiktoken-rs, the way `encode_ordinary` counts (special-token text is plain text).
//!
//! Encoders are built lazily, once per thread: a single encoder shared by rayon threads gives no speed-up (its
//! internals contend), one per worker does. A run whose logs all carry usage never builds one.

use std::cell::OnceCell;
use tiktoken_rs::CoreBPE;

/// The BPE encodings tokencost counts exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Encoding {
    O200kBase,
    Cl100kBase,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::O200kBase => "o200k_base",
            Encoding::Cl100kBase => "cl100k_base",
        }
    }

    pub fn parse(s: &str) -> Option<Encoding> {
        match s {
            "o200k_base" => Some(Encoding::O200kBase),
            "cl100k_base" => Some(Encoding::Cl100kBase),
            _ => None,
        }
    }
}

thread_local! {
    static O200K: OnceCell<CoreBPE> = const { OnceCell::new() };
    static CL100K: OnceCell<CoreBPE> = const { OnceCell::new() };
}

/// Tokens in `text`, as tiktoken's `encode_ordinary` counts them.
pub fn count(enc: Encoding, text: &str) -> u64 {
    if text.is_empty() {
        return 0;
    }
    let cell = match enc {
        Encoding::O200kBase => &O200K,
        Encoding::Cl100kBase => &CL100K,
    };
    cell.with(|c| {
        let bpe = c.get_or_init(|| match enc {
            // The vocabularies are compiled into tiktoken-rs; building cannot fail on its own bundled data.
            Encoding::O200kBase => tiktoken_rs::o200k_base().expect("bundled o200k_base vocabulary"),
            Encoding::Cl100kBase => tiktoken_rs::cl100k_base().expect("bundled cl100k_base vocabulary"),
        });
        bpe.encode_ordinary(text).len() as u64
    })
}

/// One chat message as OpenAI frames it for counting: every string field is encoded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChatMessage {
    pub role: String,
    pub content: String,
    pub name: Option<String>,
    /// Other string fields of the message (e.g. `tool_call_id`), encoded like the rest.
    pub extra: Vec<String>,
}

/// Tokens per message, per `name`, and the reply priming, from OpenAI's cookbook
/// ("How to count tokens with tiktoken", gpt-3.5-turbo-0125 / gpt-4 / gpt-4o family).
const TOKENS_PER_MESSAGE: u64 = 3;
const TOKENS_PER_NAME: u64 = 1;
const REPLY_PRIMING: u64 = 3;

/// The prompt tokens of a chat request: framing plus every encoded field, plus the reply priming.
pub fn count_chat(enc: Encoding, messages: &[ChatMessage]) -> u64 {
    let mut n = REPLY_PRIMING;
    for m in messages {
        n += TOKENS_PER_MESSAGE + count(enc, &m.role) + count(enc, &m.content);
        if let Some(name) = &m.name {
            n += TOKENS_PER_NAME + count(enc, name);
        }
        n += m.extra.iter().map(|s| count(enc, s)).sum::<u64>();
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row of the reference counts (made with OpenAI's Python tiktoken), both encodings, texts and chats.
    #[test]
    fn matches_tiktoken_on_every_reference_row() {
        let reference = include_str!("../fixtures/token-counts.jsonl");
        let mut checked = 0;
        for line in reference.lines() {
            let row: serde_json::Value = serde_json::from_str(line).unwrap();
            for enc in [Encoding::O200kBase, Encoding::Cl100kBase] {
                let want = row[enc.name()].as_u64().unwrap();
                let got = match row["kind"].as_str().unwrap() {
                    "text" => count(enc, row["text"].as_str().unwrap()),
                    "chat" => {
                        let mut inexact = false;
                        let msgs = crate::input::chat_messages(&row["messages"], &mut inexact).unwrap();
                        assert!(!inexact);
                        count_chat(enc, &msgs)
                    }
                    k => panic!("unknown kind {k}"),
                };
                assert_eq!(got, want, "{} {}", row["id"], enc.name());
                checked += 1;
            }
        }
        assert_eq!(checked, 2 * reference.lines().count());
        assert!(checked >= 600);
    }

    #[test]
    fn special_token_text_is_plain_text() {
        // encode_ordinary splits "<|endoftext|>" into ordinary pieces instead of one special token.
        assert!(count(Encoding::Cl100kBase, "<|endoftext|>") > 1);
        assert!(count(Encoding::O200kBase, "<|endoftext|>") > 1);
    }

    #[test]
    fn chat_framing_is_three_per_message_plus_three() {
        let m = ChatMessage {
            role: "user".into(),
            content: String::new(),
            ..Default::default()
        };
        // "user" is one token in both encodings.
        assert_eq!(count_chat(Encoding::O200kBase, std::slice::from_ref(&m)), 3 + 1 + 3);
        let named = ChatMessage {
            name: Some("bob".into()),
            ..m
        };
        assert_eq!(count_chat(Encoding::O200kBase, &[named]), 3 + 1 + 1 + 1 + 3);
    }
}
