//! Calls and folds built by hand for the fold's tests: two files, one priced model, and the rows a fold gives.

use chrono::{DateTime, Utc};
use std::sync::Arc;

use super::{Analysis, Filter, Fold, Placed};
use crate::call::{Call, Dedup, FileNames, GroupBy, Stream, Tier, TokenSource, Tokens};
use crate::pricing::{self, PriceTable};

pub(super) fn table() -> PriceTable {
    pricing::load(&[]).expect("the bundled tables are valid")
}

pub(super) fn time(s: &str) -> DateTime<Utc> {
    s.parse().expect("a valid time")
}

/// A fold over two files, `a.jsonl` (sessions fall back to `a`) and `b.jsonl`.
pub(super) fn fold<'a>(table: &'a PriceTable, by: GroupBy, filter: Filter, spill_at: Option<usize>) -> Fold<'a> {
    let mut f = Fold::new(table, by, filter);
    if let Some(n) = spill_at {
        f = f.with_spill_at(n);
    }
    for (no, name) in ["a", "b"].into_iter().enumerate() {
        f.file_opened(
            no,
            FileNames {
                label: format!("{name}.jsonl"),
                session_fallback: name.to_string(),
            },
        );
    }
    f
}

/// A priced call of `input` and `output` tokens read at `(file, line, n)`.
pub(super) fn call(table: &PriceTable, place: (usize, u64, usize), input: u64, output: u64) -> Placed {
    call_of(table, "gpt-4o-2024-08-06", place, input, output)
}

/// A call of `model`, of `input` and `output` tokens read at `(file, line, n)`.
pub(super) fn call_of(table: &PriceTable, model: &str, place: (usize, u64, usize), input: u64, output: u64) -> Placed {
    Placed {
        call: Call {
            model: Arc::from(model),
            resolution: table.resolve(model),
            session: None,
            project: None,
            branch: None,
            team: None,
            tag: None,
            reported_cost: None,
            timestamp: None,
            tier: Tier::Standard,
            tokens: Tokens {
                input,
                output,
                ..Tokens::default()
            },
            source: TokenSource::Reported,
            billed: true,
            dedup: None,
            stream: None,
        },
        place,
    }
}

pub(super) fn keyed(mut p: Placed, key: u128, rank: (u8, u8, u64)) -> Placed {
    p.call.dedup = Some(Dedup { key, rank });
    p
}

pub(super) fn streamed(mut p: Placed, stream: Stream) -> Placed {
    p.call.stream = Some(stream);
    p
}

pub(super) fn at(mut p: Placed, t: &str) -> Placed {
    p.call.timestamp = Some(time(t));
    p
}

/// Each group's key, calls, input and output tokens, in the fold's order.
pub(super) fn rows(a: &Analysis) -> Vec<(String, u64, u64, u64)> {
    let mut rows = Vec::new();
    a.groups
        .each(|g| {
            let (mut calls, mut input, mut output) = (0, 0, 0);
            for (_, s) in &g.buckets {
                calls += s.calls;
                input += s.tokens.input;
                output += s.tokens.output;
            }
            rows.push((g.key.clone(), calls, input, output));
            Ok::<(), std::io::Error>(())
        })
        .unwrap();
    rows
}

pub(super) fn row(key: &str, calls: u64, input: u64, output: u64) -> (String, u64, u64, u64) {
    (key.to_string(), calls, input, output)
}

/// Folds `calls` by call, with waiting copies spilled past `spill_at` when given.
pub(super) fn by_call(table: &PriceTable, spill_at: Option<usize>, calls: Vec<Placed>) -> Analysis {
    let mut f = fold(table, GroupBy::Call, Filter::default(), spill_at);
    for p in calls {
        f.push(p);
    }
    let mut a = f.finish();
    call_rows(&mut a);
    a
}

/// Reads the calls of a `--by call` fold back, in place order, into `groups` (a group of one call each, with its
/// bucket when it has a price), so that `rows` sees them; returns what each row says of its call.
pub(super) fn call_rows(a: &mut Analysis) -> Vec<super::CallInfo> {
    let mut infos = Vec::new();
    if let Some(calls) = a.calls.take() {
        calls
            .each(|i| {
                infos.push(i);
                Ok(())
            })
            .unwrap();
    }
    a.groups = super::Groups::from(
        infos
            .iter()
            .map(|i| {
                let mut b = super::Buckets::new();
                if let Ok(k) = &i.priced {
                    super::buckets::add(&mut b, *k, &i.tokens, i.source, i.reported_cost);
                }
                super::Group {
                    key: i.key(),
                    first: i.place,
                    buckets: b,
                    project: None,
                    project_at: i.place,
                }
            })
            .collect::<Vec<_>>(),
    );
    infos
}
