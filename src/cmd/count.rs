//! `tokencost count`: exact token counts of text, as tiktoken's `encode_ordinary` gives them.

use anyhow::{Context, Result, bail};
use std::io::Read;
use std::path::PathBuf;

use crate::call::Resolution;
use crate::cli::CountArgs;
use crate::config::price_table;
use crate::error::Exit;
use crate::output::with_output;
use crate::pricing::Tokenizer;
use crate::tokenize::{self, Encoding};

fn read_text(path: Option<&PathBuf>) -> Result<(String, String)> {
    let (label, bytes) = match path {
        Some(p) if p.as_os_str() != "-" => {
            let b = std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?;
            (p.display().to_string(), b)
        }
        _ => {
            let mut b = Vec::new();
            std::io::stdin().read_to_end(&mut b).context("cannot read stdin")?;
            ("<stdin>".to_string(), b)
        }
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{label}: not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok((label, text))
}

pub fn run(args: CountArgs) -> Result<Exit> {
    let (encoding, ratio) = match (&args.model, args.encoding) {
        (Some(m), _) => {
            let table = price_table(&args.pricing)?;
            match table.resolve(m) {
                Resolution::Found(i) => match table.model(i).tokenizer {
                    Tokenizer::Exact(e) => (e, None),
                    Tokenizer::Estimate(r) => {
                        eprintln!(
                            "tokencost: note: `{m}` has no public tokenizer; counts are estimates (o200k_base x {r})"
                        );
                        (Encoding::O200kBase, Some(r))
                    }
                },
                Resolution::Ambiguous(c) => bail!("model `{m}` is ambiguous: {}", c.join(", ")),
                Resolution::Unknown => {
                    bail!("unknown model `{m}`; use --encoding o200k_base or cl100k_base")
                }
            }
        }
        (None, e) => (e.map_or(Encoding::O200kBase, Encoding::from), None),
    };
    let sources: Vec<Option<&PathBuf>> = if args.inputs.is_empty() {
        vec![None]
    } else {
        args.inputs.iter().map(Some).collect()
    };
    let mut rows = Vec::new();
    for src in &sources {
        let (label, text) = read_text(*src)?;
        let mut n = tokenize::count(encoding, &text);
        if let Some(r) = ratio {
            n = (n as f64 * r).round() as u64;
        }
        rows.push((label, n));
    }
    with_output(None, |w| {
        if rows.len() == 1 {
            writeln!(w, "{}", rows[0].1)?;
        } else {
            for (label, n) in &rows {
                writeln!(w, "{n}\t{label}")?;
            }
            writeln!(w, "{}\ttotal", rows.iter().map(|r| r.1).sum::<u64>())?;
        }
        Ok(())
    })?;
    Ok(Exit::Success)
}
