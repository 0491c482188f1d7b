//! The pipeline's middle: lines are read in bounded batches, then parsed, looked up and counted in parallel, and
//! handed in input order to `fold`. Nothing here is priced: sums are priced once, in `report`, so results do not
//! depend on scheduling or thread count.

use anyhow::Context;
use rayon::prelude::*;
use std::path::PathBuf;

use crate::call::{Call, GroupBy, Resolution, TokenSource, Tokens};
use crate::diag::Diag;
use crate::fold::{Analysis, Filter, Fold, Placed};
use crate::input::{
    self, Batch, Content, FileContext, FormatId, Line, LineError, RawCall, RawText, RawTokens, Step, TextCall,
};
use crate::pricing::{PriceTable, Tokenizer};
use crate::tokenize::{self, Encoding};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::mpsc::{channel, sync_channel};

use crate::reader::{Read, read_all};

pub struct Engine<'a> {
    pub table: &'a PriceTable,
    pub by: GroupBy,
    pub filter: Filter,
    pub pool: rayon::ThreadPool,
    /// Keep every call's session and size (for fitting session shapes).
    pub trace: bool,
    /// Price every call as if it had been made on this model (`compare`).
    pub retarget: Option<usize>,
    /// Also sum calls by session and by model (for budgets).
    pub side_groups: bool,
    /// Also sum calls by day and model (for a chart of cost over time).
    pub timeline: bool,
    /// With side groups, count calls without a session under their file's name (`--session-from file`).
    pub file_sessions: bool,
    /// Draw a progress bar on stderr (only when it is a terminal).
    pub progress: bool,
    /// Waiting responses held in memory before they go to a temporary file, when not the fold's default.
    pub spill_at: Option<usize>,
    /// The longest line read, in bytes; a longer one is reported and skipped.
    pub max_line: usize,
}

/// Says what went wrong with temporary files: one not written (a warning: its contents stayed in memory) or one
/// not read back (an error: what it held is missing).
pub fn say_spills(stats: &crate::fold::Stats, diag: &mut Diag) {
    if let Some(e) = &stats.spill_error {
        diag.warn(&format!(
            "cannot write to a temporary file ({e}): what it would hold is kept in memory instead"
        ));
    }
    if let Some(e) = &stats.spill_lost {
        diag.error(&format!(
            "cannot read back a temporary file ({e}): some calls or sessions are missing"
        ));
    }
}

impl<'a> Engine<'a> {
    /// An engine on `threads` workers, with every option off.
    pub fn new(table: &'a PriceTable, by: GroupBy, threads: usize) -> anyhow::Result<Self> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("tokencost worker {i}"))
            .build()
            .with_context(|| format!("cannot start {threads} worker threads"))?;
        Ok(Engine {
            table,
            by,
            filter: Filter::default(),
            pool,
            trace: false,
            retarget: None,
            side_groups: false,
            timeline: false,
            file_sessions: false,
            progress: false,
            spill_at: None,
            max_line: input::DEFAULT_MAX_LINE,
        })
    }
}

fn progress_bar(files: &[PathBuf]) -> ProgressBar {
    let total: u64 = files
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:30} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {msg} ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Counts a call's text, and the text `raw` holds as the log wrote it. Exact for OpenAI encodings and plain text;
/// otherwise an o200k_base count scaled by the provider's ratio, and labelled as an estimate. `None` when a part of
/// `raw` cannot be read.
fn count_text(t: &TextCall, raw: &RawText, tokenizer: Option<Tokenizer>) -> Option<(Tokens, TokenSource)> {
    let (enc, ratio) = match tokenizer {
        Some(Tokenizer::Exact(e)) => (e, None),
        Some(Tokenizer::Estimate(r)) => (Encoding::O200kBase, Some(r)),
        None => (Encoding::O200kBase, Some(1.0)),
    };
    let mut input = tokenize::count(enc, &t.prompt);
    if !t.messages.is_empty() {
        input += tokenize::count_chat(enc, &t.messages);
    }
    let mut inexact = t.inexact;
    if let Some(tools) = raw.tools {
        input += tokenize::count_raw_text(enc, tools, input::read_tools)?;
    }
    if !raw.messages.is_empty() || raw.known.is_some() {
        let messages = raw.messages.iter().copied();
        let prefix = (raw.known.as_ref(), raw.seen.as_ref());
        let (n, raw_inexact) = tokenize::count_raw_chat(enc, messages, prefix, input::read_message)?;
        input += n;
        inexact |= raw_inexact;
    }
    let mut output = tokenize::count(enc, &t.completion);
    if let Some(r) = ratio {
        input = (input as f64 * r).round() as u64;
        output = (output as f64 * r).round() as u64;
    }
    let exact = ratio.is_none() && !inexact;
    let tokens = Tokens {
        input,
        output,
        ..Tokens::default()
    };
    let source = if exact {
        TokenSource::Counted
    } else {
        TokenSource::Estimated
    };
    Some((tokens, source))
}

/// How many o200k_base tokens one token of this tokenizer is taken to be worth, for moving a count between models.
/// cl100k_base is taken as equal: close for English, an estimate elsewhere.
fn o200k_ratio(t: Option<Tokenizer>) -> f64 {
    match t {
        Some(Tokenizer::Estimate(r)) => r,
        _ => 1.0,
    }
}

/// Reported usage of one model moved to another: unchanged when both count tokens the same way, else scaled by
/// their ratios to o200k_base and labelled as an estimate.
fn rescale(t: Tokens, from: Option<Tokenizer>, to: Tokenizer) -> (Tokens, TokenSource) {
    if from == Some(to) {
        return (t, TokenSource::Reported);
    }
    let k = o200k_ratio(Some(to)) / o200k_ratio(from);
    let s = |n: u64| (n as f64 * k).round() as u64;
    let scaled = Tokens {
        input: s(t.input),
        cache_read: s(t.cache_read),
        cache_write_5m: s(t.cache_write_5m),
        cache_write_1h: s(t.cache_write_1h),
        output: s(t.output),
    };
    (scaled, TokenSource::Estimated)
}

/// A call looked up and counted; `raw_text` is more of its text, still as the log wrote it. `None` when a part of
/// that cannot be read.
fn finish_call(raw: RawCall, raw_text: &RawText, table: &PriceTable, retarget: Option<usize>) -> Option<Call> {
    let logged = table.resolve_cached(raw.provider, raw.price_name.as_deref().unwrap_or(&raw.model));
    let logged_tokenizer = match &logged {
        Resolution::Found(i) => Some(table.model(*i).tokenizer),
        _ => None,
    };
    // Repricing on another model: its tokenizer counts the text, and its prices apply.
    let (resolution, tokenizer) = match retarget {
        Some(t) => (Resolution::Found(t), Some(table.model(t).tokenizer)),
        None => (logged, logged_tokenizer),
    };
    let (tokens, source, billed) = match raw.tokens {
        RawTokens::Reported(t) => match (retarget, tokenizer) {
            (Some(_), Some(to)) => {
                let (t, s) = rescale(t, logged_tokenizer, to);
                (t, s, true)
            }
            _ => (t, raw.source.unwrap_or(TokenSource::Reported), true),
        },
        RawTokens::Text(t) => {
            let (t, s) = count_text(&t, raw_text, tokenizer)?;
            (t, s, true)
        }
        RawTokens::NotBilled => (Tokens::default(), TokenSource::Reported, false),
    };
    Some(Call {
        model: raw.model,
        resolution,
        session: raw.session,
        project: raw.project,
        branch: raw.branch,
        team: raw.team,
        tag: raw.tag,
        reported_cost: raw.reported_cost,
        timestamp: raw.timestamp,
        tier: raw.tier,
        tokens,
        source,
        billed,
        dedup: raw.dedup,
        stream: raw.stream,
    })
}

/// A line's calls, looked up and counted; or the steps of an in-order format, which complete their calls from
/// the file's earlier lines when the line is folded, in the file's order.
#[derive(Debug)]
pub enum Out {
    Calls(Vec<Call>),
    Steps(Vec<Step>),
}

pub type LineResult = Result<(FormatId, Out), LineError>;

/// One line through parsing, model lookup and counting: the work each worker thread does.
pub fn process(bytes: &[u8], table: &PriceTable, retarget: Option<usize>) -> LineResult {
    match input::read_line(bytes)? {
        Line::Calls(format, content) => finish_all(format, content, table, retarget),
        // A request's text is counted from the line itself, never copied out of it.
        Line::Request(request) => {
            let (raw, text) = request.split();
            match finish_call(raw, &text, table, retarget) {
                Some(call) => Ok((FormatId::OpenaiRequest, Out::Calls(vec![call]))),
                // A message the request scan passed over proved unreadable: the general path reads the line, and
                // words what is wrong with it.
                None => process_general(bytes, table, retarget),
            }
        }
    }
}

/// `process` by the general path alone, with every fast path left out: what the fast paths must agree with.
pub fn process_general(bytes: &[u8], table: &PriceTable, retarget: Option<usize>) -> LineResult {
    let (format, content) = input::parse_value(bytes)?;
    finish_all(format, content, table, retarget)
}

/// Calls whose text is all read: counting them cannot fail. Steps wait for their file's context.
fn finish_all(format: FormatId, content: Content, table: &PriceTable, retarget: Option<usize>) -> LineResult {
    match content {
        Content::Calls(raws) => finish_raws(raws, table, retarget).map(|calls| (format, Out::Calls(calls))),
        Content::Steps(steps) => Ok((format, Out::Steps(steps))),
    }
}

fn finish_raws(raws: Vec<RawCall>, table: &PriceTable, retarget: Option<usize>) -> Result<Vec<Call>, LineError> {
    raws.into_iter()
        .map(|r| finish_call(r, &RawText::default(), table, retarget))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| LineError::bad("a chat message cannot be read"))
}

impl<'a> Engine<'a> {
    /// Reads `paths` on one thread while the workers parse and count the previous batch (a large plain file is read
    /// by the workers themselves), and folds the results in input order. At most a few batches are in memory at
    /// once, whatever the input's size.
    pub fn run(&self, paths: &[PathBuf], diag: &mut Diag) -> Analysis {
        let analysis = self.read(paths, diag).finish();
        say_spills(&analysis.stats, diag);
        analysis
    }

    /// Reads `paths` into a fold, as `run` does, and leaves it unsettled: the calls that wait for the whole input
    /// still wait (for a partial result, `Fold::into_pieces`).
    pub fn read(&self, paths: &[PathBuf], diag: &mut Diag) -> Fold<'a> {
        let mut fold = Fold::new(self.table, self.by, self.filter.clone());
        if self.trace {
            fold = fold.with_trace();
        }
        if self.side_groups {
            fold = fold.with_side_groups(self.file_sessions);
        }
        if self.timeline {
            fold = fold.with_timeline();
        }
        if let Some(n) = self.spill_at {
            fold = fold.with_spill_at(n);
        }
        let input::Expanded { files, errors, notes } = input::expand_paths(paths);
        // A tree of a million FIFOs or linked copies must not flood stderr: the first few, then a count.
        for note in notes.iter().take(crate::diag::LISTED) {
            diag.warn(note);
        }
        if notes.len() > crate::diag::LISTED {
            diag.warn(&format!(
                "{} more paths passed over in the walk, not shown",
                crate::fmt::thousands((notes.len() - crate::diag::LISTED) as u64)
            ));
        }
        for (p, e) in errors {
            diag.error(&format!("{}: cannot read directory: {e}", p.display()));
            fold.file_unreadable();
        }
        let bar = (self.progress && !diag.quiet && std::io::stderr().is_terminal()).then(|| progress_bar(&files));
        let (tx, rx) = sync_channel::<Vec<Read>>(2);
        let (recycle, recycled) = channel::<Vec<u8>>();
        let max_line = self.max_line;
        std::thread::scope(|scope| {
            let reader = std::thread::Builder::new()
                .name("tokencost reader".into())
                .spawn_scoped(scope, move || read_all(&files, max_line, &tx, &recycled));
            if let Err(e) = reader {
                diag.error(&format!("cannot start the thread that reads the logs: {e}"));
                fold.file_unreadable();
            }
            let mut files: Vec<OpenFile> = Vec::new();
            for msg in rx.into_iter().flatten() {
                match msg {
                    Read::Opened {
                        file_no,
                        names,
                        project,
                    } => {
                        files.resize_with(files.len().max(file_no + 1), OpenFile::default);
                        files[file_no] = OpenFile {
                            label: names.label.clone(),
                            context: FileContext {
                                place_project: project,
                                ..FileContext::default()
                            },
                        };
                        fold.file_opened(file_no, names);
                    }
                    Read::Note(n) => diag.warn(&n),
                    Read::Failed(e) => {
                        diag.error(&e);
                        fold.file_unreadable();
                    }
                    Read::Closed { label } => diag.end_file(&label),
                    Read::Whole { file_no, file, len } => {
                        self.fold_whole(
                            &mut fold,
                            diag,
                            (&mut files[file_no], file_no),
                            (&file, len),
                            bar.as_ref(),
                        );
                    }
                    Read::Batch(batch) => {
                        self.fold_batch(&mut fold, diag, &mut files, &batch);
                        if let Some(b) = &bar {
                            b.inc(batch.buf.len() as u64);
                            b.set_message(format!("{} lines", fold.stats().lines));
                        }
                        // The reader may be gone already; the buffer is then simply dropped.
                        let _ = recycle.send(batch.buf);
                    }
                }
            }
        });
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        // Workers count the timestamps they read without a zone; every line was parsed on one of them. Said once:
        // a log that writes one writes them all.
        let zoneless: u64 = self.pool.broadcast(|_| input::take_zoneless()).iter().sum();
        if zoneless > 0 {
            diag.warn("timestamps without a time zone were read as UTC");
        }
        // What the gateway readers noted (a usage key not known, a stated cost that is none), once each.
        let notes: std::collections::BTreeSet<String> = self
            .pool
            .broadcast(|_| input::take_notes())
            .into_iter()
            .flatten()
            .collect();
        for note in notes {
            diag.warn(&note);
        }
        fold
    }

    fn fold_batch(&self, fold: &mut Fold, diag: &mut Diag, files: &mut [OpenFile], batch: &Batch) {
        let results: Vec<LineResult> = self.pool.install(|| {
            batch
                .lines
                .par_iter()
                .map(|l| {
                    if l.too_long {
                        Err(LineError::too_long(self.max_line))
                    } else if let Some(p) = &l.problem {
                        Err(LineError::bad(p.clone()))
                    } else {
                        process(batch.bytes(l), self.table, self.retarget)
                    }
                })
                .collect()
        });
        for (line, result) in batch.lines.iter().zip(results) {
            let file = &mut files[line.file];
            let result = self.in_order(&mut file.context, result);
            fold_line(fold, diag, &file.label, (line.file, line.number), result);
        }
    }

    /// A line's calls, those of an in-order format completed from its file's context: called on each file's lines
    /// in the file's order.
    pub(crate) fn in_order(&self, cx: &mut FileContext, result: LineResult) -> Folded {
        let (format, out) = result?;
        match out {
            Out::Calls(calls) => Ok((format, calls)),
            Out::Steps(steps) => Ok((format, finish_raws(cx.apply(steps)?, self.table, self.retarget)?)),
        }
    }
}

/// A file being read: its label in messages, and what its lines have told so far.
#[derive(Default)]
pub(crate) struct OpenFile {
    pub label: String,
    pub context: FileContext,
}

/// A line ready to fold: its calls complete.
pub(crate) type Folded = Result<(FormatId, Vec<Call>), LineError>;

/// Folds the result of a line: its calls, or its problem said with the file's label and the line's number.
pub(crate) fn fold_line(fold: &mut Fold, diag: &mut Diag, label: &str, (file, number): (usize, u64), result: Folded) {
    match result {
        Ok((format, calls)) => {
            fold.line_read(format);
            for (n, call) in calls.into_iter().enumerate() {
                fold.push(Placed {
                    call,
                    place: (file, number, n),
                });
            }
        }
        Err(e) => {
            fold.line_skipped(e.reason);
            diag.line_problem(label, number, &e.message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::ChatMessage;

    const O200K: Option<Tokenizer> = Some(Tokenizer::Exact(Encoding::O200kBase));

    fn raw<'a>(messages: &[&'a [u8]]) -> RawText<'a> {
        RawText {
            messages: messages.to_vec(),
            ..RawText::default()
        }
    }

    fn count(t: &TextCall, messages: &[&[u8]], tokenizer: Option<Tokenizer>) -> (u64, TokenSource) {
        let (tok, src) = count_text(t, &raw(messages), tokenizer).unwrap();
        (tok.input, src)
    }

    #[test]
    fn estimates_scale_an_o200k_count() {
        let t = TextCall {
            prompt: "hello world".into(), // 2 tokens in o200k_base
            ..TextCall::default()
        };
        assert_eq!(
            count(&t, &[], Some(Tokenizer::Estimate(1.5))),
            (3, TokenSource::Estimated)
        );
        assert_eq!(count(&t, &[], O200K), (2, TokenSource::Counted));
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
            ..TextCall::default()
        };
        // chat: 3 + user(1) + hello world(2) + 3 = 9; prompt 2; completion 2
        let (tok, _) = count_text(&t, &RawText::default(), O200K).unwrap();
        assert_eq!((tok.input, tok.output), (11, 2));
        // The same message as the log wrote it, twice (the second time from the cache), and with an image part.
        let hello = br#"{"role": "user", "content": "hello world"}"#;
        let image = br#"{"role":"user","content":[{"type":"text","text":"hello world"},{"type":"image_url"}]}"#;
        let none = TextCall::default();
        for _ in 0..2 {
            assert_eq!(count(&none, &[hello], O200K), (9, TokenSource::Counted));
            assert_eq!(count(&none, &[image], O200K), (9, TokenSource::Estimated));
            // Two messages: 3 + (3 + 1 + 2) twice.
            assert_eq!(count(&none, &[hello, hello], O200K), (15, TokenSource::Counted));
        }
        // A message that is not JSON, or not UTF-8, is not counted, and never cached: the line goes the general way.
        for bad in [
            &br#"{"role": "user", "content": "hello world""#[..],
            b"{\"content\": \"\xff\"}",
            b"[1]",
        ] {
            for _ in 0..2 {
                assert!(count_text(&none, &raw(&[hello, bad]), O200K).is_none());
            }
        }
    }

    /// An in-order format's steps are completed from the file's context when folded: the model and running
    /// total of earlier lines, then looked up and priced like any call.
    #[test]
    fn steps_are_completed_in_the_files_order() {
        use crate::input::{FileContext, Pending, Step};
        let table = crate::pricing::load(&[]).unwrap();
        let engine = Engine::new(&table, GroupBy::Model, 1).unwrap();
        let total = |input, output| Tokens {
            input,
            output,
            ..Tokens::default()
        };
        let call = |t| {
            Step::Call(Box::new(Pending {
                total: Some(t),
                ..Pending::new(RawCall::new("", RawTokens::Reported(Tokens::default())))
            }))
        };
        let mut cx = FileContext::default();
        let line = |steps| Ok((FormatId::Native, Out::Steps(steps)));
        let (_, calls) = engine
            .in_order(
                &mut cx,
                line(vec![Step::Model("gpt-4o-2024-08-06".into()), call(total(100, 10))]),
            )
            .unwrap();
        assert_eq!(&*calls[0].model, "gpt-4o-2024-08-06");
        assert!(matches!(calls[0].resolution, Resolution::Found(_)));
        let (_, calls) = engine.in_order(&mut cx, line(vec![call(total(250, 30))])).unwrap();
        assert_eq!(calls[0].tokens, total(150, 20));
        // Usage before any model: the line is a problem of its own, and the next lines go on.
        let mut fresh = FileContext::default();
        assert!(engine.in_order(&mut fresh, line(vec![call(total(1, 1))])).is_err());
    }
}

#[cfg(test)]
mod request_scan_tests;
