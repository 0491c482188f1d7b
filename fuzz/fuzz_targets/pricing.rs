//! A price YAML file, on its own and layered over the bundled tables: every input gives a table or a list of
//! problems with their lines, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(problems) = tokencost::pricing::load_text("fuzz.yaml", text) {
        assert!(!problems.is_empty());
        for p in &problems {
            assert!(p.line >= 1);
            let _ = p.to_string();
        }
    }
});
