//! Reading logged LLM calls: one module per log format behind one interface, detected line by line.
//!
//! A format turns one parsed JSON line into zero or more `RawCall`s: the usage its provider reported, or the text
//! that must be counted. `detect.rs` holds the order in which formats are tried; `read.rs` streams lines in
//! bounded batches.

mod detect;
mod fields;
mod native;
mod openai_chat;
mod read;

use chrono::{DateTime, Utc};

use crate::pricing::Tokens;
use crate::tokenize::ChatMessage;

pub use detect::parse_line;
#[cfg(test)]
pub use fields::chat_messages;
pub use read::{LineReader, expand_paths};

/// One logged call as its format describes it, before tokens are counted or prices looked up.
#[derive(Debug, Clone, PartialEq)]
pub struct RawCall {
    pub model: String,
    pub session: Option<String>,
    pub timestamp: Option<DateTime<Utc>>,
    /// Billed at the provider's batch rate.
    pub batch: bool,
    pub tokens: RawTokens,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RawTokens {
    /// Usage the provider reported, already normalised into disjoint buckets.
    Reported(Tokens),
    /// No usage: the text to count.
    Text(TextCall),
}

#[derive(Debug, Clone, PartialEq, Default)]
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
}

impl SkipReason {
    pub fn label(self) -> &'static str {
        match self {
            SkipReason::InvalidJson => "invalid JSON",
            SkipReason::UnknownShape => "unrecognised line",
            SkipReason::BadValue => "bad value",
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
}

/// A format module's answer for one line: the calls it holds (none for lines that are not calls).
pub type Parsed = Result<Vec<RawCall>, LineError>;
