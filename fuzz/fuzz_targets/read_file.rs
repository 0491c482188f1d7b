//! A whole file through the engine, every grouping, and every output format: must never panic. The input's first
//! byte picks a wrapping of the rest, so that the fuzzer's JSON reaches the reader in every shape it accepts: as
//! is (gzip, UTF-16 and byte-order marks can still come from the bytes themselves), after a UTF-8 byte-order mark,
//! as UTF-16 either way, gzip with zero padding after it, gzip cut short, or gzip with trailing bytes. One engine
//! caps lines at a few bytes, so that lines too long are met at every offset of a read.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::Write;
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
            .enumerate()
            .map(|(i, by)| {
                let mut e = Engine::new(table(), by, 1).expect("a thread pool");
                e.trace = true;
                e.side_groups = true;
                if i == 0 {
                    e.max_line = 40;
                }
                e
            })
            .collect()
    })
}

fn gzip(text: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = e.write_all(text);
    e.finish().unwrap_or_default()
}

fn utf16(text: &[u8], big_endian: bool) -> Vec<u8> {
    std::iter::once(0xfeff)
        .chain(String::from_utf8_lossy(text).encode_utf16())
        .flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() })
        .collect()
}

/// The file's bytes: `rest` in the shape `shape` names.
fn wrapped(shape: u8, rest: &[u8]) -> Vec<u8> {
    match shape % 8 {
        1 => [b"\xef\xbb\xbf", rest].concat(),
        2 => utf16(rest, false),
        3 => utf16(rest, true),
        4 => [gzip(rest), vec![0; usize::from(shape / 8) + 1]].concat(),
        5 => {
            let mut g = gzip(rest);
            g.truncate(g.len() * usize::from(shape / 8 + 1) / 33);
            g
        }
        6 => [gzip(rest), vec![0, shape], gzip(rest)].concat(),
        _ => rest.to_vec(),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&shape, rest)) = data.split_first() else {
        return;
    };
    let path = std::env::temp_dir().join(format!("tokencost-fuzz-{}.jsonl", std::process::id()));
    if std::fs::write(&path, wrapped(shape, rest)).is_err() {
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
