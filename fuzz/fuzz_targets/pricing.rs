//! A user's price YAML layered over the bundled tables: every input gives a table or a list of problems, never a
//! panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("tokencost-fuzz-{}.yaml", std::process::id()));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if let Err(problems) = tokencost::pricing::load(std::slice::from_ref(&path)) {
        assert!(!problems.is_empty());
        for p in &problems {
            let _ = p.to_string();
        }
    }
});
