//! One long pre-token (a run of one letter, a repeated syllable): the byte-pair merge of such a piece must take
//! neither quadratic time nor memory, and must count exactly as tiktoken does. The counts below are Python
//! tiktoken 0.14.0's `len(encode_ordinary(text))` for the same generated texts.

mod common;

use common::tokencost;

fn count(text: &str, encoding: &str) -> u64 {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("piece.txt");
    std::fs::write(&p, text).unwrap();
    let out = tokencost()
        .args(["count", "--encoding", encoding, p.to_str().unwrap()])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap().trim().parse().unwrap()
}

#[test]
fn long_single_pieces_count_as_tiktoken_counts_them() {
    let cases: [(String, u64, u64); 5] = [
        ("a".repeat(1_000_003), 125_001, 125_001),
        ("a".repeat(12_345), 1_544, 1_544),
        ("ab".repeat(50_000), 25_000, 50_000),
        ("xyzzy".repeat(20_000), 40_000, 40_000),
        ("é".repeat(30_000), 30_000, 30_000),
    ];
    for (text, o200k, cl100k) in cases {
        let what = format!("{:.12}... ({} bytes)", text, text.len());
        assert_eq!(count(&text, "o200k_base"), o200k, "o200k_base {what}");
        assert_eq!(count(&text, "cl100k_base"), cl100k, "cl100k_base {what}");
    }
}
