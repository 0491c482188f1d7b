//! Folds counted calls, in input order, into integer token sums per group and price bucket.
//!
//! Calls that may be written more than once (a response id, a batch custom id, a streamed session) wait until the
//! whole input is read: only the best copy of each is added, in input order, so the result does not depend on
//! which file or batch a copy came from. Nothing here is priced.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::call::Stream;
use crate::call::{BucketKey, Call, FileNames, GroupBy, Place, Resolution, Sums, TokenSource, Tokens, Traced};
use crate::input::SkipReason;
use crate::pricing::PriceTable;
use crate::spill;

/// One `--by call` row's identity.
#[derive(Debug, Clone)]
pub struct CallInfo {
    pub file: String,
    pub line: u64,
    pub model: String,
    pub source: TokenSource,
}

#[derive(Debug)]
pub struct Group {
    pub key: String,
    pub first: Place,
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
    /// Copies of a response already counted from another line.
    pub duplicates: u64,
    /// Streamed lines replaced by their session's final usage line.
    pub superseded: u64,
    /// Batch requests whose result says they were not billed.
    pub not_billed: u64,
    /// Calls outside `--since`/`--until`, or without a timestamp while a filter is set.
    pub filtered_out: u64,
    pub skipped: BTreeMap<SkipReason, u64>,
    pub lines_by_format: BTreeMap<&'static str, u64>,
    /// Distinct sessions among the counted calls (a line without a session counts under its file's name).
    pub sessions: u64,
    /// The earliest and latest timestamps of the counted calls.
    pub first_call: Option<DateTime<Utc>>,
    pub last_call: Option<DateTime<Utc>>,
    /// Why waiting copies could not be written to temporary files (they stayed in memory: results are exact).
    pub spill_error: Option<String>,
    /// Why copies written to temporary files could not be read back (results are incomplete).
    pub spill_lost: Option<String>,
}

impl Stats {
    pub fn skipped_lines(&self) -> u64 {
        self.skipped.values().sum()
    }
}

/// Which calls count, and how days are cut.
#[derive(Debug, Clone)]
pub struct Filter {
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub timezone: Tz,
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            since: None,
            until: None,
            timezone: Tz::UTC,
        }
    }
}

/// A call and where it was read.
#[derive(Debug, Clone)]
pub struct Placed {
    pub call: Call,
    pub place: Place,
}

/// Names kept once each: the model and session names of the calls that wait for the end of the input.
#[derive(Default)]
struct Interner {
    ids: HashMap<Arc<str>, u32>,
    names: Vec<Arc<str>>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.names.len() as u32;
        let name: Arc<str> = s.into();
        self.names.push(name.clone());
        self.ids.insert(name, id);
        id
    }

    fn name(&self, id: u32) -> Arc<str> {
        self.names[id as usize].clone()
    }
}

/// A waiting call in a compact form: with many distinct responses in a long history, these entries are most of
/// what the fold holds, so names are interned and nothing is stored twice.
struct Kept {
    /// File, line and position, narrowed: no log has four billion files or lines.
    place: (u32, u32, u32),
    model: u32,
    session: Option<u32>,
    /// Most calls resolve to a model; the rare unpriced one keeps its reason boxed.
    model_idx: Result<usize, Box<Resolution>>,
    timestamp: Option<DateTime<Utc>>,
    tokens: Tokens,
    stream: Option<(bool, u32)>,
    batch: bool,
    billed: bool,
    source: TokenSource,
}

impl Kept {
    fn pack(p: Placed, names: &mut Interner) -> Kept {
        let c = p.call;
        Kept {
            place: (p.place.0 as u32, p.place.1 as u32, p.place.2 as u32),
            model: names.id(&c.model),
            session: c.session.map(|s| names.id(&s)),
            model_idx: match c.resolution {
                Resolution::Found(i) => Ok(i),
                other => Err(Box::new(other)),
            },
            timestamp: c.timestamp,
            tokens: c.tokens,
            stream: c.stream.map(|s| match s {
                Stream::Final(scope) => (true, names.id(&scope)),
                Stream::Provisional(scope) => (false, names.id(&scope)),
            }),
            batch: c.batch,
            billed: c.billed,
            source: c.source,
        }
    }

    /// The fixed-size record of a kept copy, after its key and rank. An unpriced model is written as "not found"
    /// and resolved again from its name when read back (a name always resolves the same way).
    fn encode(&self, key: u128, rank: (u8, u8, u64)) -> spill::Record {
        let mut r = [0u8; spill::RECORD];
        let mut at = 0;
        let mut put = |bytes: &[u8]| {
            r[at..at + bytes.len()].copy_from_slice(bytes);
            at += bytes.len();
        };
        put(&key.to_le_bytes());
        put(&[rank.0, rank.1]);
        put(&rank.2.to_le_bytes());
        for n in [self.place.0, self.place.1, self.place.2, self.model] {
            put(&n.to_le_bytes());
        }
        put(&self.session.unwrap_or(u32::MAX).to_le_bytes());
        let idx = self.model_idx.as_ref().map_or(u32::MAX, |&i| i as u32);
        put(&idx.to_le_bytes());
        match self.timestamp {
            Some(t) => {
                put(&[1]);
                put(&t.timestamp().to_le_bytes());
                put(&t.timestamp_subsec_nanos().to_le_bytes());
            }
            None => put(&[0; 13]),
        }
        let t = &self.tokens;
        for n in [t.input, t.cache_read, t.cache_write_5m, t.cache_write_1h, t.output] {
            put(&n.to_le_bytes());
        }
        match self.stream {
            Some((fin, scope)) => {
                put(&[1 + u8::from(fin)]);
                put(&scope.to_le_bytes());
            }
            None => put(&[0; 5]),
        }
        put(&[u8::from(self.batch), u8::from(self.billed), self.source as u8]);
        r
    }

    fn decode(r: &spill::Record, table: &PriceTable, names: &Interner) -> ((u8, u8, u64), Kept) {
        let mut at = 16;
        let mut take = |n: usize| {
            at += n;
            &r[at - n..at]
        };
        let u32_of = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let u64_of = |b: &[u8]| u64::from_le_bytes(b.try_into().unwrap_or_default());
        let flags = take(2);
        let rank = (flags[0], flags[1], u64_of(take(8)));
        let place = (u32_of(take(4)), u32_of(take(4)), u32_of(take(4)));
        let model = u32_of(take(4));
        let session = Some(u32_of(take(4))).filter(|&s| s != u32::MAX);
        let model_idx = match u32_of(take(4)) {
            u32::MAX => Err(Box::new(table.resolve(&names.names[model as usize]))),
            i => Ok(i as usize),
        };
        let has_time = take(1)[0] == 1;
        let secs = i64::from_le_bytes(take(8).try_into().unwrap_or_default());
        let nanos = u32_of(take(4));
        let timestamp = if has_time {
            DateTime::from_timestamp(secs, nanos)
        } else {
            None
        };
        let mut n = [0u64; 5];
        for x in &mut n {
            *x = u64_of(take(8));
        }
        let stream_kind = take(1)[0];
        let scope = u32_of(take(4));
        let stream = (stream_kind > 0).then_some((stream_kind == 2, scope));
        let tail = take(3);
        let source = match tail[2] {
            0 => TokenSource::Reported,
            1 => TokenSource::Counted,
            _ => TokenSource::Estimated,
        };
        let kept = Kept {
            place,
            model,
            session,
            model_idx,
            timestamp,
            tokens: Tokens {
                input: n[0],
                cache_read: n[1],
                cache_write_5m: n[2],
                cache_write_1h: n[3],
                output: n[4],
            },
            stream,
            batch: tail[0] == 1,
            billed: tail[1] == 1,
            source,
        };
        (rank, kept)
    }

    fn unpack(self, names: &Interner) -> Placed {
        Placed {
            place: (self.place.0 as usize, u64::from(self.place.1), self.place.2 as usize),
            call: Call {
                model: names.name(self.model),
                resolution: match self.model_idx {
                    Ok(i) => Resolution::Found(i),
                    Err(r) => *r,
                },
                session: self.session.map(|s| names.name(s)),
                timestamp: self.timestamp,
                batch: self.batch,
                tokens: self.tokens,
                source: self.source,
                billed: self.billed,
                dedup: None,
                stream: self.stream.map(|(fin, scope)| {
                    let scope = names.name(scope).to_string();
                    if fin {
                        Stream::Final(scope)
                    } else {
                        Stream::Provisional(scope)
                    }
                }),
            },
        }
    }
}

#[derive(Debug, Default)]
pub struct Analysis {
    pub groups: Vec<Group>,
    /// Calls whose model has no price, by the name the log gave.
    pub unpriced: BTreeMap<String, (Sums, Resolution)>,
    pub stats: Stats,
    /// Every counted call's session and size, in input order, when asked for (to fit session shapes).
    pub trace: Option<Vec<Traced>>,
    /// Priced sums per session and per model whatever `--by` is, when asked for (for budgets).
    pub side: Option<SideGroups>,
}

/// Buckets of priced sums, by session and by model.
#[derive(Debug, Default)]
pub struct SideGroups {
    pub sessions: BTreeMap<String, BTreeMap<BucketKey, Sums>>,
    pub models: BTreeMap<usize, BTreeMap<BucketKey, Sums>>,
}

/// Waiting copies held in memory (about 150 bytes each with their index) before they are written out: keeps them
/// under 20 MB whatever the input's size.
const SPILL_AT: usize = 1 << 17;

pub struct Fold<'a> {
    table: &'a PriceTable,
    by: GroupBy,
    filter: Filter,
    pub analysis: Analysis,
    index: HashMap<String, usize>,
    /// Calls that may be written more than once, by a 128-bit hash of their key, with the rank of the copy kept.
    keyed: HashMap<u128, u32>,
    /// The best copy so far of each keyed call, with its rank, indexed from `keyed`.
    kept: Vec<((u8, u8, u64), Kept)>,
    names: Interner,
    provisional: Vec<Placed>,
    finals: HashSet<String>,
    sessions: HashSet<String>,
    /// Names of the files read, by file number (kept once, not with every call).
    files: Vec<FileNames>,
    /// Waiting copies held in memory before they are written out as a sorted run.
    pub spill_at: usize,
    runs: Vec<spill::Run>,
    /// Counted calls' places, sessions and sizes, put back in input order at the end.
    trace: Vec<(Place, Traced)>,
    /// Each model's `provider/id`, the group key of `--by model`, made once.
    model_keys: Vec<Option<String>>,
}

impl<'a> Fold<'a> {
    pub fn new(table: &'a PriceTable, by: GroupBy, filter: Filter) -> Self {
        Fold {
            table,
            by,
            filter,
            analysis: Analysis::default(),
            index: HashMap::default(),
            keyed: HashMap::default(),
            kept: Vec::new(),
            names: Interner::default(),
            provisional: Vec::new(),
            finals: HashSet::default(),
            sessions: HashSet::default(),
            files: Vec::new(),
            spill_at: SPILL_AT,
            runs: Vec::new(),
            trace: Vec::new(),
            model_keys: Vec::new(),
        }
    }

    /// Registers file number `file_no`'s names before its calls are pushed.
    pub fn file(&mut self, file_no: usize, names: FileNames) {
        if self.files.len() <= file_no {
            self.files.resize(
                file_no + 1,
                FileNames {
                    label: String::new(),
                    session_fallback: String::new(),
                },
            );
        }
        self.files[file_no] = names;
    }

    /// Also sums every call by session and by model, for budgets.
    pub fn with_side_groups(mut self) -> Self {
        self.analysis.side = Some(SideGroups::default());
        self
    }

    /// Keeps each counted call's session and size, for `project --from`.
    pub fn with_trace(mut self) -> Self {
        self.analysis.trace = Some(Vec::new());
        self
    }

    /// Takes one call in input order.
    pub fn push(&mut self, mut p: Placed) {
        if let Some(Stream::Final(scope)) = &p.call.stream {
            self.finals.insert(scope.clone());
        }
        match p.call.dedup.take() {
            Some(d) => {
                let key = d.key;
                match self.keyed.get(&key) {
                    Some(&i) => {
                        self.analysis.stats.duplicates += 1;
                        // Strictly better only: on a tie the copy read first stays.
                        if d.rank > self.kept[i as usize].0 {
                            self.kept[i as usize] = (d.rank, Kept::pack(p, &mut self.names));
                        }
                    }
                    None => {
                        self.keyed.insert(key, self.kept.len() as u32);
                        let kept = Kept::pack(p, &mut self.names);
                        self.kept.push((d.rank, kept));
                        if self.kept.len() >= self.spill_at {
                            self.spill();
                        }
                    }
                }
            }
            None if matches!(p.call.stream, Some(Stream::Provisional(_))) => self.provisional.push(p),
            None => self.add(p),
        }
    }

    /// Writes the waiting copies out as one run sorted by key, and forgets them. If the run cannot be written,
    /// they stay in memory (the result is the same, only memory grows) and the run says so.
    fn spill(&mut self) {
        let mut order: Vec<(u128, u32)> = self.keyed.drain().collect();
        order.sort_unstable();
        match spill::write_run(self.sorted_records(&order)) {
            Ok(file) => {
                self.runs.push(Box::new(file));
                self.kept.clear();
            }
            Err(e) => {
                self.keyed = order.into_iter().collect();
                self.spill_at = usize::MAX;
                self.analysis.stats.spill_error = Some(e.to_string());
            }
        }
    }

    /// The waiting copies as records, in the order of `order` (sorted by key).
    fn sorted_records<'s>(&'s self, order: &'s [(u128, u32)]) -> impl Iterator<Item = spill::Record> + 's {
        order.iter().map(|&(key, i)| {
            let (rank, k) = &self.kept[i as usize];
            k.encode(key, *rank)
        })
    }

    /// Adds one waiting copy, unless a stream's final line replaced it.
    fn add_waiting(&mut self, k: Kept, names: &Interner) {
        let p = k.unpack(names);
        if let Some(Stream::Provisional(scope)) = &p.call.stream
            && self.finals.contains(scope)
        {
            self.analysis.stats.superseded += 1;
            return;
        }
        self.add(p);
    }

    /// Adds the calls that waited for the whole input, and returns the analysis.
    pub fn finish(mut self) -> Analysis {
        let mut names = std::mem::take(&mut self.names);
        if !self.runs.is_empty() {
            // The copies still in memory join the merge as one more run, without a trip to disk.
            let mut order: Vec<(u128, u32)> = self.keyed.drain().collect();
            order.sort_unstable();
            let mut memory = Vec::with_capacity(order.len() * spill::RECORD);
            for r in self.sorted_records(&order) {
                memory.extend_from_slice(&r);
            }
            self.kept.clear();
            self.runs.push(Box::new(std::io::Cursor::new(memory)));
            self.merge_runs(&names);
        }
        self.keyed = HashMap::default();
        let mut waiting: Vec<Kept> = std::mem::take(&mut self.kept).into_iter().map(|(_, k)| k).collect();
        waiting.extend(self.provisional.drain(..).map(|p| Kept::pack(p, &mut names)));
        waiting.sort_by_key(|k| k.place);
        // Unpacked one at a time: the compact entries are the peak of memory, not a second full copy.
        for k in waiting {
            self.add_waiting(k, &names);
        }
        if self.by == GroupBy::Call {
            self.analysis.groups.sort_by_key(|g| g.first);
        }
        if let Some(trace) = &mut self.analysis.trace {
            self.trace.sort_by_key(|(place, _)| *place);
            trace.extend(self.trace.drain(..).map(|(_, t)| t));
        }
        self.analysis.stats.sessions = self.sessions.len() as u64;
        self.analysis
    }

    /// Adds the best copy of every key in the runs: the highest rank, and on a tie the copy read first, exactly
    /// as if every copy had been held in memory (sums do not depend on the order calls are added in).
    fn merge_runs(&mut self, names: &Interner) {
        let runs = std::mem::take(&mut self.runs);
        let mut copies = Vec::new();
        let result = spill::Merge::new(runs).and_then(|mut merge| {
            while merge.next_key(&mut copies)? {
                self.analysis.stats.duplicates += copies.len() as u64 - 1;
                let best = copies
                    .iter()
                    .map(|r| Kept::decode(r, self.table, names))
                    .max_by(|(ra, a), (rb, b)| ra.cmp(rb).then(b.place.cmp(&a.place)));
                if let Some((_, k)) = best {
                    self.add_waiting(k, names);
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            // Copies not read back are lost: the run must fail, not report less than was logged.
            self.analysis.stats.spill_lost = Some(e.to_string());
        }
    }

    fn add(&mut self, p: Placed) {
        let stats = &mut self.analysis.stats;
        let call = p.call;
        if !call.billed {
            stats.not_billed += 1;
            return;
        }
        if self.filter.since.is_some() || self.filter.until.is_some() {
            let inside = call
                .timestamp
                .is_some_and(|t| self.filter.since.is_none_or(|s| t >= s) && self.filter.until.is_none_or(|u| t < u));
            if !inside {
                stats.filtered_out += 1;
                return;
            }
        }
        stats.calls += 1;
        let names = &self.files[p.place.0];
        let session: &str = call.session.as_deref().unwrap_or(&names.session_fallback);
        if self.analysis.trace.is_some() {
            self.trace.push((
                p.place,
                Traced {
                    session: session.to_string(),
                    prompt: call.tokens.prompt(),
                    output: call.tokens.output,
                },
            ));
        }
        if !self.sessions.contains(session) {
            self.sessions.insert(session.to_string());
        }
        if let Some(t) = call.timestamp {
            stats.first_call = Some(stats.first_call.map_or(t, |f| f.min(t)));
            stats.last_call = Some(stats.last_call.map_or(t, |l| l.max(t)));
        }
        let model_idx = match call.resolution {
            Resolution::Found(i) => i,
            ref other => {
                stats.unpriced_calls += 1;
                let e = self
                    .analysis
                    .unpriced
                    .entry(call.model.to_string())
                    .or_insert_with(|| (Sums::default(), other.clone()));
                e.0.add(&call.tokens, call.source);
                return;
            }
        };
        stats.priced_calls += 1;
        let model = self.table.model(model_idx);
        // Prices change on UTC dates; `--timezone` only moves the day a call is reported under.
        let row = model.row_at(call.timestamp.map(|t| t.date_naive()));
        let key = BucketKey {
            model: model_idx,
            row,
            batch: call.batch,
            long: model.prices[row].is_long(call.tokens.prompt()),
        };
        if let Some(side) = &mut self.analysis.side {
            if !side.sessions.contains_key(session) {
                side.sessions.insert(session.to_string(), BTreeMap::new());
            }
            side.sessions
                .get_mut(session)
                .expect("inserted above")
                .entry(key)
                .or_default()
                .add(&call.tokens, call.source);
            side.models
                .entry(model_idx)
                .or_default()
                .entry(key)
                .or_default()
                .add(&call.tokens, call.source);
        }
        let group_key: Cow<str> = match self.by {
            GroupBy::Model => {
                if self.model_keys.len() <= model_idx {
                    self.model_keys.resize(model_idx + 1, None);
                }
                Cow::Borrowed(
                    self.model_keys[model_idx]
                        .get_or_insert_with(|| model.full_id())
                        .as_str(),
                )
            }
            GroupBy::Provider => Cow::Borrowed(&model.provider),
            GroupBy::Session => Cow::Borrowed(session),
            GroupBy::Day => Cow::Owned(call.timestamp.map_or_else(
                || "unknown".to_string(),
                |t| t.with_timezone(&self.filter.timezone).date_naive().to_string(),
            )),
            GroupBy::Call if p.place.2 > 0 => Cow::Owned(format!("{}:{}#{}", names.label, p.place.1, p.place.2 + 1)),
            GroupBy::Call => Cow::Owned(format!("{}:{}", names.label, p.place.1)),
        };
        let groups = &mut self.analysis.groups;
        let gi = match self.index.get(group_key.as_ref()) {
            Some(&gi) => gi,
            None => {
                groups.push(Group {
                    key: group_key.to_string(),
                    first: p.place,
                    buckets: BTreeMap::new(),
                    call: None,
                });
                self.index.insert(group_key.into_owned(), groups.len() - 1);
                groups.len() - 1
            }
        };
        let g = &mut groups[gi];
        // Calls that waited are added after the rest: the group's first call is the earliest read.
        g.first = g.first.min(p.place);
        if self.by == GroupBy::Call {
            g.call = Some(CallInfo {
                file: self.files[p.place.0].label.clone(),
                line: p.place.1,
                model: call.model.to_string(),
                source: call.source,
            });
        }
        g.buckets.entry(key).or_default().add(&call.tokens, call.source);
    }
}
