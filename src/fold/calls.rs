//! The rows of `--by call`, in bounded memory: each counted call is kept as one compact frame (its names, date,
//! tier, identity, bucket and tokens), keyed by its place; past a bound the frames are sorted and written out as a
//! run, and at the end the runs are merged back in place order, one call at a time, for the output to price and
//! write as it goes. A million calls then hold a few MB, not a row and its cells each.

use chrono::DateTime;
use rust_decimal::Decimal;
use std::io;
use std::sync::Arc;

use super::group::CallInfo;
use crate::call::{BucketKey, Call, Dedup, FileNames, Place, Resolution, Tier, TokenSource, Tokens};
use crate::spill::{self, Frame};

/// Frames held in memory (about 150 bytes each) before they are written out: about 10 MB.
const SPILL_AT: usize = 1 << 16;

/// The counted calls of a `--by call` run.
pub struct CallRows {
    frames: Vec<Frame>,
    runs: Vec<spill::Run>,
    pub(super) spill_at: usize,
    /// Each file's names, by file number: given when the fold finishes.
    pub(super) files: Vec<FileNames>,
}

impl Default for CallRows {
    fn default() -> Self {
        CallRows {
            frames: Vec::new(),
            runs: Vec::new(),
            spill_at: SPILL_AT,
            files: Vec::new(),
        }
    }
}

impl std::fmt::Debug for CallRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallRows")
            .field("frames", &self.frames.len())
            .field("runs", &self.runs.len())
            .finish()
    }
}

/// A place as a key that sorts as places do: file, line, position.
fn place_key(p: Place) -> u128 {
    (u128::from(p.0 as u32) << 96) | (u128::from(p.1) << 32) | u128::from(p.2 as u32)
}

fn key_place(k: u128) -> Place {
    ((k >> 96) as usize, (k >> 32) as u64, (k & 0xffff_ffff) as usize)
}

impl CallRows {
    /// Keeps one counted call. If a run cannot be written, the calls stay in memory (the output is the same, only
    /// memory grows) and the error is returned once, for the counts to say so.
    pub(super) fn push(&mut self, c: &Call, place: Place, priced: &Result<BucketKey, Resolution>) -> Option<String> {
        self.frames.push(encode(c, place, priced));
        if self.frames.len() < self.spill_at {
            return None;
        }
        self.frames.sort_unstable_by_key(frame_key);
        match spill::write_frames(self.frames.iter()) {
            Ok(file) => {
                self.runs.push(Box::new(file));
                self.frames.clear();
                None
            }
            Err(e) => {
                self.spill_at = usize::MAX;
                Some(e.to_string())
            }
        }
    }

    /// Hands every call to `f` in place order (file, line, position), reading the runs back as it goes.
    pub fn each(mut self, mut f: impl FnMut(CallInfo) -> anyhow::Result<()>) -> anyhow::Result<()> {
        self.frames.sort_unstable_by_key(frame_key);
        if self.runs.is_empty() {
            for frame in std::mem::take(&mut self.frames) {
                f(decode(&frame, &self.files)?)?;
            }
            return Ok(());
        }
        let mut memory = Vec::new();
        for frame in std::mem::take(&mut self.frames) {
            spill::put_frame(&mut memory, &frame)?;
        }
        self.runs.push(Box::new(io::Cursor::new(memory)));
        let mut merge = spill::Merge::<Frame>::new(std::mem::take(&mut self.runs))?;
        let mut one = Vec::new();
        while merge.next_key(&mut one)? {
            for frame in &one {
                f(decode(frame, &self.files)?)?;
            }
        }
        Ok(())
    }
}

fn frame_key(f: &Frame) -> u128 {
    let mut k = [0u8; 16];
    k.copy_from_slice(&f[..16]);
    u128::from_le_bytes(k)
}

/// A call as a frame: its place (the key), then its fields in a fixed order. Its file's label and session are
/// kept once per file, not per call.
fn encode(c: &Call, place: Place, priced: &Result<BucketKey, Resolution>) -> Frame {
    let mut w = Vec::with_capacity(128);
    w.extend_from_slice(&place_key(place).to_le_bytes());
    let text = |w: &mut Vec<u8>, s: Option<&str>| match s {
        Some(s) => {
            w.extend_from_slice(&(s.len() as u32).to_le_bytes());
            w.extend_from_slice(s.as_bytes());
        }
        None => w.extend_from_slice(&u32::MAX.to_le_bytes()),
    };
    text(&mut w, Some(&c.model));
    for s in [&c.session, &c.project, &c.branch, &c.team, &c.tag] {
        text(&mut w, s.as_deref());
    }
    match c.timestamp {
        Some(t) => {
            w.push(1);
            w.extend_from_slice(&t.timestamp().to_le_bytes());
            w.extend_from_slice(&t.timestamp_subsec_nanos().to_le_bytes());
        }
        None => w.push(0),
    }
    w.extend_from_slice(&[c.tier.code(), c.source as u8]);
    match &c.dedup {
        Some(d) => {
            w.push(1);
            w.extend_from_slice(&d.key.to_le_bytes());
            w.extend_from_slice(&[d.rank.0, d.rank.1]);
            w.extend_from_slice(&d.rank.2.to_le_bytes());
        }
        None => w.push(0),
    }
    match priced {
        Ok(b) => {
            w.push(0);
            w.extend_from_slice(&(b.model as u32).to_le_bytes());
            w.extend_from_slice(&(b.row as u32).to_le_bytes());
            w.extend_from_slice(&[b.tier.code(), b.level]);
        }
        Err(Resolution::NotListed(p)) => {
            w.push(2);
            text(&mut w, Some(p));
        }
        // Only a stated provider that does not list the model is written out; any other reason is in `unpriced`.
        Err(_) => w.push(1),
    }
    let t = &c.tokens;
    for n in [t.input, t.cache_read, t.cache_write_5m, t.cache_write_1h, t.output] {
        w.extend_from_slice(&n.to_le_bytes());
    }
    match c.reported_cost {
        Some(d) => {
            w.push(1);
            w.extend_from_slice(&d.serialize());
        }
        None => w.push(0),
    }
    w
}

/// Reads a frame's fields in the order `encode` wrote them.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

fn damaged() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "a spilled run of --by call rows is damaged")
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> io::Result<&'a [u8]> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(damaged)?;
        let b = &self.bytes[self.at..end];
        self.at = end;
        Ok(b)
    }

    fn array<const N: usize>(&mut self) -> io::Result<[u8; N]> {
        self.take(N)?.try_into().map_err(|_| damaged())
    }

    fn u8(&mut self) -> io::Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> io::Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn u64(&mut self) -> io::Result<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn text(&mut self) -> io::Result<Option<String>> {
        match self.u32()? {
            u32::MAX => Ok(None),
            n => {
                let b = self.take(n as usize)?;
                Ok(Some(String::from_utf8(b.to_vec()).map_err(|_| damaged())?))
            }
        }
    }
}

fn decode(frame: &[u8], files: &[FileNames]) -> io::Result<CallInfo> {
    let mut r = Reader { bytes: frame, at: 0 };
    let place = key_place(u128::from_le_bytes(r.array()?));
    let model = r.text()?.ok_or_else(damaged)?;
    let mut name = || -> io::Result<Option<Arc<str>>> { Ok(r.text()?.map(Arc::from)) };
    let (session, project, branch, team, tag) = (name()?, name()?, name()?, name()?, name()?);
    let timestamp = match r.u8()? {
        0 => None,
        _ => {
            let secs = i64::from_le_bytes(r.array()?);
            Some(DateTime::from_timestamp(secs, r.u32()?).ok_or_else(damaged)?)
        }
    };
    let tier = Tier::from_code(r.u8()?).ok_or_else(damaged)?;
    let source = match r.u8()? {
        0 => TokenSource::Reported,
        1 => TokenSource::Counted,
        _ => TokenSource::Estimated,
    };
    let dedup = match r.u8()? {
        0 => None,
        _ => {
            let key = u128::from_le_bytes(r.array()?);
            let (a, b) = (r.u8()?, r.u8()?);
            Some(Dedup {
                key,
                rank: (a, b, r.u64()?),
            })
        }
    };
    let priced = match r.u8()? {
        0 => Ok(BucketKey {
            model: r.u32()? as usize,
            row: r.u32()? as usize,
            tier: Tier::from_code(r.u8()?).ok_or_else(damaged)?,
            level: r.u8()?,
        }),
        2 => Err(Resolution::NotListed(r.text()?.ok_or_else(damaged)?)),
        _ => Err(Resolution::Unknown),
    };
    let mut n = [0u64; 5];
    for x in &mut n {
        *x = r.u64()?;
    }
    let reported_cost = match r.u8()? {
        0 => None,
        _ => Some(Decimal::deserialize(r.array()?)),
    };
    let names = files.get(place.0).ok_or_else(damaged)?;
    Ok(CallInfo {
        place,
        file: names.label.clone(),
        line: place.1,
        session_shown: session
            .clone()
            .unwrap_or_else(|| Arc::from(names.session_fallback.as_str())),
        model,
        source,
        timestamp,
        session,
        project,
        branch,
        team,
        tag,
        tier,
        dedup,
        tokens: Tokens {
            input: n[0],
            cache_read: n[1],
            cache_write_5m: n[2],
            cache_write_1h: n[3],
            output: n[4],
        },
        reported_cost,
        priced,
    })
}
