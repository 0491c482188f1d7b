//! Which copy of a call counts, and which stream lines count: in memory and through spilled runs alike. Every
//! expected value is worked out from the calls pushed.

use super::tests::{by_call, call, keyed, row, rows, streamed, table};
use super::{Analysis, Placed};
use crate::call::Stream;
use crate::pricing::PriceTable;

/// In memory, and through runs of one and of two copies: the same rows and counts each way.
fn every_way(table: &PriceTable, calls: &[Placed]) -> Analysis {
    let memory = by_call(table, None, calls.to_vec());
    for n in [1, 2] {
        let spilled = by_call(table, Some(n), calls.to_vec());
        assert_eq!(rows(&spilled), rows(&memory), "spilled every {n} copies");
        assert_eq!(spilled.stats.duplicates, memory.stats.duplicates);
        assert_eq!(spilled.stats.superseded, memory.stats.superseded);
        assert_eq!(spilled.stats.calls, memory.stats.calls);
    }
    memory
}

#[test]
fn of_two_copies_the_higher_rank_counts() {
    let t = table();
    let low = keyed(call(&t, (0, 1, 0), 10, 1), 7, (0, 0, 5));
    let high = keyed(call(&t, (0, 2, 0), 20, 2), 7, (1, 0, 0));
    for calls in [vec![low.clone(), high.clone()], vec![high.clone(), low.clone()]] {
        let a = every_way(&t, &calls);
        // (1, 0, 0) > (0, 0, 5): the first byte of the rank decides.
        assert_eq!(rows(&a), [row("a.jsonl:2", 1, 20, 2)]);
        assert_eq!((a.stats.calls, a.stats.duplicates), (1, 1));
    }
}

#[test]
fn on_equal_rank_the_copy_read_first_counts() {
    let t = table();
    let first = keyed(call(&t, (0, 3, 0), 30, 3), 9, (1, 1, 1));
    let later = keyed(call(&t, (1, 1, 0), 70, 7), 9, (1, 1, 1));
    let other = keyed(call(&t, (0, 5, 0), 50, 5), 8, (0, 0, 0));
    for calls in [
        vec![first.clone(), other.clone(), later.clone()],
        vec![later.clone(), other.clone(), first.clone()],
    ] {
        let a = every_way(&t, &calls);
        assert_eq!(rows(&a), [row("a.jsonl:3", 1, 30, 3), row("a.jsonl:5", 1, 50, 5)]);
        assert_eq!((a.stats.calls, a.stats.duplicates), (2, 1));
    }
    // Three copies, the best in the middle of input order, and a spilled run holding each.
    let calls = [
        keyed(call(&t, (0, 1, 0), 1, 0), 4, (0, 1, 0)),
        keyed(call(&t, (0, 2, 0), 2, 0), 4, (0, 2, 0)),
        keyed(call(&t, (0, 3, 0), 3, 0), 4, (0, 2, 0)),
    ];
    let a = every_way(&t, &calls);
    assert_eq!(rows(&a), [row("a.jsonl:2", 1, 2, 0)]);
    assert_eq!((a.stats.calls, a.stats.duplicates), (1, 2));
}

#[test]
fn a_provisional_line_counts_only_without_a_final_one() {
    let t = table();
    let s = || Stream::Provisional("s".into());
    let calls = [
        // Scope `s`: two provisional lines, then its final line; the first provisional line has copies too.
        keyed(streamed(call(&t, (0, 1, 0), 1, 1), s()), 5, (0, 0, 0)),
        keyed(streamed(call(&t, (0, 2, 0), 2, 2), s()), 5, (0, 0, 1)),
        streamed(call(&t, (0, 3, 0), 3, 3), s()),
        streamed(call(&t, (0, 4, 0), 4, 4), Stream::Final("s".into())),
        // Scope `u`: a provisional line with no final line anywhere counts.
        streamed(call(&t, (0, 5, 0), 5, 5), Stream::Provisional("u".into())),
        // Scope `v`: the final line read first still replaces a later provisional one.
        streamed(call(&t, (1, 1, 0), 6, 6), Stream::Final("v".into())),
        streamed(call(&t, (1, 2, 0), 7, 7), Stream::Provisional("v".into())),
    ];
    let a = every_way(&t, &calls);
    assert_eq!(
        rows(&a),
        [
            row("a.jsonl:4", 1, 4, 4),
            row("a.jsonl:5", 1, 5, 5),
            row("b.jsonl:1", 1, 6, 6)
        ]
    );
    // Superseded: the best copy of key 5 (line 2), line 3, and b.jsonl line 2; line 1 was a duplicate.
    assert_eq!((a.stats.calls, a.stats.superseded, a.stats.duplicates), (3, 3, 1));
}
