//! One log line through format detection, parsing, model lookup and token counting: must never panic, and the
//! fast paths (Claude Code lines, bare chat requests) must read every line exactly as the general path does, and
//! count it the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tokencost::pricing::{self, PriceTable};

fn table() -> &'static PriceTable {
    static TABLE: OnceLock<PriceTable> = OnceLock::new();
    TABLE.get_or_init(|| pricing::load(&[]).expect("bundled tables"))
}

fuzz_target!(|data: &[u8]| {
    // The engine's path (fast paths, and messages the message cache vouches for) against the general path alone.
    // Blank and padded lines too: both paths trim whitespace, NULs and a byte-order mark alike.
    let fast = tokencost::engine::process(data, table(), None);
    let general = tokencost::engine::process_general(data, table(), None);
    assert_eq!(format!("{fast:?}"), format!("{general:?}"));
    assert_eq!(tokencost::input::parse_line(data), tokencost::input::parse_value(data));
});
