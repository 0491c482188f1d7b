//! The compact form of a call that waits for the end of the input, and its fixed-size spill record.
//!
//! With many distinct responses in a long history these entries are most of what the fold holds, so names are
//! interned once and the entry keeps only numbers; the same numbers, written in a fixed order, are the record a
//! spilled run holds on disk.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use super::Placed;
use crate::call::{Call, Place, Resolution, Stream, Tier, TokenSource, Tokens};
use crate::spill;

/// A copy's rank: higher wins; on a tie, `Kept::tiebreak` decides.
pub(super) type Rank = (u8, u8, u64);

/// A file's names as a tie-break needs them: its label and the session its calls without one fall under.
pub(super) type FileKey = (Arc<str>, Arc<str>);

/// Names kept once each: the model and session names of the calls that wait for the end of the input, and why an
/// unpriced one is not priced.
#[derive(Default)]
pub(super) struct Interner {
    ids: HashMap<Arc<str>, u32>,
    names: Vec<Arc<str>>,
    reason_ids: HashMap<Resolution, u32>,
    reasons: Vec<Resolution>,
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

    fn reason_id(&mut self, r: Resolution) -> u32 {
        if let Some(&id) = self.reason_ids.get(&r) {
            return id;
        }
        let id = self.reasons.len() as u32;
        self.reasons.push(r.clone());
        self.reason_ids.insert(r, id);
        id
    }

    /// The reason interned as `id`; an id no record was written with reads as unknown.
    fn reason(&self, id: u32) -> Resolution {
        self.reasons.get(id as usize).cloned().unwrap_or(Resolution::Unknown)
    }
}

/// A place narrowed to the compact form's: no log has four billion files or lines.
pub(super) fn narrow(place: Place) -> (u32, u32, u32) {
    (place.0 as u32, place.1 as u32, place.2 as u32)
}

/// A waiting call in a compact form: nothing is stored twice.
#[cfg_attr(test, derive(Debug, PartialEq))]
pub(super) struct Kept {
    /// File, line and position, narrowed.
    pub(super) place: (u32, u32, u32),
    model: u32,
    session: Option<u32>,
    project: Option<u32>,
    branch: Option<u32>,
    team: Option<u32>,
    tag: Option<u32>,
    reported_cost: Option<Decimal>,
    /// Most calls resolve to a model; the rare unpriced one keeps the id of its interned reason.
    model_idx: Result<usize, u32>,
    timestamp: Option<DateTime<Utc>>,
    tokens: Tokens,
    stream: Option<(bool, u32)>,
    tier: Tier,
    billed: bool,
    source: TokenSource,
}

impl Kept {
    pub(super) fn pack(p: Placed, names: &mut Interner) -> Kept {
        let c = p.call;
        Kept {
            place: narrow(p.place),
            model: names.id(&c.model),
            session: c.session.map(|s| names.id(&s)),
            project: c.project.map(|s| names.id(&s)),
            branch: c.branch.map(|s| names.id(&s)),
            team: c.team.map(|s| names.id(&s)),
            tag: c.tag.map(|s| names.id(&s)),
            reported_cost: c.reported_cost,
            model_idx: match c.resolution {
                Resolution::Found(i) => Ok(i),
                other => Err(names.reason_id(other)),
            },
            timestamp: c.timestamp,
            tokens: c.tokens,
            stream: c.stream.map(|s| match s {
                Stream::Final(scope) => (true, names.id(&scope)),
                Stream::Provisional(scope) => (false, names.id(&scope)),
            }),
            tier: c.tier,
            billed: c.billed,
            source: c.source,
        }
    }

    /// The fixed-size record of a kept copy, after its key and rank. An unpriced call is written with the id of
    /// its interned reason and a flag in the last byte: a name alone does not say how it resolved, since the log
    /// may have stated a provider.
    pub(super) fn encode(&self, key: u128, rank: Rank) -> spill::Record {
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
        for name in [self.session, self.project, self.branch] {
            put(&name.unwrap_or(u32::MAX).to_le_bytes());
        }
        let (idx, unpriced) = match self.model_idx {
            Ok(i) => (i as u32, 0),
            Err(reason) => (reason, 1),
        };
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
        for name in [self.team, self.tag] {
            put(&name.unwrap_or(u32::MAX).to_le_bytes());
        }
        match self.reported_cost {
            Some(d) => {
                put(&[1]);
                put(&d.serialize());
            }
            None => put(&[0; 17]),
        }
        put(&[self.tier.code(), u8::from(self.billed), self.source as u8, unpriced]);
        r
    }

    /// The rank and copy a record holds; its key is read with `spill::key`.
    pub(super) fn decode(r: &spill::Record) -> (Rank, Kept) {
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
        let mut name = || Some(u32_of(take(4))).filter(|&s| s != u32::MAX);
        let (session, project, branch) = (name(), name(), name());
        let idx = u32_of(take(4));
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
        let mut name = || Some(u32_of(take(4))).filter(|&s| s != u32::MAX);
        let (team, tag) = (name(), name());
        let has_cost = take(1)[0] == 1;
        let cost: [u8; 16] = take(16).try_into().unwrap_or_default();
        let reported_cost = has_cost.then(|| Decimal::deserialize(cost));
        let tail = take(4);
        let model_idx = if tail[3] == 1 { Err(idx) } else { Ok(idx as usize) };
        let source = match tail[2] {
            0 => TokenSource::Reported,
            1 => TokenSource::Counted,
            _ => TokenSource::Estimated,
        };
        let kept = Kept {
            place,
            model,
            session,
            project,
            branch,
            team,
            tag,
            reported_cost,
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
            tier: Tier::from_code(tail[0]).unwrap_or_default(),
            billed: tail[1] == 1,
            source,
        };
        (rank, kept)
    }

    /// What decides between two copies of one response of equal rank, the smaller first: the earliest timestamp (a
    /// copy with one before a copy without), then the model's name, the session's (its file's name for a call
    /// without one), the file's label and the line. None of it depends on the order files are read in, so neither
    /// does the bill: copies that differ in date or model spelling are priced differently.
    pub(super) fn tiebreak(&self, names: &Interner, files: &[FileKey]) -> impl Ord + use<> {
        let (label, fallback) = files.get(self.place.0 as usize).cloned().unwrap_or_default();
        let session = self.session.map_or(fallback, |s| names.name(s));
        (
            self.timestamp.is_none(),
            self.timestamp,
            names.name(self.model),
            session,
            label,
            (self.place.1, self.place.2, self.place.0),
        )
    }

    pub(super) fn unpack(self, names: &Interner) -> Placed {
        Placed {
            place: (self.place.0 as usize, u64::from(self.place.1), self.place.2 as usize),
            call: Call {
                model: names.name(self.model),
                resolution: match self.model_idx {
                    Ok(i) => Resolution::Found(i),
                    Err(r) => names.reason(r),
                },
                session: self.session.map(|s| names.name(s)),
                project: self.project.map(|s| names.name(s)),
                branch: self.branch.map(|s| names.name(s)),
                team: self.team.map(|s| names.name(s)),
                tag: self.tag.map(|s| names.name(s)),
                reported_cost: self.reported_cost,
                timestamp: self.timestamp,
                tier: self.tier,
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
