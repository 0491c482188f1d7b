//! The pipeline's middle: lines are parsed, looked up and counted in parallel, batch by batch, then folded in
//! input order into integer token sums per group and price bucket. Nothing here is priced: sums are priced once,
//! in `report`, so results do not depend on scheduling or thread count.

use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::diag::Diag;
use crate::input::{self, LineError, LineReader, RawCall, RawTokens, SkipReason, TextCall};
use crate::pricing::{PriceTable, Resolution, Tokenizer, Tokens};
use crate::tokenize::{self, Encoding};

/// Lines and bytes read per batch: big enough to keep every core busy, small enough to bound memory.
const BATCH_LINES: usize = 8192;
const BATCH_BYTES: usize = 16 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Model,
    Provider,
    Session,
    Day,
    Call,
}

impl GroupBy {
    pub fn name(self) -> &'static str {
        match self {
            GroupBy::Model => "model",
            GroupBy::Provider => "provider",
            GroupBy::Session => "session",
            GroupBy::Day => "day",
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

/// A call after counting and lookup, ready to be summed.
#[derive(Debug, Clone)]
struct Call {
    model: String,
    resolution: Resolution,
    session: Option<String>,
    date: Option<NaiveDate>,
    batch: bool,
    tokens: Tokens,
    source: TokenSource,
}

/// What is billed at one price: a model, one of its dated rows, batch or not, long-context tier or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BucketKey {
    pub model: usize,
    pub row: usize,
    pub batch: bool,
    pub long: bool,
}

/// Integer sums of the calls in one bucket.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sums {
    pub calls: u64,
    pub tokens: Tokens,
    /// Calls by token source: reported, counted, estimated.
    pub sources: [u64; 3],
}

impl Sums {
    fn add(&mut self, t: &Tokens, source: TokenSource) {
        self.calls += 1;
        self.tokens.add(t);
        self.sources[source as usize] += 1;
    }

    pub fn merge(&mut self, o: &Sums) {
        self.calls += o.calls;
        self.tokens.add(&o.tokens);
        for i in 0..3 {
            self.sources[i] += o.sources[i];
        }
    }
}

/// One `--by call` row's identity.
#[derive(Debug, Clone)]
pub struct CallInfo {
    pub file: String,
    pub line: u64,
    pub model: String,
    pub source: TokenSource,
}

#[derive(Debug, Default)]
pub struct Group {
    pub key: String,
    pub buckets: BTreeMap<BucketKey, Sums>,
    pub call: Option<CallInfo>,
}

/// Counts of what a run read, for the summary line and the report.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub files: u64,
    pub unreadable_files: u64,
    pub lines: u64,
    pub calls: u64,
    pub priced_calls: u64,
    pub unpriced_calls: u64,
    pub skipped: BTreeMap<SkipReason, u64>,
}

impl Stats {
    pub fn skipped_lines(&self) -> u64 {
        self.skipped.values().sum()
    }
}

#[derive(Debug, Default)]
pub struct Analysis {
    /// In first-seen order; the report sorts them.
    pub groups: Vec<Group>,
    /// Calls whose model has no price, by the name the log gave.
    pub unpriced: BTreeMap<String, (Sums, Resolution)>,
    pub stats: Stats,
}

pub struct Engine<'a> {
    pub table: &'a PriceTable,
    pub by: GroupBy,
    pub pool: rayon::ThreadPool,
}

/// Counts a call's text. Exact for OpenAI encodings and plain text; otherwise an o200k_base count scaled by the
/// provider's ratio, and labelled as an estimate.
fn count_text(t: &TextCall, tokenizer: Option<Tokenizer>) -> (Tokens, TokenSource) {
    let (enc, ratio) = match tokenizer {
        Some(Tokenizer::Exact(e)) => (e, None),
        Some(Tokenizer::Estimate(r)) => (Encoding::O200kBase, Some(r)),
        None => (Encoding::O200kBase, Some(1.0)),
    };
    let mut input = tokenize::count(enc, &t.prompt);
    if !t.messages.is_empty() {
        input += tokenize::count_chat(enc, &t.messages);
    }
    let mut output = tokenize::count(enc, &t.completion);
    if let Some(r) = ratio {
        input = (input as f64 * r).round() as u64;
        output = (output as f64 * r).round() as u64;
    }
    let exact = ratio.is_none() && !t.inexact;
    let tokens = Tokens {
        input,
        output,
        ..Tokens::default()
    };
    (
        tokens,
        if exact {
            TokenSource::Counted
        } else {
            TokenSource::Estimated
        },
    )
}

fn finish_call(raw: RawCall, table: &PriceTable) -> Call {
    let resolution = table.resolve(&raw.model);
    let tokenizer = match &resolution {
        Resolution::Found(i) => Some(table.model(*i).tokenizer),
        _ => None,
    };
    let (tokens, source) = match raw.tokens {
        RawTokens::Reported(t) => (t, TokenSource::Reported),
        RawTokens::Text(t) => count_text(&t, tokenizer),
    };
    Call {
        model: raw.model,
        resolution,
        session: raw.session,
        date: raw.timestamp.map(|t| t.date_naive()),
        batch: raw.batch,
        tokens,
        source,
    }
}

fn process(bytes: &[u8], table: &PriceTable) -> Result<Vec<Call>, LineError> {
    let raws = input::parse_line(bytes)?;
    Ok(raws.into_iter().map(|r| finish_call(r, table)).collect())
}

fn file_label(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}

impl Engine<'_> {
    pub fn run(&self, paths: &[PathBuf], diag: &mut Diag) -> Analysis {
        let mut a = Analysis::default();
        let mut index: HashMap<String, usize> = HashMap::new();
        let (files, errors) = input::expand_paths(paths);
        for (p, e) in errors {
            diag.error(&format!("{}: cannot read directory: {e}", p.display()));
            a.stats.unreadable_files += 1;
        }
        for path in files {
            let label = file_label(&path);
            let mut reader = match LineReader::open(&path) {
                Ok(r) => r,
                Err(e) => {
                    diag.error(&format!("{label}: cannot read: {e}"));
                    a.stats.unreadable_files += 1;
                    continue;
                }
            };
            a.stats.files += 1;
            let session_fallback = path
                .file_name()
                .map_or(label.clone(), |n| n.to_string_lossy().into_owned());
            loop {
                let batch = match reader.next_batch(BATCH_LINES, BATCH_BYTES) {
                    Ok(Some(b)) => b,
                    Ok(None) => break,
                    Err(e) => {
                        diag.error(&format!("{label}: read failed after line {}: {e}", a.stats.lines));
                        a.stats.unreadable_files += 1;
                        break;
                    }
                };
                let results: Vec<Result<Vec<Call>, LineError>> = self.pool.install(|| {
                    batch
                        .lines
                        .par_iter()
                        .map(|l| process(batch.bytes(l), self.table))
                        .collect()
                });
                for (line, result) in batch.lines.iter().zip(results) {
                    a.stats.lines += 1;
                    match result {
                        Ok(calls) => {
                            let many = calls.len() > 1;
                            for (n, call) in calls.into_iter().enumerate() {
                                let at = if many {
                                    format!("{label}:{}#{}", line.number, n + 1)
                                } else {
                                    format!("{label}:{}", line.number)
                                };
                                self.add(&mut a, &mut index, call, &at, &label, line.number, &session_fallback);
                            }
                        }
                        Err(e) => {
                            *a.stats.skipped.entry(e.reason).or_default() += 1;
                            diag.line_problem(&label, line.number, &e.message);
                        }
                    }
                }
            }
            diag.end_file(&label);
        }
        a
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &self,
        a: &mut Analysis,
        index: &mut HashMap<String, usize>,
        call: Call,
        at: &str,
        file: &str,
        line: u64,
        session_fallback: &str,
    ) {
        a.stats.calls += 1;
        let model_idx = match call.resolution {
            Resolution::Found(i) => i,
            ref other => {
                a.stats.unpriced_calls += 1;
                let e = a
                    .unpriced
                    .entry(call.model.clone())
                    .or_insert_with(|| (Sums::default(), other.clone()));
                e.0.add(&call.tokens, call.source);
                return;
            }
        };
        a.stats.priced_calls += 1;
        let model = self.table.model(model_idx);
        let row = model.row_at(call.date);
        let key = BucketKey {
            model: model_idx,
            row,
            batch: call.batch,
            long: model.prices[row].is_long(call.tokens.prompt()),
        };
        let group_key = match self.by {
            GroupBy::Model => model.full_id(),
            GroupBy::Provider => model.provider.clone(),
            GroupBy::Session => call.session.clone().unwrap_or_else(|| session_fallback.to_string()),
            GroupBy::Day => call.date.map_or_else(|| "unknown".to_string(), |d| d.to_string()),
            GroupBy::Call => at.to_string(),
        };
        let gi = *index.entry(group_key.clone()).or_insert_with(|| {
            a.groups.push(Group {
                key: group_key,
                ..Group::default()
            });
            a.groups.len() - 1
        });
        let g = &mut a.groups[gi];
        if self.by == GroupBy::Call {
            g.call = Some(CallInfo {
                file: file.to_string(),
                line,
                model: call.model.clone(),
                source: call.source,
            });
        }
        g.buckets.entry(key).or_default().add(&call.tokens, call.source);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::ChatMessage;

    #[test]
    fn estimates_scale_an_o200k_count() {
        let t = TextCall {
            prompt: "hello world".into(), // 2 tokens in o200k_base
            ..TextCall::default()
        };
        let (tok, src) = count_text(&t, Some(Tokenizer::Estimate(1.5)));
        assert_eq!((tok.input, src), (3, TokenSource::Estimated));
        let (tok, src) = count_text(&t, Some(Tokenizer::Exact(Encoding::O200kBase)));
        assert_eq!((tok.input, src), (2, TokenSource::Counted));
    }

    #[test]
    fn chat_and_prompt_add_up() {
        let t = TextCall {
            messages: vec![ChatMessage {
                role: "user".into(),
                content: "hello world".into(),
                ..ChatMessage::default()
            }],
            prompt: "hello world".into(),
            completion: "hello world".into(),
            inexact: false,
        };
        // chat: 3 + user(1) + hello world(2) + 3 = 9; prompt 2; completion 2
        let (tok, _) = count_text(&t, Some(Tokenizer::Exact(Encoding::O200kBase)));
        assert_eq!((tok.input, tok.output), (11, 2));
    }
}
