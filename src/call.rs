//! The bottom layer: the plain types of a logged call that every other layer shares (its tokens, where they came
//! from, how it is grouped, where it was read) and that use nothing of the crate.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use std::sync::Arc;

/// Token counts in disjoint billing buckets: what a provider bills each at its own rate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tokens {
    /// Fresh (uncached) input tokens.
    pub input: u64,
    /// Input tokens read from the prompt cache.
    pub cache_read: u64,
    /// Input tokens written to a 5-minute cache.
    pub cache_write_5m: u64,
    /// Input tokens written to a 1-hour cache.
    pub cache_write_1h: u64,
    /// Output tokens, reasoning included.
    pub output: u64,
}

impl Tokens {
    /// Every token of the prompt, whichever bucket it is billed in.
    pub fn prompt(&self) -> u64 {
        self.input
            .saturating_add(self.cache_read)
            .saturating_add(self.cache_write_5m)
            .saturating_add(self.cache_write_1h)
    }

    pub fn add(&mut self, o: &Tokens) {
        self.input = self.input.saturating_add(o.input);
        self.cache_read = self.cache_read.saturating_add(o.cache_read);
        self.cache_write_5m = self.cache_write_5m.saturating_add(o.cache_write_5m);
        self.cache_write_1h = self.cache_write_1h.saturating_add(o.cache_write_1h);
        self.output = self.output.saturating_add(o.output);
    }
}

/// What a report's rows are: serialised by its name (`"model"`, `"day"`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    Model,
    Provider,
    Session,
    Day,
    /// The week (from `--start-of-week`) a call falls in, by its first day.
    Week,
    Month,
    /// The agent's working directory.
    Project,
    /// The git branch checked out there.
    Branch,
    /// The team a gateway logged the call under (LiteLLM `team_id`).
    Team,
    /// The tags a gateway logged with the call (Bedrock `requestMetadata`, Helicone properties, LiteLLM
    /// `request_tags`), as one sorted key.
    Tag,
    Call,
}

impl GroupBy {
    pub fn name(self) -> &'static str {
        match self {
            GroupBy::Model => "model",
            GroupBy::Provider => "provider",
            GroupBy::Session => "session",
            GroupBy::Day => "day",
            GroupBy::Week => "week",
            GroupBy::Month => "month",
            GroupBy::Project => "project",
            GroupBy::Branch => "branch",
            GroupBy::Team => "team",
            GroupBy::Tag => "tag",
            GroupBy::Call => "call",
        }
    }
}

/// Where a call's token counts came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TokenSource {
    /// Usage the provider reported.
    Reported,
    /// Counted exactly with the model's tokenizer.
    Counted,
    /// An approximation: no exact tokenizer, or parts that cannot be counted offline.
    Estimated,
}

impl TokenSource {
    pub fn name(self) -> &'static str {
        match self {
            TokenSource::Reported => "reported",
            TokenSource::Counted => "counted",
            TokenSource::Estimated => "estimated",
        }
    }
}

/// A call after counting and lookup, ready to be folded.
#[derive(Debug, Clone)]
pub struct Call {
    pub model: Arc<str>,
    pub resolution: Resolution,
    pub session: Option<Arc<str>>,
    /// The project (an agent's working directory) and git branch, when the log says.
    pub project: Option<Arc<str>>,
    pub branch: Option<Arc<str>>,
    /// The team and the tags a gateway logged the call under, when it says.
    pub team: Option<Arc<str>>,
    pub tag: Option<Arc<str>>,
    /// What the log itself says the call cost, in USD (a gateway's own price), when it says.
    pub reported_cost: Option<Decimal>,
    pub timestamp: Option<DateTime<Utc>>,
    pub tier: Tier,
    pub tokens: Tokens,
    pub source: TokenSource,
    /// False for a record that a request was not billed.
    pub billed: bool,
    pub dedup: Option<Dedup>,
    pub stream: Option<Stream>,
}

/// Identity of a response for de-duplication, and how complete this copy of it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Dedup {
    /// A 128-bit hash of the key's namespace and id: computed where the line is parsed, so the folding thread only
    /// compares numbers, and nothing is kept of the id itself.
    pub key: u128,
    /// Higher wins; a tie is broken by the copies' contents and places, never by read order (`fold::dedup`).
    pub rank: (u8, u8, u64),
}

/// Lines of one streamed session: `Provisional` lines count only if no `Final` line of the same scope exists.
#[derive(Debug, Clone, PartialEq)]
pub enum Stream {
    Provisional(String),
    Final(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Resolution {
    Found(usize),
    Unknown,
    /// Several providers list this name; qualify it as `provider/name`.
    Ambiguous(Vec<String>),
    /// The log states the provider that served the call (this provider id), and it does not list the name: the
    /// call is not priced at another provider's rates.
    NotListed(String),
}

/// The service tier a call was billed in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    #[default]
    Standard,
    Batch,
    Priority,
    Flex,
}

impl Tier {
    /// The tier a log's `service_tier` names. `default`, `auto`, `standard`, `scale` and anything unknown bill at
    /// the standard rates.
    /// Spellings differ by provider and SDK: `priority`, `PRIORITY`, `SERVICE_TIER_PRIORITY`, Vertex's
    /// `ON_DEMAND_PRIORITY`; only the last word counts.
    pub fn from_service_tier(s: &str) -> Tier {
        let word = s.rsplit('_').next().unwrap_or(s);
        if word.eq_ignore_ascii_case("batch") {
            Tier::Batch
        } else if word.eq_ignore_ascii_case("priority") {
            Tier::Priority
        } else if word.eq_ignore_ascii_case("flex") {
            Tier::Flex
        } else {
            Tier::Standard
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Tier::Standard => "standard",
            Tier::Batch => "batch",
            Tier::Priority => "priority",
            Tier::Flex => "flex",
        }
    }

    /// A one-byte code for spill records.
    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(c: u8) -> Option<Tier> {
        [Tier::Standard, Tier::Batch, Tier::Priority, Tier::Flex]
            .get(usize::from(c))
            .copied()
    }
}

/// What is billed at one price: a model, one of its dated rows, a service tier, a prompt-size level (0 below
/// every long-context threshold, `i` at the row's `i`-th).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BucketKey {
    pub model: usize,
    pub row: usize,
    pub tier: Tier,
    pub level: u8,
}

/// What the logs themselves say some calls cost: the sum, how many calls said, and their tokens (so that the list
/// price of exactly those calls can be set beside it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportedSums {
    pub calls: u64,
    pub usd: Decimal,
    pub tokens: Tokens,
}

/// Integer sums of the calls in one bucket.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sums {
    pub calls: u64,
    pub tokens: Tokens,
    /// Calls by token source: reported, counted, estimated.
    pub sources: [u64; 3],
    /// The calls whose log stated its own cost.
    pub reported: ReportedSums,
}

impl Sums {
    pub fn add(&mut self, t: &Tokens, source: TokenSource) {
        self.calls = self.calls.saturating_add(1);
        self.tokens.add(t);
        self.sources[source as usize] = self.sources[source as usize].saturating_add(1);
    }

    /// Adds a call with the cost its log stated, if it stated one. A sum beyond what a decimal holds saturates:
    /// it is a figure shown beside the bill, never part of it.
    pub fn add_call(&mut self, t: &Tokens, source: TokenSource, reported: Option<Decimal>) {
        self.add(t, source);
        if let Some(usd) = reported {
            self.reported.calls = self.reported.calls.saturating_add(1);
            self.reported.usd = self.reported.usd.saturating_add(usd);
            self.reported.tokens.add(t);
        }
    }

    /// Adds another bucket's sums. Counts saturate, as token sums do: sums read back from a partial result made
    /// elsewhere may hold any figure, and must not overflow.
    pub fn merge(&mut self, o: &Sums) {
        self.calls = self.calls.saturating_add(o.calls);
        self.tokens.add(&o.tokens);
        for i in 0..3 {
            self.sources[i] = self.sources[i].saturating_add(o.sources[i]);
        }
        self.reported.calls = self.reported.calls.saturating_add(o.reported.calls);
        self.reported.usd = self.reported.usd.saturating_add(o.reported.usd);
        self.reported.tokens.add(&o.reported.tokens);
    }
}

/// Where a call was read: file number, line, and position among the line's calls. Orders everything.
pub type Place = (usize, u64, usize);

/// A file's names: its label in reports, and the session its lines without one fall under (its file name).
#[derive(Debug, Clone)]
pub struct FileNames {
    pub label: String,
    pub session_fallback: String,
}

/// One logged call, for fitting a shape: its session, prompt and output tokens, in input order.
#[derive(Debug, Clone)]
pub struct Traced {
    pub session: String,
    pub prompt: u64,
    pub output: u64,
}
