//! Which copy of a call counts, and which stream lines count: in memory and through spilled runs alike. Every
//! expected value is worked out from the calls pushed.

use super::tests::{at, by_call, call, call_of, keyed, row, rows, streamed, table};
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

/// On equal rank the earliest copy counts, then the model's name, the session's (a file's name for a call without
/// one), the file's and the line: never the order copies were read in.
#[test]
fn on_equal_rank_the_choice_does_not_depend_on_order() {
    let t = table();
    let early = at(keyed(call(&t, (1, 1, 0), 70, 7), 9, (1, 1, 1)), "2025-01-01T00:00:00Z");
    let late = at(keyed(call(&t, (0, 3, 0), 30, 3), 9, (1, 1, 1)), "2025-01-02T00:00:00Z");
    let undated = keyed(call(&t, (0, 4, 0), 40, 4), 9, (1, 1, 1));
    let other = keyed(call(&t, (0, 5, 0), 50, 5), 8, (0, 0, 0));
    let want = [row("a.jsonl:5", 1, 50, 5), row("b.jsonl:1", 1, 70, 7)];
    for calls in [
        vec![late.clone(), undated.clone(), other.clone(), early.clone()],
        vec![early.clone(), other.clone(), undated.clone(), late.clone()],
    ] {
        let a = every_way(&t, &calls);
        assert_eq!(rows(&a), want);
        assert_eq!((a.stats.calls, a.stats.duplicates), (2, 2));
    }
    // Undated: the model's name first (`gpt-4o` before `gpt-4o-2024-08-06`), then the file's, then the line.
    let dated_model = keyed(call(&t, (0, 1, 0), 1, 0), 4, (0, 1, 0));
    let plain_model = keyed(call_of(&t, "gpt-4o", (1, 7, 0), 2, 0), 4, (0, 1, 0));
    let in_b = keyed(call(&t, (1, 2, 0), 3, 0), 5, (0, 1, 0));
    let in_a = keyed(call(&t, (0, 9, 0), 4, 0), 5, (0, 1, 0));
    let line_9 = keyed(call(&t, (0, 9, 0), 5, 0), 6, (0, 1, 0));
    let line_8 = keyed(call(&t, (0, 8, 0), 6, 0), 6, (0, 1, 0));
    let mut calls = vec![dated_model, plain_model, in_b, in_a, line_9, line_8];
    let want = [
        row("a.jsonl:8", 1, 6, 0),
        row("a.jsonl:9", 1, 4, 0),
        row("b.jsonl:7", 1, 2, 0),
    ];
    for _ in 0..2 {
        assert_eq!(rows(&every_way(&t, &calls)), want);
        calls.reverse();
    }
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
