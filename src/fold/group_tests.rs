//! Where the calls that count are grouped, and which are left out: rows in input order, days in the filter's
//! time zone, the `--since`/`--until` window, calls not billed. Every expected value is worked out by hand.

use super::Filter;
use super::tests::{at, call, call_rows, fold, keyed, row, rows, table, time};
use crate::call::{GroupBy, TokenSource};
use crate::input::SkipReason;

#[test]
fn calls_by_call_come_in_input_order() {
    let t = table();
    let calls = vec![
        // Waits for the end of the input, yet its row comes first.
        keyed(call(&t, (0, 2, 0), 2, 0), 1, (0, 0, 0)),
        call(&t, (0, 5, 0), 5, 0),
        call(&t, (0, 9, 0), 9, 0),
        call(&t, (0, 9, 1), 10, 0),
        call(&t, (1, 1, 0), 11, 0),
    ];
    let mut f = fold(&t, GroupBy::Call, Filter::default(), None);
    for p in calls {
        f.push(p);
    }
    let mut a = f.finish();
    let infos = call_rows(&mut a);
    let want = [
        row("a.jsonl:2", 1, 2, 0),
        row("a.jsonl:5", 1, 5, 0),
        row("a.jsonl:9", 1, 9, 0),
        row("a.jsonl:9#2", 1, 10, 0),
        row("b.jsonl:1", 1, 11, 0),
    ];
    assert_eq!(rows(&a), want);
    let info = &infos[3];
    assert_eq!(
        (info.file.as_str(), info.line, &*info.model),
        ("a.jsonl", 9, "gpt-4o-2024-08-06")
    );
    assert_eq!(info.source, TokenSource::Reported);
    // Sessions fall back to the file names `a` and `b`.
    assert_eq!((a.stats.calls, a.stats.priced_calls, a.stats.sessions), (5, 5, 2));
}

#[test]
fn days_are_cut_in_the_filter_time_zone() {
    let t = table();
    let calls = || {
        [
            // Berlin is at UTC+2 until 01:00 UTC on 2024-10-27, then at UTC+1.
            at(call(&t, (0, 1, 0), 1, 0), "2024-10-26T23:30:00Z"),
            at(call(&t, (0, 2, 0), 2, 0), "2024-10-27T22:30:00Z"),
            at(call(&t, (0, 3, 0), 3, 0), "2024-10-27T23:30:00Z"),
            call(&t, (0, 4, 0), 4, 0),
        ]
    };
    let days = |timezone| {
        let filter = Filter {
            timezone,
            ..Filter::default()
        };
        let mut f = fold(&t, GroupBy::Day, filter, None);
        for p in calls() {
            f.push(p);
        }
        rows(&f.finish())
    };
    assert_eq!(
        days(chrono_tz::Europe::Berlin),
        [
            row("2024-10-27", 2, 3, 0),
            row("2024-10-28", 1, 3, 0),
            row("unknown", 1, 4, 0)
        ]
    );
    assert_eq!(
        days(chrono_tz::UTC),
        [
            row("2024-10-26", 1, 1, 0),
            row("2024-10-27", 2, 5, 0),
            row("unknown", 1, 4, 0)
        ]
    );
}

#[test]
fn the_window_and_not_billed_calls_leave_calls_out() {
    let t = table();
    let filter = Filter {
        since: Some(time("2024-10-01T00:00:00Z")),
        until: Some(time("2024-11-01T00:00:00Z")),
        ..Filter::default()
    };
    let mut f = fold(&t, GroupBy::Call, filter, None);
    let mut not_billed = at(call(&t, (0, 6, 0), 600, 0), "2024-10-15T00:00:00Z");
    not_billed.call.billed = false;
    // Not billed and outside the window: counted as not billed only.
    let mut not_billed_outside = at(call(&t, (0, 7, 0), 700, 0), "2023-01-01T00:00:00Z");
    not_billed_outside.call.billed = false;
    for p in [
        at(call(&t, (0, 1, 0), 1, 0), "2024-09-30T23:59:59Z"),
        at(call(&t, (0, 2, 0), 2, 0), "2024-10-01T00:00:00Z"),
        at(call(&t, (0, 3, 0), 3, 0), "2024-10-31T23:59:59Z"),
        at(call(&t, (0, 4, 0), 4, 0), "2024-11-01T00:00:00Z"),
        call(&t, (0, 5, 0), 5, 0),
        not_billed,
        not_billed_outside,
    ] {
        f.push(p);
    }
    let mut a = f.finish();
    call_rows(&mut a);
    // `since` is inclusive, `until` exclusive; a call without a timestamp cannot be placed in the window.
    assert_eq!(rows(&a), [row("a.jsonl:2", 1, 2, 0), row("a.jsonl:3", 1, 3, 0)]);
    let s = &a.stats;
    assert_eq!((s.calls, s.filtered_out, s.not_billed), (2, 3, 2));
    assert_eq!(s.first_call, Some(time("2024-10-01T00:00:00Z")));
    assert_eq!(s.last_call, Some(time("2024-10-31T23:59:59Z")));
}

#[test]
fn what_was_read_is_counted() {
    let t = table();
    let mut f = fold(&t, GroupBy::Model, Filter::default(), None);
    f.file_unreadable();
    f.line_read(crate::input::FormatId::OpenaiChat);
    f.line_read(crate::input::FormatId::OpenaiChat);
    f.line_read(crate::input::FormatId::Anthropic);
    f.line_skipped(SkipReason::InvalidJson);
    assert_eq!(f.stats().lines, 4);
    let a = f.finish();
    let s = &a.stats;
    assert_eq!((s.files, s.unreadable_files, s.lines, s.skipped_lines()), (2, 1, 4, 1));
    assert_eq!(s.lines_by_format.get("openai-chat"), Some(&2));
    assert_eq!(s.lines_by_format.get("anthropic"), Some(&1));
    assert_eq!(s.skipped.get(&SkipReason::InvalidJson), Some(&1));
    assert_eq!((s.calls, s.sessions), (0, 0));
}

/// One model name unpriced for two reasons (a log that named the provider, one that did not): the report gives the
/// same reason whichever line was read first, so that neither the order of the files nor a merge of partial results
/// changes it.
#[test]
fn an_unpriced_names_reason_does_not_depend_on_read_order() {
    use crate::call::Resolution;
    let t = table();
    let unpriced = |place, why: Resolution| {
        let mut p = super::tests::call_of(&t, "acme-llm-1", place, 5, 1);
        p.call.resolution = why;
        p
    };
    let reasons = [Resolution::NotListed("acme".into()), Resolution::Unknown];
    for first in 0..2 {
        let mut f = fold(&t, GroupBy::Model, Filter::default(), None);
        f.push(unpriced((0, 1, 0), reasons[first].clone()));
        f.push(unpriced((1, 1, 0), reasons[1 - first].clone()));
        let a = f.finish();
        let (sums, why) = &a.unpriced["acme-llm-1"];
        // Unknown comes before a provider's name in the fixed order; both calls, 5 + 5 input tokens, are kept.
        assert_eq!(
            (why, sums.calls, sums.tokens.input),
            (&Resolution::Unknown, 2, 10),
            "{first}"
        );
    }
}

/// Past the names kept, unpriced models are summed together; which names are kept (the first in name order) and
/// what each sums to do not depend on the order the calls come in, and every call is counted once either way.
#[test]
fn unpriced_names_past_the_bound_are_summed_together_whatever_the_order() {
    use crate::call::Resolution;
    let t = table();
    // Five names, each with its number of calls: m1 once, m2 twice, ..., m5 five times; 5 input tokens a call.
    let mut calls = Vec::new();
    for n in 1..=5usize {
        for k in 0..n {
            let mut p = super::tests::call_of(&t, &format!("m{n}"), (0, (10 * n + k) as u64, 0), 5, 1);
            p.call.resolution = Resolution::Unknown;
            calls.push(p);
        }
    }
    for order in 0..3 {
        let mut calls = calls.clone();
        match order {
            1 => calls.reverse(),
            2 => calls.sort_by_key(|p| (p.place.1 % 3, p.place.1)),
            _ => {}
        }
        let mut f = fold(&t, GroupBy::Model, Filter::default(), None);
        f.groups.unpriced_kept = 2;
        for p in calls {
            f.push(p);
        }
        let a = f.finish();
        let kept: Vec<(String, u64)> = a.unpriced.iter().map(|(m, (s, _))| (m.clone(), s.calls)).collect();
        // m1 and m2 by name; m3 + m4 + m5 = 3 + 4 + 5 = 12 calls, 60 input tokens, together.
        assert_eq!(kept, [("m1".to_string(), 1), ("m2".to_string(), 2)], "order {order}");
        assert_eq!(
            (a.unpriced_other.calls, a.unpriced_other.tokens.input),
            (12, 60),
            "order {order}"
        );
        assert_eq!(a.stats.unpriced_calls, 15);
    }
}
