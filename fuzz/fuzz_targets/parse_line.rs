//! One log line through format detection, parsing, model lookup and token counting: must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tokencost::pricing::{self, PriceTable};

fn table() -> &'static PriceTable {
    static TABLE: OnceLock<PriceTable> = OnceLock::new();
    TABLE.get_or_init(|| pricing::load(&[]).expect("bundled tables"))
}

fuzz_target!(|data: &[u8]| {
    let _ = tokencost::engine::process(data, table(), None);
});
