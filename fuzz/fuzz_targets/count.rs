//! Differential: the fast counter (regex-crate pre-split, piece and message caches) must equal tiktoken-rs's own
//! `encode_ordinary` on any text, for both encodings.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokencost::tokenize::{Encoding, count};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for (enc, reference) in [
        (Encoding::O200kBase, tiktoken_rs::o200k_base_singleton()),
        (Encoding::Cl100kBase, tiktoken_rs::cl100k_base_singleton()),
    ] {
        let want = reference.encode_ordinary(text).len() as u64;
        assert_eq!(count(enc, text), want, "{text:?}");
    }
});
