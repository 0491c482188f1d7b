//! Sessions counted and summed for budgets: in memory and through spilled runs alike, in any order. Every expected
//! value is worked out from the calls pushed.

use std::collections::BTreeMap;

use super::tests::{call, call_of, fold, table};
use super::{Analysis, Filter, Placed};
use crate::call::GroupBy;
use crate::pricing::PriceTable;

/// Each session with priced calls: its calls, input and output tokens, over all its buckets.
fn session_sums(a: &Analysis) -> BTreeMap<String, (u64, u64, u64)> {
    let mut out = BTreeMap::new();
    let side = a.side.as_ref().expect("side groups were asked for");
    side.sessions
        .each(|name, buckets| {
            let e = out.entry(name.to_string()).or_insert((0, 0, 0));
            assert!(
                buckets.windows(2).all(|w| w[0].0 < w[1].0),
                "{name}: buckets out of order"
            );
            for (_, s) in buckets {
                e.0 += s.calls;
                e.1 += s.tokens.input;
                e.2 += s.tokens.output;
            }
            std::io::Result::Ok(())
        })
        .unwrap();
    out
}

fn folded(t: &PriceTable, spill_at: Option<usize>, file_sessions: bool, calls: &[Placed]) -> Analysis {
    let mut f = fold(t, GroupBy::Model, Filter::default(), spill_at).with_side_groups(file_sessions);
    for p in calls {
        f.push(p.clone());
    }
    f.finish()
}

fn in_session(mut p: Placed, s: &str) -> Placed {
    p.call.session = Some(s.into());
    p
}

#[test]
fn sessions_are_counted_and_summed_the_same_in_memory_and_spilled() {
    let t = table();
    let mut calls = vec![
        in_session(call(&t, (0, 1, 0), 10, 1), "s1"),
        in_session(call(&t, (0, 2, 0), 20, 2), "s2"),
        in_session(call(&t, (0, 3, 0), 30, 3), "s1"),
        // No session: its file's name, `a`.
        call(&t, (0, 4, 0), 40, 4),
        // Unpriced: a session counted, with nothing to sum.
        in_session(call_of(&t, "no-such-model-7", (1, 1, 0), 50, 5), "s3"),
        in_session(call(&t, (1, 2, 0), 60, 6), "s2"),
        in_session(call_of(&t, "gpt-4o-mini", (1, 3, 0), 70, 7), "s1"),
    ];
    let want: BTreeMap<String, (u64, u64, u64)> = [
        ("a".to_string(), (1, 40, 4)),
        ("s1".to_string(), (3, 110, 11)),
        ("s2".to_string(), (2, 80, 8)),
    ]
    .into_iter()
    .collect();
    // Without `--session-from file` the call without a session is in no session's sums, but still a session of
    // the summary.
    let mut without_file = want.clone();
    without_file.remove("a");
    for _ in 0..2 {
        for spill_at in [None, Some(1), Some(2), Some(3)] {
            let a = folded(&t, spill_at, false, &calls);
            assert_eq!(a.stats.sessions, 4, "spilled at {spill_at:?}");
            assert_eq!(session_sums(&a), without_file, "spilled at {spill_at:?}");
            assert_eq!(a.side.as_ref().map(|s| s.sessionless), Some(1));
            let a = folded(&t, spill_at, true, &calls);
            assert_eq!(a.stats.sessions, 4, "spilled at {spill_at:?}");
            assert_eq!(session_sums(&a), want, "spilled at {spill_at:?}");
            assert_eq!(
                (a.stats.spill_error.as_ref(), a.stats.spill_lost.as_ref()),
                (None, None)
            );
        }
        calls.reverse();
    }
}

#[test]
fn without_budgets_sessions_are_only_counted() {
    let t = table();
    let calls: Vec<Placed> = (0..50)
        .map(|i| in_session(call(&t, (0, i, 0), 1, 1), &format!("s{}", i % 17)))
        .collect();
    for spill_at in [None, Some(1), Some(5)] {
        let mut f = fold(&t, GroupBy::Model, Filter::default(), spill_at);
        for p in &calls {
            f.push(p.clone());
        }
        let a = f.finish();
        assert_eq!((a.stats.sessions, a.stats.calls), (17, 50), "spilled at {spill_at:?}");
        assert!(a.side.is_none());
    }
}
