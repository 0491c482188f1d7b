//! Two things the binary carries, prepared once here rather than at every start.
//!
//! Price tables: each bundled `pricing/*.yaml` is also written as JSON, which the loader reads about ten times
//! faster than YAML; the YAML stays the source, and the loader falls back to it (and its line numbers) for any
//! file whose JSON it cannot take.
//!
//! Vocabularies: lays out each vocabulary file (`src/tokenize/vocab/*.tiktoken`, OpenAI's "<base64 bytes> <rank>" lines) as
//! tables the binary carries: the tokens' bytes end to end, and an open-addressing hash table from bytes to rank
//! (layout in `src/tokenize/table_layout.rs`). Reading them costs nothing at start-up, where building a hash map of
//! 200,000 tokens took about 35 ms in every process that counts. The files are OpenAI's, byte for byte (SHA-256
//! 446a9538... for o200k_base, 223921b7... for cl100k_base): the ones tiktoken downloads and tiktoken-rs embeds.

use std::path::Path;

#[path = "src/tokenize/table_layout.rs"]
#[allow(
    dead_code,
    reason = "the crate reads what this script writes; each uses its own half"
)]
mod table_layout;

const VOCABS: [&str; 2] = ["o200k_base", "cl100k_base"];

fn base64_decode(text: &[u8]) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => 0,
            _ => panic!("not base64: {c}"),
        }
    };
    let mut out = Vec::new();
    for quad in text.chunks(4) {
        assert_eq!(quad.len(), 4, "base64 in quads");
        let pad = quad.iter().filter(|&&c| c == b'=').count();
        let n = quad.iter().fold(0u32, |n, &c| (n << 6) | value(c));
        out.extend_from_slice(&n.to_be_bytes()[1..4 - pad]);
    }
    out
}

fn lay_out(name: &str, out: &Path) {
    let path = format!("src/tokenize/vocab/{name}.tiktoken");
    println!("cargo::rerun-if-changed={path}");
    let text = std::fs::read(&path).expect("vocabulary file");
    let mut tokens: Vec<Vec<u8>> = Vec::new();
    for line in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let line = std::str::from_utf8(line).expect("vocabulary line is ASCII");
        let (bytes, rank) = line.split_once(' ').expect("\"<base64> <rank>\"");
        let rank: usize = rank.parse().expect("rank");
        // Ranks run 0, 1, 2, ... in file order, so a token's rank is its index.
        assert_eq!(rank, tokens.len(), "{name}: ranks in order without gaps");
        tokens.push(base64_decode(bytes.as_bytes()));
    }
    assert!(
        tokens.len() < (1 << table_layout::RANK_BITS),
        "{name}: ranks fit the slot"
    );

    let mut bytes = Vec::new();
    let slots = table_layout::slots_for(tokens.len());
    let mut table = vec![0u64; slots];
    let mut longest = 0;
    for (rank, token) in tokens.iter().enumerate() {
        let hash = table_layout::hash(token);
        let mut i = table_layout::home(hash, slots);
        let mut probe = 0;
        while table[i] != 0 {
            i = (i + 1) & (slots - 1);
            probe += 1;
        }
        longest = probe.max(longest);
        table[i] = table_layout::slot(hash, rank as u32, bytes.len(), token.len());
        bytes.extend_from_slice(token);
    }
    assert!(
        longest < 64,
        "{name}: a probe of {longest} slots; the hash spreads keys badly"
    );
    let table: Vec<u8> = table.iter().flat_map(|s| s.to_le_bytes()).collect();

    std::fs::write(out.join(format!("{name}.bytes")), bytes).expect("write table");
    std::fs::write(out.join(format!("{name}.slots")), table).expect("write table");
}

/// Each `pricing/*.yaml` as `$OUT_DIR/pricing/<name>.json`. A file that is not valid YAML is written as `null`,
/// and the loader then reports the YAML's own error at its line.
fn price_tables(out: &Path) {
    println!("cargo::rerun-if-changed=pricing");
    let dir = out.join("pricing");
    std::fs::create_dir_all(&dir).expect("create the JSON directory");
    let mut paths: Vec<_> = std::fs::read_dir("pricing")
        .expect("the pricing directory")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    for path in paths {
        println!("cargo::rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).expect("a price file");
        let json = match serde_yaml::from_str::<serde_yaml::Value>(&text) {
            Ok(v) => serde_json::to_string(&v).unwrap_or_else(|_| "null".into()),
            Err(_) => "null".into(),
        };
        let stem = path.file_stem().expect("a file name").to_string_lossy().into_owned();
        std::fs::write(dir.join(format!("{stem}.json")), json).expect("write the JSON");
    }
}

fn main() {
    println!("cargo::rerun-if-changed=src/tokenize/table_layout.rs");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for name in VOCABS {
        lay_out(name, Path::new(&out));
    }
    price_tables(Path::new(&out));
}
