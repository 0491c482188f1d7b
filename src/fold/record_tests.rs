//! The spill record against its compact form: every field a waiting call has must come back from disk as it went
//! in, or a spilled run would count a different call than the memory it replaced.

use chrono::{DateTime, Utc};
use std::sync::Arc;

use super::Placed;
use super::record::{Interner, Kept};
use crate::call::{Resolution, Stream, Tier, TokenSource, Tokens};
use crate::pricing::{self, PriceTable};
use crate::spill;

fn time(s: &str) -> DateTime<Utc> {
    s.parse().expect("a valid time")
}

fn placed(table: &PriceTable, model: &str, place: (usize, u64, usize)) -> Placed {
    super::tests::call_of(table, model, place, 0, 0)
}

/// Packs, encodes, decodes and unpacks `p`, and checks that the key, the rank and every field come back.
fn round_trip(names: &mut Interner, p: Placed, key: u128, rank: (u8, u8, u64)) {
    let kept = Kept::pack(p.clone(), names);
    let record = kept.encode(key, rank);
    assert_eq!(spill::key(&record), key);
    let (back_rank, back) = Kept::decode(&record);
    assert_eq!(back_rank, rank);
    assert_eq!(back, kept);
    let got = back.unpack(names);
    let (a, b) = (&p.call, &got.call);
    assert_eq!(got.place, p.place);
    assert_eq!(b.model, a.model);
    assert_eq!(b.resolution, a.resolution);
    assert_eq!(b.session, a.session);
    assert_eq!(b.timestamp, a.timestamp);
    assert_eq!(b.tier, a.tier);
    assert_eq!(b.tokens, a.tokens);
    assert_eq!(b.source, a.source);
    assert_eq!(b.billed, a.billed);
    assert_eq!(b.stream, a.stream);
    assert_eq!((&b.team, &b.tag, b.reported_cost), (&a.team, &a.tag, a.reported_cost));
    assert_eq!(b.dedup, None);
}

#[test]
fn a_record_gives_back_every_field() {
    let table = pricing::load(&[]).expect("the bundled tables are valid");
    let mut names = Interner::default();

    // A priced final stream line with a session and a timestamp down to the nanosecond.
    let mut p = placed(&table, "gpt-4o-2024-08-06", (0, 1, 0));
    assert!(matches!(p.call.resolution, Resolution::Found(_)));
    p.call.session = Some(Arc::from("session-1"));
    p.call.timestamp = Some(time("2024-10-27T03:46:40.123456789Z"));
    p.call.stream = Some(Stream::Final("scope-a".into()));
    // A gateway's team, tags and its own stated cost, to the last digit a decimal holds.
    p.call.team = Some(Arc::from("team-a"));
    p.call.tag = Some(Arc::from("env=prod"));
    p.call.reported_cost = Some("0.0243000000000000000000000001".parse().unwrap());
    p.call.tokens = Tokens {
        input: 1,
        cache_read: 2,
        cache_write_5m: 3,
        cache_write_1h: 4,
        output: 5,
    };
    round_trip(&mut names, p, u128::MAX, (1, 2, 3));

    // An unpriced model, with its reason; a provisional line of the same scope; a batch request
    // that was not billed; every token count at its largest; the largest place a record holds.
    let mut p = placed(
        &table,
        "no-such-model",
        (u32::MAX as usize, u64::from(u32::MAX), u32::MAX as usize),
    );
    assert_eq!(p.call.resolution, Resolution::Unknown);
    p.call.stream = Some(Stream::Provisional("scope-a".into()));
    p.call.tier = Tier::Priority;
    p.call.billed = false;
    p.call.source = TokenSource::Counted;
    p.call.tokens = Tokens {
        input: u64::MAX,
        cache_read: u64::MAX,
        cache_write_5m: u64::MAX,
        cache_write_1h: u64::MAX,
        output: u64::MAX,
    };
    round_trip(&mut names, p, 0, (u8::MAX, u8::MAX, u64::MAX));

    // No session, no stream, no tokens, an estimate, a time before 1970 with the last nanosecond of its second.
    let mut p = placed(&table, "gpt-4o-2024-08-06", (3, 0, 2));
    p.call.source = TokenSource::Estimated;
    p.call.timestamp = Some(time("1969-07-20T20:17:40.999999999Z"));
    round_trip(&mut names, p, 1 << 64, (0, 0, 0));

    // The last second of year 9999, and a session name shared with the model (interned once).
    let mut p = placed(&table, "gpt-4o-2024-08-06", (1, 7, 1));
    p.call.session = Some(Arc::from("gpt-4o-2024-08-06"));
    p.call.timestamp = Some(time("9999-12-31T23:59:59Z"));
    round_trip(&mut names, p, 42, (0, 1, 0));

    // Why a call is unpriced comes back as it went in, whatever its name alone would resolve to now: a provider
    // the log stated that does not list it, or several entries.
    for reason in [
        Resolution::NotListed("azure".into()),
        Resolution::Ambiguous(vec!["a/x".into(), "b/x".into()]),
        Resolution::NotListed("azure".into()),
    ] {
        let mut p = placed(&table, "gpt-4o-2024-08-06", (2, 9, 0));
        p.call.resolution = reason;
        round_trip(&mut names, p, 7, (1, 1, 1));
    }
}
