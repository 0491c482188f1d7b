//! The lines of a partial result: one JSON object a line, each a piece of a fold's state, and their conversion
//! to and from the fold's own types. Reading checks what the fold would trust (indices into the price table, file
//! numbers, sorted buckets) so that a damaged partial is an error naming its line, never a panic.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::call::{
    BucketKey, Call, Dedup, FileNames, ReportedSums, Resolution, Stream, Sums, Tier, TokenSource, Tokens,
};
use crate::fold::{Buckets, Group, Piece, Placed, Stats};
use crate::input::{FORMATS, FormatId, SkipReason};
use crate::pricing::PriceTable;

/// One line after the header.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Line {
    File(FileLine),
    Group(GroupLine),
    Unpriced(UnpricedLine),
    /// The models without a price past the names kept, summed together.
    UnpricedOther(SumsLine),
    Day(DayLine),
    Final(String),
    Waiting(Box<CallLine>),
    /// A counted call of `--by call`.
    Row(Box<RowLine>),
    Session(String),
    Stats(StatsLine),
    /// The last line: how many lines came before it, and their digest, so that a partial cut short or altered is
    /// known.
    End(EndLine),
}

#[derive(Debug, Serialize, Deserialize)]
pub struct FileLine {
    pub no: usize,
    pub label: String,
    pub session_fallback: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct EndLine {
    pub lines: u64,
    pub xxh3: String,
}

/// Token counts in the order of `Tokens`' fields: input, cache read, 5-minute and 1-hour cache writes, output.
type TokenArray = [u64; 5];

fn tokens_out(t: &Tokens) -> TokenArray {
    [t.input, t.cache_read, t.cache_write_5m, t.cache_write_1h, t.output]
}

fn tokens_in(a: TokenArray) -> Tokens {
    Tokens {
        input: a[0],
        cache_read: a[1],
        cache_write_5m: a[2],
        cache_write_1h: a[3],
        output: a[4],
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SumsLine {
    calls: u64,
    tokens: TokenArray,
    /// Calls by token source: reported, counted, estimated.
    sources: [u64; 3],
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reported: Option<ReportedLine>,
}

/// What the logs said some calls cost: the sum as an exact decimal in text, with its scale.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReportedLine {
    calls: u64,
    usd: String,
    tokens: TokenArray,
}

fn decimal(s: &str) -> Result<Decimal, String> {
    s.parse::<Decimal>()
        .map_err(|_| format!("`{s}` is not a decimal amount"))
}

impl SumsLine {
    fn of(s: &Sums) -> Self {
        SumsLine {
            calls: s.calls,
            tokens: tokens_out(&s.tokens),
            sources: s.sources,
            reported: (s.reported != ReportedSums::default()).then(|| ReportedLine {
                calls: s.reported.calls,
                usd: s.reported.usd.to_string(),
                tokens: tokens_out(&s.reported.tokens),
            }),
        }
    }

    fn sums(self) -> Result<Sums, String> {
        let reported = match self.reported {
            Some(r) => ReportedSums {
                calls: r.calls,
                usd: decimal(&r.usd)?,
                tokens: tokens_in(r.tokens),
            },
            None => ReportedSums::default(),
        };
        Ok(Sums {
            calls: self.calls,
            tokens: tokens_in(self.tokens),
            sources: self.sources,
            reported,
        })
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct BucketLine {
    model: usize,
    row: usize,
    tier: String,
    level: u8,
    sums: SumsLine,
}

fn tier(name: &str) -> Result<Tier, String> {
    (0..4)
        .filter_map(Tier::from_code)
        .find(|t| t.name() == name)
        .ok_or_else(|| format!("no service tier `{name}`"))
}

fn source(name: &str) -> Result<TokenSource, String> {
    [TokenSource::Reported, TokenSource::Counted, TokenSource::Estimated]
        .into_iter()
        .find(|s| s.name() == name)
        .ok_or_else(|| format!("no token source `{name}`"))
}

/// A model index the table has, or why not.
fn model(table: &PriceTable, i: usize) -> Result<usize, String> {
    if i < table.models.len() {
        Ok(i)
    } else {
        Err(format!("model number {i} is not in the price table"))
    }
}

fn buckets_out(b: &[(BucketKey, Sums)]) -> Vec<BucketLine> {
    b.iter()
        .map(|(k, s)| BucketLine {
            model: k.model,
            row: k.row,
            tier: k.tier.name().to_string(),
            level: k.level,
            sums: SumsLine::of(s),
        })
        .collect()
}

/// A price bucket checked against the table.
fn bucket_key(
    model_no: usize,
    row_no: usize,
    tier_name: &str,
    level: u8,
    table: &PriceTable,
) -> Result<BucketKey, String> {
    let m = table.model(model(table, model_no)?);
    let row = m
        .prices
        .get(row_no)
        .ok_or_else(|| format!("price row {row_no} of {} is not in the table", m.full_id()))?;
    if usize::from(level) > row.long_context.len() {
        return Err(format!(
            "long-context level {level} of {} is not in the table",
            m.full_id()
        ));
    }
    Ok(BucketKey {
        model: model_no,
        row: row_no,
        tier: tier(tier_name)?,
        level,
    })
}

/// Buckets checked against the table, in the strict order the fold keeps them in.
fn buckets_in(lines: Vec<BucketLine>, table: &PriceTable) -> Result<Buckets, String> {
    let mut out = Buckets::with_capacity(lines.len());
    for b in lines {
        let key = bucket_key(b.model, b.row, &b.tier, b.level, table)?;
        if out.last().is_some_and(|(k, _)| *k >= key) {
            return Err("buckets out of order".into());
        }
        out.push((key, b.sums.sums()?));
    }
    Ok(out)
}

#[derive(Debug, Serialize, Deserialize)]
pub struct GroupLine {
    key: String,
    /// File number, line and position of its earliest call.
    first: (usize, u64, usize),
    buckets: Vec<BucketLine>,
    /// With `--by session`: the project the session ran in, and the place of the call that named it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    project: Option<(String, (usize, u64, usize))>,
}

fn dedup_out(d: &Option<Dedup>) -> (Option<String>, Option<(u8, u8, u64)>) {
    match d {
        Some(d) => (Some(format!("{:032x}", d.key)), Some(d.rank)),
        None => (None, None),
    }
}

fn dedup_in(key: Option<String>, rank: Option<(u8, u8, u64)>) -> Result<Option<Dedup>, String> {
    match (key, rank) {
        (Some(key), Some(rank)) => Ok(Some(Dedup {
            key: u128::from_str_radix(&key, 16).map_err(|_| format!("`{key}` is not a de-duplication key"))?,
            rank,
        })),
        (None, None) => Ok(None),
        _ => Err("a call with a key and no rank, or a rank and no key".into()),
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResolutionLine {
    Found(usize),
    Unknown,
    Ambiguous(Vec<String>),
    NotListed(String),
}

impl ResolutionLine {
    fn of(r: &Resolution) -> Self {
        match r {
            Resolution::Found(i) => ResolutionLine::Found(*i),
            Resolution::Unknown => ResolutionLine::Unknown,
            Resolution::Ambiguous(c) => ResolutionLine::Ambiguous(c.clone()),
            Resolution::NotListed(p) => ResolutionLine::NotListed(p.clone()),
        }
    }

    fn resolution(self, table: &PriceTable) -> Result<Resolution, String> {
        Ok(match self {
            ResolutionLine::Found(i) => Resolution::Found(model(table, i)?),
            ResolutionLine::Unknown => Resolution::Unknown,
            ResolutionLine::Ambiguous(c) => Resolution::Ambiguous(c),
            ResolutionLine::NotListed(p) => Resolution::NotListed(p),
        })
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct UnpricedLine {
    model: String,
    reason: ResolutionLine,
    sums: SumsLine,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct DayLine {
    /// `YYYY-MM-DD` in the partial's time zone; absent for calls without a timestamp.
    day: Option<String>,
    model: usize,
    buckets: Vec<BucketLine>,
}

/// What a waiting call and a `--by call` row both hold of a call: never any text of its prompt or completion (the
/// fold holds none).
#[derive(Debug, Serialize, Deserialize)]
pub struct CallFields {
    /// The de-duplication key (32 hex digits) and the copy's rank; absent for a call without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rank: Option<(u8, u8, u64)>,
    place: (usize, u64, usize),
    model: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    session: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    project: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    branch: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    team: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reported_cost: Option<String>,
    /// Seconds and nanoseconds since the Unix epoch, exactly as read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    time: Option<(i64, u32)>,
    tier: String,
    tokens: TokenArray,
    source: String,
}

/// A counted `--by call` row: the call, and the bucket that billed it.
#[derive(Debug, Serialize, Deserialize)]
pub struct RowLine {
    #[serde(flatten)]
    call: CallFields,
    priced: PricedLine,
}

/// The price bucket that billed a row, or why it has none.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PricedLine {
    Bucket {
        model: usize,
        row: usize,
        tier: String,
        level: u8,
    },
    /// The provider the log stated does not list the model.
    NotListed(String),
    /// Any other reason: the partial's unpriced lines say which.
    Unpriced,
}

/// A waiting call, whole: keyed, or a provisional stream line.
#[derive(Debug, Serialize, Deserialize)]
pub struct CallLine {
    #[serde(flatten)]
    call: CallFields,
    resolution: ResolutionLine,
    billed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stream: Option<StreamLine>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StreamLine {
    Provisional(String),
    Final(String),
}

fn instant((secs, nanos): (i64, u32)) -> Result<DateTime<Utc>, String> {
    DateTime::from_timestamp(secs, nanos).ok_or_else(|| format!("{secs}.{nanos} is not a time"))
}

fn moment(t: DateTime<Utc>) -> (i64, u32) {
    (t.timestamp(), t.timestamp_subsec_nanos())
}

#[derive(Debug, Serialize, Deserialize)]
pub struct StatsLine {
    files: u64,
    unreadable_files: u64,
    lines: u64,
    calls: u64,
    priced_calls: u64,
    unpriced_calls: u64,
    duplicates: u64,
    superseded: u64,
    not_billed: u64,
    filtered_out: u64,
    skipped: BTreeMap<String, u64>,
    lines_by_format: BTreeMap<String, u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    first_call: Option<(i64, u32)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_call: Option<(i64, u32)>,
}

/// The name of a line format as the summary keeps it.
fn format_name(name: &str) -> Result<&'static str, String> {
    // Formats outside the detection table: read by fast paths or by no detector.
    let others = [
        FormatId::Blank,
        FormatId::OpenaiRequest,
        FormatId::OpenaiCompatible,
        FormatId::ClaudeCode,
        FormatId::Codex,
        FormatId::CodexExec,
        FormatId::GeminiCli,
        FormatId::GeminiTelemetry,
        FormatId::Opencode,
        FormatId::Native,
    ];
    (FORMATS.iter().map(|f| f.id).chain(others))
        .map(FormatId::name)
        .find(|n| *n == name)
        .ok_or_else(|| format!("no line format `{name}`"))
}

fn skip_reason(label: &str) -> Result<SkipReason, String> {
    [
        SkipReason::InvalidJson,
        SkipReason::UnknownShape,
        SkipReason::BadValue,
        SkipReason::TooLong,
    ]
    .into_iter()
    .find(|r| r.label() == label)
    .ok_or_else(|| format!("no reason to skip a line `{label}`"))
}

/// A line for a piece of a fold's state.
pub fn line(piece: Piece) -> Line {
    match piece {
        Piece::File(no, names) => Line::File(FileLine {
            no,
            label: names.label,
            session_fallback: names.session_fallback,
        }),
        Piece::Group(g) => Line::Group(GroupLine {
            key: g.key,
            first: g.first,
            buckets: buckets_out(&g.buckets),
            project: g.project.map(|p| (p, g.project_at)),
        }),
        Piece::Unpriced(model, sums, why) => Line::Unpriced(UnpricedLine {
            model,
            reason: ResolutionLine::of(&why),
            sums: SumsLine::of(&sums),
        }),
        Piece::UnpricedOther(sums) => Line::UnpricedOther(SumsLine::of(&sums)),
        Piece::Day(day, model, b) => Line::Day(DayLine {
            day: day.map(|d| d.to_string()),
            model,
            buckets: buckets_out(&b),
        }),
        Piece::Final(scope) => Line::Final(scope),
        Piece::Waiting(p) => Line::Waiting(Box::new(call_line(p))),
        Piece::Row(p, priced) => Line::Row(Box::new(row_line(&p, priced))),
        Piece::Session(name) => Line::Session(name),
        Piece::Stats(s) => Line::Stats(StatsLine {
            files: s.files,
            unreadable_files: s.unreadable_files,
            lines: s.lines,
            calls: s.calls,
            priced_calls: s.priced_calls,
            unpriced_calls: s.unpriced_calls,
            duplicates: s.duplicates,
            superseded: s.superseded,
            not_billed: s.not_billed,
            filtered_out: s.filtered_out,
            skipped: (s.skipped.iter()).map(|(r, n)| (r.label().to_string(), *n)).collect(),
            lines_by_format: (s.lines_by_format.iter()).map(|(f, n)| (f.to_string(), *n)).collect(),
            first_call: s.first_call.map(moment),
            last_call: s.last_call.map(moment),
        }),
    }
}

fn fields_out(p: &Placed) -> CallFields {
    let c = &p.call;
    let name = |s: &Option<Arc<str>>| s.as_deref().map(str::to_string);
    let (key, rank) = dedup_out(&c.dedup);
    CallFields {
        key,
        rank,
        place: p.place,
        model: c.model.to_string(),
        session: name(&c.session),
        project: name(&c.project),
        branch: name(&c.branch),
        team: name(&c.team),
        tag: name(&c.tag),
        reported_cost: c.reported_cost.map(|d| d.to_string()),
        time: c.timestamp.map(moment),
        tier: c.tier.name().to_string(),
        tokens: tokens_out(&c.tokens),
        source: c.source.name().to_string(),
    }
}

fn call_line(p: Placed) -> CallLine {
    CallLine {
        call: fields_out(&p),
        resolution: ResolutionLine::of(&p.call.resolution),
        billed: p.call.billed,
        stream: p.call.stream.map(|s| match s {
            Stream::Provisional(s) => StreamLine::Provisional(s),
            Stream::Final(s) => StreamLine::Final(s),
        }),
    }
}

fn row_line(p: &Placed, priced: Result<BucketKey, Resolution>) -> RowLine {
    RowLine {
        call: fields_out(p),
        priced: match priced {
            Ok(k) => PricedLine::Bucket {
                model: k.model,
                row: k.row,
                tier: k.tier.name().to_string(),
                level: k.level,
            },
            Err(Resolution::NotListed(p)) => PricedLine::NotListed(p),
            Err(_) => PricedLine::Unpriced,
        },
    }
}

/// How a partial's file numbers become the merge's.
pub trait Renumber {
    /// The merge's number of this partial's file `no`; none for a number the partial did not list.
    fn file(&self, no: usize) -> Option<usize>;
}

fn place<R: Renumber + ?Sized>(r: &R, (f, line, pos): (usize, u64, usize)) -> Result<(usize, u64, usize), String> {
    let f = r
        .file(f)
        .ok_or_else(|| format!("file number {f} is not among the partial's files"))?;
    Ok((f, line, pos))
}

/// The piece a line stands for, checked against the price table; files renumbered for the merge. `File` and `End`
/// lines are read apart, before.
pub fn piece<R: Renumber + ?Sized>(line: Line, table: &PriceTable, r: &R) -> Result<Option<Piece>, String> {
    Ok(Some(match line {
        Line::File(_) | Line::End(_) => return Ok(None),
        Line::Group(g) => Piece::Group(Group {
            key: g.key,
            first: place(r, g.first)?,
            buckets: buckets_in(g.buckets, table)?,
            project_at: match &g.project {
                Some((_, at)) => place(r, *at)?,
                None => place(r, g.first)?,
            },
            project: g.project.map(|(p, _)| p),
        }),
        Line::Unpriced(u) => Piece::Unpriced(u.model, u.sums.sums()?, u.reason.resolution(table)?),
        Line::UnpricedOther(sums) => Piece::UnpricedOther(sums.sums()?),
        Line::Day(d) => {
            let day = (d.day.as_deref())
                .map(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("`{s}` is not a date")))
                .transpose()?;
            Piece::Day(day, model(table, d.model)?, buckets_in(d.buckets, table)?)
        }
        Line::Final(scope) => Piece::Final(scope),
        Line::Waiting(c) => Piece::Waiting(placed(*c, table, r)?),
        Line::Row(c) => {
            let (p, priced) = row_in(*c, table, r)?;
            Piece::Row(Box::new(p), priced)
        }
        Line::Session(name) => Piece::Session(name),
        Line::Stats(s) => Piece::Stats(stats(s)?),
    }))
}

/// A call read back, its file renumbered; `resolution`, `billed` and `stream` are what the line says besides.
fn fields_in<R: Renumber + ?Sized>(
    c: CallFields,
    resolution: Resolution,
    billed: bool,
    stream: Option<Stream>,
    r: &R,
) -> Result<Placed, String> {
    let name = |s: Option<String>| s.map(Arc::from);
    Ok(Placed {
        place: place(r, c.place)?,
        call: Call {
            model: Arc::from(c.model),
            resolution,
            session: name(c.session),
            project: name(c.project),
            branch: name(c.branch),
            team: name(c.team),
            tag: name(c.tag),
            reported_cost: c.reported_cost.as_deref().map(decimal).transpose()?,
            timestamp: c.time.map(instant).transpose()?,
            tier: tier(&c.tier)?,
            tokens: tokens_in(c.tokens),
            source: source(&c.source)?,
            billed,
            dedup: dedup_in(c.key, c.rank)?,
            stream,
        },
    })
}

fn row_in<R: Renumber + ?Sized>(
    c: RowLine,
    table: &PriceTable,
    r: &R,
) -> Result<(Placed, Result<BucketKey, Resolution>), String> {
    let priced = match c.priced {
        PricedLine::Bucket {
            model,
            row,
            tier,
            level,
        } => Ok(bucket_key(model, row, &tier, level, table)?),
        PricedLine::NotListed(p) => Err(Resolution::NotListed(p)),
        PricedLine::Unpriced => Err(Resolution::Unknown),
    };
    let resolution = match &priced {
        Ok(key) => Resolution::Found(key.model),
        Err(why) => why.clone(),
    };
    Ok((fields_in(c.call, resolution, true, None, r)?, priced))
}

fn placed<R: Renumber + ?Sized>(c: CallLine, table: &PriceTable, r: &R) -> Result<Placed, String> {
    let stream = c.stream.map(|s| match s {
        StreamLine::Provisional(s) => Stream::Provisional(s),
        StreamLine::Final(s) => Stream::Final(s),
    });
    if c.call.key.is_none() && !matches!(stream, Some(Stream::Provisional(_))) {
        return Err("a waiting call that neither has a key nor is a provisional stream line".into());
    }
    fields_in(c.call, c.resolution.resolution(table)?, c.billed, stream, r)
}

/// The largest count a partial's summary may hold: far beyond any log (2^53 lines), and low enough that the counts
/// of any number of partials, and the calls the merge adds to them one by one, stay within 64 bits.
const MAX_COUNT: u64 = 1 << 53;

fn stats(s: StatsLine) -> Result<Stats, String> {
    let counts = [
        s.files,
        s.unreadable_files,
        s.lines,
        s.calls,
        s.priced_calls,
        s.unpriced_calls,
        s.duplicates,
        s.superseded,
        s.not_billed,
        s.filtered_out,
    ];
    let more = (s.skipped.values()).chain(s.lines_by_format.values()).copied();
    if let Some(n) = counts.into_iter().chain(more).find(|&n| n > MAX_COUNT) {
        return Err(format!("a count of {n} is more than any log holds"));
    }
    Ok(Stats {
        files: s.files,
        unreadable_files: s.unreadable_files,
        lines: s.lines,
        calls: s.calls,
        priced_calls: s.priced_calls,
        unpriced_calls: s.unpriced_calls,
        duplicates: s.duplicates,
        superseded: s.superseded,
        not_billed: s.not_billed,
        filtered_out: s.filtered_out,
        skipped: (s.skipped.iter())
            .map(|(r, n)| Ok((skip_reason(r)?, *n)))
            .collect::<Result<_, String>>()?,
        lines_by_format: (s.lines_by_format.iter())
            .map(|(f, n)| Ok((format_name(f)?, *n)))
            .collect::<Result<_, String>>()?,
        first_call: s.first_call.map(instant).transpose()?,
        last_call: s.last_call.map(instant).transpose()?,
        ..Stats::default()
    })
}

/// A file's names from its line.
pub fn file_names(f: &FileLine) -> FileNames {
    FileNames {
        label: f.label.clone(),
        session_fallback: f.session_fallback.clone(),
    }
}
