//! A fast path for bare OpenAI chat requests (`model`, `messages`, perhaps `tools`), the lines of agent logs that
//! carry no usage and re-send the whole conversation on every call. A hand scan of the line's bytes finds the model,
//! the user and where each message (and the tool definitions) starts and ends, and builds nothing: those bytes are
//! read (checked as UTF-8 and JSON, then counted) only when the message cache does not already know them, so a
//! message re-sent a hundred times is scanned a hundred times and read once. Bytes found in the cache are vouched
//! for by the cache: only what was read without fault is ever cached.
//!
//! The scan answers only for a line whose every key is one a request carries and no format detected earlier looks
//! at, whose model and user are plain strings, and whose other values serde_json reads, so the general path would
//! read it as `openai-request` too; anything else (metadata, an escaped string, a duplicate key) goes down the
//! general path, and so does a line with a message or tools that prove unreadable when they are read. A test and
//! the `parse_line` fuzz target check that the two agree, on the calls and on their counts.

use serde::de::IgnoredAny;

use super::{ChatMessage, RawCall, RawTokens, TextCall, detect, fields, shared};
use crate::tokenize::prefix::{self, Known, Seen};

/// A request's keys: those read, and those a request may carry that nothing reads.
fn request_key(key: &[u8]) -> Key {
    match key {
        b"model" => Key::Model,
        b"messages" => Key::Messages,
        b"user" => Key::User,
        b"tools" => Key::Tools,
        b"temperature"
        | b"top_p"
        | b"max_tokens"
        | b"max_completion_tokens"
        | b"n"
        | b"stream"
        | b"stream_options"
        | b"stop"
        | b"seed"
        | b"presence_penalty"
        | b"frequency_penalty"
        | b"logit_bias"
        | b"logprobs"
        | b"top_logprobs"
        | b"response_format"
        | b"tool_choice"
        | b"parallel_tool_calls"
        | b"reasoning_effort" => Key::Ignored,
        // Any other key sends the line down the general path.
        _ => Key::Other,
    }
}

/// Whether the scan reads a line with this top-level key, rather than leaving it to the general path.
#[cfg(test)]
pub fn accepts(key: &str) -> bool {
    request_key(key.as_bytes()) != Key::Other
}

/// A key's kind; those read are bits, so that one written twice is found.
#[derive(Clone, Copy, PartialEq)]
enum Key {
    Model = 1,
    Messages = 2,
    User = 4,
    Tools = 16,
    Ignored = 0,
    Other = 8,
}

/// A bare chat request as the scan found it.
#[derive(Debug)]
pub struct Request<'a> {
    pub model: &'a str,
    pub user: Option<&'a str>,
    pub text: RawText<'a>,
}

/// The text of a request as the line wrote it, not yet checked: each message's bytes (`read_message` checks and
/// reads one), and the tool definitions' (`read_tools`), which agents send unchanged on every call.
#[derive(Debug, Default)]
pub struct RawText<'a> {
    pub messages: Vec<&'a [u8]>,
    pub tools: Option<&'a [u8]>,
    /// The messages before `messages`, skipped over because an array that began with the same bytes was counted.
    pub known: Option<Known>,
    /// The messages array, to be remembered once its messages are counted.
    pub seen: Option<Seen>,
}

impl<'a> Request<'a> {
    /// The call with every message read, or `None` when one is unreadable (the general path then reads the line).
    pub fn into_call(self) -> Option<RawCall> {
        // Messages skipped over were never found: only the counting path knows what they hold.
        if self.text.known.is_some() {
            return None;
        }
        let mut text = TextCall::default();
        for m in &self.text.messages {
            let (msg, inexact) = read_message(m)?;
            text.messages.push(msg);
            text.inexact |= inexact;
        }
        if let Some(tools) = self.text.tools {
            text.prompt = read_tools(tools)?;
            text.inexact = true;
        }
        Some(self.call(text))
    }

    /// The call with nothing read, and the text to be read when it is counted.
    pub fn split(self) -> (RawCall, RawText<'a>) {
        // Tool definitions are counted as text: an estimate, as on the general path.
        let text = TextCall {
            inexact: self.text.tools.is_some(),
            ..TextCall::default()
        };
        (self.call(text), self.text)
    }

    fn call(&self, text: TextCall) -> RawCall {
        let mut call = RawCall::new(shared(self.model), RawTokens::Text(text));
        call.session = self.user.map(shared);
        call
    }
}

/// One message as the log wrote it, read as `fields::chat_messages` reads a message, and whether it has parts that
/// cannot be counted exactly; `None` when it is not UTF-8, not a JSON object, or not a message.
pub fn read_message(raw: &[u8]) -> Option<(ChatMessage, bool)> {
    let value = read_value(raw)?;
    if !value.is_object() {
        return None;
    }
    let mut inexact = false;
    let mut one = fields::chat_messages(serde_json::Value::Array(vec![value]), &mut inexact).ok()?;
    (one.len() == 1).then(|| (one.remove(0), inexact))
}

/// Tool definitions as the log wrote them, as the text the general path counts for them: the JSON value written
/// again (an estimate of what the model is shown). `None` when they are not UTF-8 or not JSON.
pub fn read_tools(raw: &[u8]) -> Option<String> {
    read_value(raw).map(|v| v.to_string())
}

/// A JSON value from bytes that the scan passed over unchecked. Lone surrogate escapes are repaired as on the
/// general path.
fn read_value(raw: &[u8]) -> Option<serde_json::Value> {
    let text = simdutf8::basic::from_utf8(raw).ok()?;
    serde_json::from_str(text)
        .or_else(|e| match detect::repair_surrogates(raw) {
            Some(fixed) => serde_json::from_slice(&fixed),
            None => Err(e),
        })
        .ok()
}

/// The request on this line, or `None` when the line must take the general path. Most other lines show it at their
/// first key, before the rest of the line is read.
pub fn scan(line: &[u8]) -> Option<Request<'_>> {
    let mut s = Scan { b: line, i: 0 };
    let (mut model, mut user, mut messages, mut tools) = (None, None, None, None);
    let mut seen = 0u8;
    s.ws();
    s.eat(b'{')?;
    loop {
        s.ws();
        let key = request_key(s.plain_string()?);
        // A key read twice: the general path keeps the last copy, the scan leaves the line to it.
        if key == Key::Other || seen & key as u8 != 0 {
            return None;
        }
        seen |= key as u8;
        s.ws();
        s.eat(b':')?;
        s.ws();
        match key {
            Key::Model => model = Some(s.text()?),
            Key::User => user = s.null_or(Scan::text)?,
            Key::Messages => messages = Some(s.messages()?),
            // Null tools are no tools; any other value but a list goes the general way.
            Key::Tools => tools = s.null_or(Scan::list)?,
            _ => s.any_value()?,
        }
        s.ws();
        match s.next()? {
            b',' => {}
            b'}' => break,
            _ => return None,
        }
    }
    s.ws();
    // A missing or blank model, or missing messages, are errors the general path words.
    let model = model.filter(|m: &&str| !m.trim().is_empty())?;
    let (messages, known, seen) = messages?;
    (s.i == line.len()).then_some(Request {
        model,
        user,
        text: RawText {
            messages,
            tools,
            known,
            seen,
        },
    })
}

/// A cursor over a line's bytes. Every method returns `None` at anything it does not expect, and never panics.
struct Scan<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Scan<'a> {
    fn ws(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn next(&mut self) -> Option<u8> {
        let c = *self.b.get(self.i)?;
        self.i += 1;
        Some(c)
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }

    /// A string without escapes or control characters: its bytes between the quotes.
    fn plain_string(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let rest = self.b.get(self.i..)?;
        let len = memchr::memchr2(b'"', b'\\', rest)?;
        let s = &rest[..len];
        if rest[len] != b'"' || s.iter().any(|&c| c < 0x20) {
            return None;
        }
        self.i += len + 1;
        Some(s)
    }

    /// A plain string that is UTF-8.
    fn text(&mut self) -> Option<&'a str> {
        simdutf8::basic::from_utf8(self.plain_string()?).ok()
    }

    /// `null` (`Some(None)`), or what `read` reads.
    fn null_or<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        if self.b.get(self.i..)?.starts_with(b"null") {
            self.i += 4;
            return Some(None);
        }
        read(self).map(Some)
    }

    /// Any JSON value, checked by serde_json (and as UTF-8, which serde_json does not check in what it skips).
    fn any_value(&mut self) -> Option<()> {
        let rest = self.b.get(self.i..)?;
        let mut values = serde_json::Deserializer::from_slice(rest).into_iter::<IgnoredAny>();
        values.next()?.ok()?;
        let len = values.byte_offset();
        simdutf8::basic::from_utf8(&rest[..len]).ok()?;
        self.i += len;
        Some(())
    }

    /// A list of objects: each one's bytes, found by its brackets and strings and not otherwise checked. When the
    /// list begins with the bytes of one remembered (`prefix`), the scan starts after them, and those messages are
    /// the known ones; the list as seen is returned too, to be remembered.
    #[allow(clippy::type_complexity)]
    fn messages(&mut self) -> Option<(Vec<&'a [u8]>, Option<Known>, Option<Seen>)> {
        let start = self.i;
        self.eat(b'[')?;
        let mut out = Vec::new();
        let found = prefix::recall(&self.b[start..]);
        let known = found.as_ref().map(|(k, _)| *k);
        let hashed = found.map(|(k, hash)| (k.len, hash));
        // Where the last message ends, and whether the scan stands just after one.
        let (mut end, mut after) = (start, false);
        if let Some(k) = known {
            (end, after) = (start + k.len, true);
            self.i = end;
        }
        if !after {
            self.ws();
            if self.b.get(self.i) == Some(&b']') {
                self.i += 1;
                return Some((out, None, None));
            }
        }
        loop {
            if !after {
                self.ws();
                let m = self.i;
                if self.b.get(m) != Some(&b'{') {
                    return None;
                }
                self.extent()?;
                out.push(&self.b[m..self.i]);
                end = self.i;
            }
            after = false;
            self.ws();
            match self.next()? {
                b',' => {}
                b']' => break,
                _ => return None,
            }
        }
        let seen = prefix::seen(&self.b[start..end], hashed);
        Some((out, known, seen))
    }

    /// A list's bytes, found by its brackets and strings and not otherwise checked.
    fn list(&mut self) -> Option<&'a [u8]> {
        let start = self.i;
        if self.b.get(start) != Some(&b'[') {
            return None;
        }
        self.extent()?;
        Some(&self.b[start..self.i])
    }

    /// Moves past the object or list that starts here (at its bracket): right for any valid one, and somewhere for
    /// anything else.
    fn extent(&mut self) -> Option<()> {
        self.next()?;
        let mut depth = 1usize;
        loop {
            match self.next()? {
                b'"' => self.string_rest()?,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(());
                    }
                }
                _ => {}
            }
        }
    }

    /// Moves past the rest of a string whose opening quote was read: to the first quote not escaped, which is one
    /// after an even run of backslashes (in JSON, a run of backslashes inside a string starts an escape). Messages
    /// escape a newline every line or so, but seldom a quote: looking for quotes alone takes far fewer steps.
    fn string_rest(&mut self) -> Option<()> {
        loop {
            let at = self.i + memchr::memchr(b'"', self.b.get(self.i..)?)?;
            let backslashes = self.b[..at].iter().rev().take_while(|&&c| c == b'\\').count();
            self.i = at + 1;
            if backslashes % 2 == 0 {
                return Some(());
            }
        }
    }
}
