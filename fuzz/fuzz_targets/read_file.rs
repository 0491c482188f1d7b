//! A whole file (plain or gzip) through the engine, every grouping, and every output format: must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tokencost::diag::Diag;
use tokencost::call::GroupBy;
use tokencost::engine::Engine;
use tokencost::output::{Format, exporter, report_view};
use tokencost::pricing::{self, PriceTable};
use tokencost::report;

fn table() -> &'static PriceTable {
    static TABLE: OnceLock<PriceTable> = OnceLock::new();
    TABLE.get_or_init(|| pricing::load(&[]).expect("bundled tables"))
}

/// One engine per grouping for the whole run: worker threads outlive every input, so their per-thread caches are
/// not mistaken for leaks.
fn engines() -> &'static [Engine<'static>] {
    static ENGINES: OnceLock<Vec<Engine<'static>>> = OnceLock::new();
    ENGINES.get_or_init(|| {
        [GroupBy::Model, GroupBy::Session, GroupBy::Day, GroupBy::Call]
            .into_iter()
            .map(|by| {
                let mut e = Engine::new(table(), by, 1).expect("a thread pool");
                e.trace = true;
                e.side_groups = true;
                e
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("tokencost-fuzz-{}.jsonl", std::process::id()));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let mut diag = Diag::new(true);
    for engine in engines() {
        let analysis = engine.run(std::slice::from_ref(&path), &mut diag);
        // A bill beyond exact decimals is refused with an error, which is an outcome, not a crash.
        let Ok(r) = report::build(&analysis, table(), engine.by) else {
            continue;
        };
        for f in [Format::Table, Format::Csv, Format::Json, Format::Markdown] {
            let _ = exporter(f).export(&report_view(&r), &mut std::io::sink());
        }
    }
});
