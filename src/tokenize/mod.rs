//! Exact OpenAI token counting, equal to tiktoken's `encode_ordinary` (special-token strings count as plain text).
//!
//! Counters are built lazily, one per worker thread: a single tiktoken-rs encoder shared by rayon threads gives no
//! speed-up (its internals contend), one per worker does. A run whose logs all carry usage never builds one.
//! Agent logs re-send the whole conversation on every call, so the count of every distinct chat message is also
//! remembered, across threads (keyed by a 128-bit hash of the message and the encoding).

mod ascii;
mod fast;
mod merge;
pub mod prefix;
mod table;
#[allow(dead_code, reason = "shared with build.rs, which uses the other half")]
mod table_layout;

use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use fast::Counter;

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

/// Whether counts are cached, of pieces and of whole messages. Off only to measure or check the uncached paths.
static PIECE_CACHE: AtomicBool = AtomicBool::new(true);
static MESSAGE_CACHE: AtomicBool = AtomicBool::new(true);

pub fn set_cache(pieces: bool, messages: bool) {
    PIECE_CACHE.store(pieces, Ordering::Relaxed);
    MESSAGE_CACHE.store(messages, Ordering::Relaxed);
}

/// Held by tests that set the cache flags, or that need them left alone.
#[cfg(test)]
pub static CACHE_FLAGS: Mutex<()> = Mutex::new(());

fn message_cache_on() -> bool {
    MESSAGE_CACHE.load(Ordering::Relaxed)
}

/// Distinct messages remembered before the memory starts over (each shard starts over on its own).
const MESSAGE_CACHE_LIMIT: usize = 1 << 20;

#[derive(Default)]
struct ThreadState {
    counters: [Option<Counter>; 2],
}

thread_local! {
    static STATE: RefCell<ThreadState> = RefCell::new(ThreadState::default());
}

/// Message counts, shared by every thread (a conversation's calls land on different threads, and each distinct
/// message should be counted once in all), in shards so that threads seldom wait on the same lock.
struct Messages([Mutex<FxHashMap<u128, u64>>; 16]);

impl Messages {
    fn shard(&self, key: u128) -> std::sync::MutexGuard<'_, FxHashMap<u128, u64>> {
        // A poisoned shard only means another thread panicked mid-insert; the map is still sound.
        self.0[(key as usize) & 15].lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The value remembered under `key`, or `count()` remembered there when it succeeds; with no key (caching
    /// off), `count()`. A failed count is not remembered.
    fn get_or_count<E>(&self, key: Option<u128>, count: impl FnOnce() -> Result<u64, E>) -> Result<u64, E> {
        let Some(key) = key else { return count() };
        if let Some(&n) = self.shard(key).get(&key) {
            return Ok(n);
        }
        // Counted without the lock held: another thread may count the same message meanwhile, to the same result.
        let n = count()?;
        let mut shard = self.shard(key);
        if shard.len() >= MESSAGE_CACHE_LIMIT / 16 {
            shard.clear();
        }
        shard.insert(key, n);
        Ok(n)
    }
}

fn message_cache() -> &'static Messages {
    static MESSAGES: OnceLock<Messages> = OnceLock::new();
    MESSAGES.get_or_init(|| Messages(std::array::from_fn(|_| Mutex::new(FxHashMap::default()))))
}

fn with_counter<R>(enc: Encoding, f: impl FnOnce(&mut Counter) -> R) -> R {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        let counter = s.counters[enc as usize].get_or_insert_with(|| Counter::new(enc));
        counter.cache = PIECE_CACHE.load(Ordering::Relaxed);
        f(counter)
    })
}

/// Tokens in `text`, as tiktoken's `encode_ordinary` counts them.
pub fn count(enc: Encoding, text: &str) -> u64 {
    if text.is_empty() {
        return 0;
    }
    with_counter(enc, |c| c.count(text))
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

impl ChatMessage {
    /// Identifies the message and the encoding: fields are length-prefixed so no two messages share a key.
    fn key(&self, enc: Encoding) -> u128 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(&[enc as u8]);
        let fields = [Some(&self.role), Some(&self.content), self.name.as_ref()];
        for f in fields.into_iter().chain(self.extra.iter().map(Some)) {
            match f {
                Some(s) => {
                    h.update(&(s.len() as u64 + 1).to_le_bytes());
                    h.update(s.as_bytes());
                }
                None => h.update(&0u64.to_le_bytes()),
            }
        }
        h.digest128()
    }

    fn tokens(&self, c: &mut Counter) -> u64 {
        let mut n = TOKENS_PER_MESSAGE + c.count(&self.role) + c.count(&self.content);
        if let Some(name) = &self.name {
            n += TOKENS_PER_NAME + c.count(name);
        }
        n + self.extra.iter().map(|s| c.count(s)).sum::<u64>()
    }
}

/// The prompt tokens of a chat request: framing plus every encoded field, plus the reply priming.
pub fn count_chat(enc: Encoding, messages: &[ChatMessage]) -> u64 {
    let cache = message_cache();
    with_counter(enc, |c| {
        let mut n = REPLY_PRIMING;
        for m in messages {
            let Ok(k) = cache.get_or_count(message_cache_on().then(|| m.key(enc)), || {
                Ok::<_, Infallible>(m.tokens(c))
            });
            n += k;
        }
        n
    })
}

/// The message cache's key for bytes as the log wrote them, when the cache is on: one call over the bytes (the
/// streaming hasher costs more on long messages). Seeds keep kinds of text and encodings apart, and apart from
/// `ChatMessage::key`'s keys, which hash with seed 0.
fn raw_key(raw: &[u8], seed: u64) -> Option<u128> {
    message_cache_on().then(|| xxhash_rust::xxh3::xxh3_128_with_seed(raw, seed))
}

/// The prompt tokens of chat messages held as the log wrote them (each a JSON object's bytes), and whether any is
/// inexact: like `count_chat`, but a message already counted is found by a hash of its bytes, without `read` (which
/// checks the bytes and turns them into a message) running again. Only messages that `read` accepted are cached, so
/// a message found in the cache is known to be readable. `None` when `read` refuses a message.
pub fn count_raw_chat<'a>(
    enc: Encoding,
    raw: impl Iterator<Item = &'a [u8]>,
    (after, seen): (Option<&prefix::Known>, Option<&prefix::Seen>),
    read: fn(&[u8]) -> Option<(ChatMessage, bool)>,
) -> Option<(u64, bool)> {
    /// The top bit of a cached count marks an inexact message.
    const INEXACT: u64 = 1 << 63;
    let cache = message_cache();
    let (mut n, mut inexact) = (REPLY_PRIMING, false);
    // Messages the scan skipped over, known from an earlier array that began with the same bytes.
    if let Some(known) = after {
        let packed = known.tokens(enc)?;
        n += packed & !INEXACT;
        inexact |= packed & INEXACT != 0;
    }
    with_counter(enc, |c| {
        for r in raw {
            let key = raw_key(r, 0x80 | enc as u64);
            let packed = cache
                .get_or_count(key, || {
                    let (m, i) = read(r).ok_or(())?;
                    Ok::<_, ()>(m.tokens(c) | if i { INEXACT } else { 0 })
                })
                .ok()?;
            n += packed & !INEXACT;
            inexact |= packed & INEXACT != 0;
        }
        Some(())
    })?;
    if let Some(seen) = seen {
        let packed = (n - REPLY_PRIMING) | if inexact { INEXACT } else { 0 };
        prefix::remember(seen, enc, packed, after);
    }
    Some((n, inexact))
}

/// The tokens of a text held as the log wrote it (`read` turns those bytes into the text), found by a hash of the
/// bytes when the same bytes were read before: agents send the same tool definitions with every call. `None` when
/// `read` refuses them.
pub fn count_raw_text(enc: Encoding, raw: &[u8], read: fn(&[u8]) -> Option<String>) -> Option<u64> {
    // A seed of its own keeps these keys apart from the messages'.
    let key = raw_key(raw, 0x100 | enc as u64);
    message_cache()
        .get_or_count(key, || read(raw).map(|t| count(enc, &t)).ok_or(()))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row of the reference counts (made with OpenAI's Python tiktoken), both encodings, texts and chats.
    #[test]
    fn matches_tiktoken_on_every_reference_row() {
        let reference = include_str!("../../fixtures/token-counts.jsonl");
        let mut checked = 0;
        for line in reference.lines() {
            let row: serde_json::Value = serde_json::from_str(line).unwrap();
            for enc in [Encoding::O200kBase, Encoding::Cl100kBase] {
                let want = row[enc.name()].as_u64().unwrap();
                let got = match row["kind"].as_str().unwrap() {
                    "text" => {
                        // The per-thread counter with its caches, and a fresh one without.
                        let text = row["text"].as_str().unwrap();
                        let mut uncached = Counter::new(enc);
                        uncached.cache = false;
                        assert_eq!(uncached.count(text), want, "{} {} uncached", row["id"], enc.name());
                        count(enc, text)
                    }
                    "chat" => {
                        // The reference chats have only string `role`, `content` and `name` fields.
                        let field =
                            |m: &serde_json::Value, k: &str| m.get(k).and_then(|v| v.as_str()).map(String::from);
                        let msgs: Vec<ChatMessage> = (row["messages"].as_array().unwrap().iter())
                            .map(|m| ChatMessage {
                                role: field(m, "role").unwrap(),
                                content: field(m, "content").unwrap(),
                                name: field(m, "name"),
                                extra: Vec::new(),
                            })
                            .collect();
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

    /// Strings built to hit every branch of the split patterns: whitespace runs of every kind before letters,
    /// digits and punctuation; contractions in both cases; combining marks; letters of every case class; scripts
    /// without spaces; emoji; long runs. Each is counted by tiktoken-rs itself and by the fast path, cached and not.
    fn random_texts(n: usize, seed: u64) -> Vec<String> {
        const POOL: &[&str] = &[
            " ",
            "  ",
            "   ",
            "\t",
            "\n",
            "\r\n",
            "\r",
            "\u{a0}",
            "\u{3000}",
            "\u{2009}",
            "\u{85}",
            "\u{2028}",
            " \n ",
            "a",
            "b",
            "z",
            "A",
            "Z",
            "Hello",
            "WORLD",
            "mIxEd",
            "ǅ",
            "ǈ",
            "ʰ",
            "ª",
            "é",
            "e\u{301}",
            "\u{301}",
            "\u{94d}",
            "'s",
            "'S",
            "'t",
            "'re",
            "'VE",
            "'m",
            "'ll",
            "'d",
            "'x",
            "’s",
            "'",
            "\"",
            "0",
            "7",
            "42",
            "1234",
            "12345",
            "٣",
            "٤٥",
            "१२",
            "½",
            "Ⅻ",
            "!",
            "?",
            ".",
            ",",
            ";",
            "/",
            "//",
            "\\",
            "-",
            "_",
            "(",
            ")",
            "{",
            "}",
            "<|endoftext|>",
            "<|im_start|>",
            "東京",
            "の",
            "天気",
            "价格",
            "Стоимость",
            "падает",
            "تكلفة",
            "मॉडल",
            "ไทย",
            "한국어",
            "🚀",
            "👩‍💻",
            "🇫🇷",
            "\u{fe0f}",
            "\u{200d}",
            "\u{0}",
            "\u{7f}",
            "\u{ffff}",
            "xxxxxxxxxxxxxxxxxxxxxxxx",
        ];
        let mut x = seed | 1;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        (0..n)
            .map(|_| {
                let len = (next() % 40) as usize;
                (0..len).map(|_| POOL[(next() % POOL.len() as u64) as usize]).collect()
            })
            .collect()
    }

    #[test]
    fn fast_path_equals_tiktoken_on_random_multilingual_text() {
        let texts = random_texts(50_000, 0x5eed);
        for enc in [Encoding::O200kBase, Encoding::Cl100kBase] {
            let reference = match enc {
                Encoding::O200kBase => tiktoken_rs::o200k_base_singleton(),
                Encoding::Cl100kBase => tiktoken_rs::cl100k_base_singleton(),
            };
            let mut cached = Counter::new(enc);
            let mut uncached = Counter::new(enc);
            uncached.cache = false;
            for t in &texts {
                let want = reference.encode_ordinary(t).len() as u64;
                assert_eq!(cached.count(t), want, "{} {t:?}", enc.name());
                assert_eq!(uncached.count(t), want, "{} {t:?}", enc.name());
            }
            // A second pass runs on warm caches.
            for t in &texts {
                assert_eq!(
                    cached.count(t),
                    reference.encode_ordinary(t).len() as u64,
                    "{} {t:?}",
                    enc.name()
                );
            }
        }
    }

    #[test]
    fn long_pieces_take_the_heap_merge() {
        // Single pieces of 100 to 200,000 bytes (letters, and mixed letter runs), counted in O(n log n).
        let reference = tiktoken_rs::o200k_base_singleton();
        let mut texts: Vec<String> = vec!["a".repeat(200_000), "ab".repeat(5_000), "xyzzy".repeat(400)];
        texts.extend(
            random_texts(300, 11)
                .into_iter()
                .map(|t| t.replace([' ', '\n', '\t'], "").repeat(20)),
        );
        for t in texts {
            assert_eq!(
                count(Encoding::O200kBase, &t),
                reference.encode_ordinary(&t).len() as u64,
                "{t:.80}"
            );
        }
    }

    #[test]
    fn cached_and_uncached_chat_counts_agree() {
        let _flags = CACHE_FLAGS.lock().unwrap_or_else(|p| p.into_inner());
        let msgs: Vec<ChatMessage> = random_texts(200, 7)
            .into_iter()
            .enumerate()
            .map(|(i, t)| ChatMessage {
                role: ["system", "user", "assistant"][i % 3].into(),
                content: t,
                name: (i % 5 == 0).then(|| "alice".to_string()),
                extra: Vec::new(),
            })
            .collect();
        for enc in [Encoding::O200kBase, Encoding::Cl100kBase] {
            set_cache(true, true);
            let warm = (count_chat(enc, &msgs), count_chat(enc, &msgs));
            set_cache(true, false);
            let pieces_only = count_chat(enc, &msgs);
            set_cache(false, false);
            let cold = count_chat(enc, &msgs);
            set_cache(true, true);
            assert_eq!((warm.0, warm.1, pieces_only), (cold, cold, cold));
        }
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
