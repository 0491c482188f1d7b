//! Reading logged LLM calls: one module per log format behind one interface, detected line by line.
//!
//! A format turns one parsed JSON line into zero or more `RawCall`s: the usage its provider reported, or the text
//! that must be counted. `formats.rs` is the table of formats in the order they are tried; `read.rs` streams lines in
//! bounded batches.

mod anthropic;
mod bedrock;
mod chunk;
mod claude_code;
mod claude_stream;
mod codex;
mod codex_exec;
mod context;
mod csv_rows;
mod depth;
mod detect;
mod fields;
mod formats;
mod gateway;
mod gemini;
mod gemini_cli;
mod gemini_telemetry;
mod gzip;
mod helicone;
mod langfuse;
mod litellm;
mod native;
mod openai_batch;
mod openai_chat;
mod openai_responses;
mod opencode;
mod opencode_db;
mod openrouter;
mod otel;
mod pretty;
mod probe;
mod read;
mod request_probe;
mod stream;
mod utf16;
mod walk;
mod zstd;

use chrono::{DateTime, Utc};
use std::sync::Arc;

use crate::call::{Dedup, Stream, Tier, TokenSource, Tokens};
use crate::tokenize::ChatMessage;

pub use chunk::{ChunkBuf, FileExt, read_chunk};
pub use context::{FileContext, Keep, Meta, Pending, Step};
pub use csv_rows::{Lines, csv_head};
pub use detect::{Content, Line, parse_line, parse_value, read_line};
#[cfg(test)]
pub use fields::chat_messages;
pub use fields::take_zoneless;
pub use formats::{FORMATS, Format, FormatId, Shape};
pub use gateway::take_notes;
pub use opencode_db::lines as database_lines;
pub use read::{Batch, DEFAULT_MAX_LINE, LineReader, named_file};
pub use request_probe::{RawText, Request, read_message, read_tools};
pub use stream::needs_stream;
pub use walk::{Expanded, expand_paths, file_kind};

/// Every line of every `.jsonl` fixture, for tests that check a reader against all the real-shaped input there is.
#[cfg(test)]
pub(crate) fn fixture_lines() -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    let mut stack = vec![std::path::PathBuf::from("fixtures")];
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else if p.extension().is_some_and(|e| e == "jsonl") {
            lines.extend(std::fs::read(&p).unwrap().split(|&b| b == b'\n').map(<[u8]>::to_vec));
        }
    }
    lines
}

/// A shared copy of a model or session name: the names a thread saw last are handed out again instead of copied,
/// so a transcript's thousands of calls cost no allocation for the three models and one session they name.
pub fn shared(name: &str) -> Arc<str> {
    thread_local! {
        static RECENT: std::cell::RefCell<Vec<Arc<str>>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    RECENT.with_borrow_mut(|recent| {
        if let Some(a) = recent.iter().find(|a| ***a == *name) {
            return a.clone();
        }
        let a: Arc<str> = name.into();
        if recent.len() >= 16 {
            recent.remove(0);
        }
        recent.push(a.clone());
        a
    })
}

/// One logged call as its format describes it, before tokens are counted or prices looked up.
#[derive(Debug, Clone, PartialEq)]
pub struct RawCall {
    /// Shared, not copied: a log names a few models and sessions over and over (see `shared`).
    pub model: Arc<str>,
    /// The provider the log says served the call, as a price-table provider id (`bedrock` for OTel's
    /// `aws.bedrock`): the model is then priced within that provider or not at all.
    pub provider: Option<&'static str>,
    pub session: Option<Arc<str>>,
    /// The project the call was made for (an agent's working directory), when the log says.
    pub project: Option<Arc<str>>,
    /// The git branch checked out there, when the log says.
    pub branch: Option<Arc<str>>,
    /// The team and the tags (one sorted key) a gateway logged the call under.
    pub team: Option<Arc<str>>,
    pub tag: Option<Arc<str>>,
    /// The cost the log itself states for the call, in USD: kept beside the list price, never instead of it.
    pub reported_cost: Option<rust_decimal::Decimal>,
    pub timestamp: Option<DateTime<Utc>>,
    /// The service tier billed: batch, priority, flex or standard.
    pub tier: Tier,
    pub tokens: RawTokens,
    /// The same response may be written more than once; only the best-ranked line with a key is counted.
    pub dedup: Option<Dedup>,
    /// Part of a stream whose final summary line, when present, replaces it.
    pub stream: Option<Stream>,
    /// The price entry to look the call up by (`provider/id`) instead of `model`: tokencost's own export states
    /// the entry that billed the call, so a re-read prices it exactly as the first read did.
    pub price_name: Option<Arc<str>>,
    /// Where reported usage came from when the log says it was counted or estimated (tokencost's own export).
    pub source: Option<TokenSource>,
}

impl RawCall {
    pub fn new(model: impl Into<Arc<str>>, tokens: RawTokens) -> Self {
        RawCall {
            model: model.into(),
            provider: None,
            session: None,
            project: None,
            branch: None,
            team: None,
            tag: None,
            reported_cost: None,
            timestamp: None,
            tier: Tier::Standard,
            tokens,
            dedup: None,
            stream: None,
            price_name: None,
            source: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum RawTokens {
    /// Usage the provider reported, already normalised into disjoint buckets.
    Reported(Tokens),
    /// No usage: the text to count.
    Text(TextCall),
    /// A record that a keyed request was not billed (a failed or expired batch request): it wins its key so the
    /// request line is not counted, and is itself no call.
    NotBilled,
}

fn dedup_key(namespace: &str, id: &[u8]) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(namespace.as_bytes());
    // Never in UTF-8 text: namespace and id cannot run into each other.
    h.update(&[0xff]);
    h.update(id);
    h.digest128()
}

impl Dedup {
    /// A response identified by the provider's own id (`msg_...`, `chatcmpl-...`): the same id is the same
    /// response, whichever log wrote it. The copy with the fullest usage wins, a main-thread copy over a replay.
    pub fn response(id: &str, tokens: &Tokens, replay: bool) -> Dedup {
        let total = tokens.prompt().saturating_add(tokens.output);
        Dedup {
            key: dedup_key("id", id.as_bytes()),
            rank: (2, u8::from(!replay), total),
        }
    }

    /// A batch request (`outcome` false) or its result (`outcome` true), joined by the batch's custom id.
    pub fn batch(namespace: &str, custom_id: &str, outcome: bool) -> Dedup {
        Dedup {
            key: dedup_key(namespace, custom_id.as_bytes()),
            rank: (1 + u8::from(outcome), 1, 0),
        }
    }

    /// The same identity, kept apart from every other namespace's.
    pub fn within(self, namespace: &str) -> Dedup {
        Dedup {
            key: dedup_key(namespace, &self.key.to_le_bytes()),
            rank: self.rank,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextCall {
    /// Chat messages, counted with OpenAI's chat framing.
    pub messages: Vec<ChatMessage>,
    /// Plain prompt text, counted as is.
    pub prompt: String,
    /// Completion text, counted as is.
    pub completion: String,
    /// Parts the counter cannot count exactly (images, tool definitions): the count is an estimate.
    pub inexact: bool,
}

/// Why a line was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    InvalidJson,
    UnknownShape,
    BadValue,
    /// Longer than the longest line read.
    TooLong,
}

impl SkipReason {
    pub fn label(self) -> &'static str {
        match self {
            SkipReason::InvalidJson => "invalid JSON",
            SkipReason::UnknownShape => "unrecognised line",
            SkipReason::BadValue => "bad value",
            SkipReason::TooLong => "line too long",
        }
    }
}

/// What is wrong with one line. The message never quotes the line's text: logs hold prompts.
#[derive(Debug, Clone, PartialEq)]
pub struct LineError {
    pub reason: SkipReason,
    pub message: String,
}

impl LineError {
    pub fn bad(message: impl Into<String>) -> Self {
        LineError {
            reason: SkipReason::BadValue,
            message: message.into(),
        }
    }

    /// A line longer than `max_line` bytes, which was not kept.
    pub fn too_long(max_line: usize) -> Self {
        LineError {
            reason: SkipReason::TooLong,
            message: format!("line longer than {max_line} bytes (--max-line-bytes): not read"),
        }
    }
}

/// A format module's answer for one line: the calls it holds (none for lines that are not calls).
pub type Parsed = Result<Vec<RawCall>, LineError>;
