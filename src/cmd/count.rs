//! `tokencost count`: exact token counts of text, as tiktoken's `encode_ordinary` gives them.

use anyhow::{Context, Result, bail};
use serde::Serialize;
use std::io::{Read, Write};
use std::path::PathBuf;

use crate::config::CountConfig;
use crate::diag::Diag;
use crate::error::Exit;
use crate::fmt::shown;
use crate::input::named_file;
use crate::output::view::{Cell, Column, View};
use crate::output::{self, with_output};
use crate::tokenize;

/// The text of `path` (stdin for none or `-`), read whole: refused past `max_bytes`, so that an endless pipe
/// cannot fill memory. A device such as `/dev/zero` is refused before it is read, as `analyze` refuses it.
fn read_text(path: Option<&PathBuf>, max_bytes: u64) -> Result<(String, String)> {
    let (label, reader): (String, Box<dyn Read>) = match path {
        Some(p) if p.as_os_str() != "-" => {
            let f = std::fs::File::open(p).with_context(|| format!("cannot read {}", p.display()))?;
            named_file(&f).with_context(|| format!("cannot read {}", p.display()))?;
            (p.display().to_string(), Box::new(f))
        }
        _ => ("<stdin>".to_string(), Box::new(std::io::stdin())),
    };
    let mut bytes = Vec::new();
    reader
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {label}"))?;
    if bytes.len() as u64 > max_bytes {
        bail!("{label}: more than {max_bytes} bytes; count reads each input whole (--max-bytes)");
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{label}: not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok((label, text))
}

/// One input's count, as the JSON rows have it.
#[derive(Serialize)]
struct Counted {
    file: String,
    encoding: String,
    tokens: u64,
}

/// The counts as a view, with a total when there are several inputs.
#[allow(clippy::ptr_arg)] // the Vec is the JSON document: a slice cannot be a `dyn Document`
fn view(rows: &Vec<Counted>) -> View<'_> {
    let mut v = View::new(
        vec![
            Column::both("file", "file"),
            Column::both("encoding", "encoding"),
            Column::both("tokens", "tokens").right(),
        ],
        rows,
    );
    for r in rows {
        v.rows.push(vec![
            Cell::text(r.file.as_str()),
            Cell::text(r.encoding.as_str()),
            Cell::Int(r.tokens),
        ]);
    }
    if rows.len() > 1 {
        v.total = Some(vec![
            Cell::text("total"),
            Cell::text(""),
            Cell::Int(rows.iter().map(|r| r.tokens).sum()),
        ]);
    }
    v
}

/// `wc`-like lines: the count alone for one input, else one per input and a total.
fn plain(w: &mut dyn Write, rows: &[Counted]) -> Result<()> {
    if let [one] = rows {
        writeln!(w, "{}", one.tokens)?;
    } else {
        for r in rows {
            writeln!(w, "{}\t{}", r.tokens, shown(&r.file))?;
        }
        writeln!(w, "{}\ttotal", rows.iter().map(|r| r.tokens).sum::<u64>())?;
    }
    Ok(())
}

pub fn run(cfg: CountConfig) -> Result<Exit> {
    cfg.to.refuse_overwriting(&cfg.inputs)?;
    if let (Some(m), Some(r)) = (&cfg.model, cfg.ratio) {
        Diag::new(false).always(&format!(
            "tokencost: note: `{m}` has no public tokenizer; counts are estimates (o200k_base x {r})"
        ));
    }
    let encoding = match cfg.ratio {
        Some(r) => format!("estimate ({} x {r})", cfg.encoding.name()),
        None => cfg.encoding.name().to_string(),
    };
    let sources: Vec<Option<&PathBuf>> = if cfg.inputs.is_empty() {
        vec![None]
    } else {
        cfg.inputs.iter().map(Some).collect()
    };
    let mut rows = Vec::new();
    for src in &sources {
        let (label, text) = read_text(*src, cfg.max_bytes)?;
        let mut n = tokenize::count(cfg.encoding, &text);
        if let Some(r) = cfg.ratio {
            n = (n as f64 * r).round() as u64;
        }
        rows.push(Counted {
            file: label,
            encoding: encoding.clone(),
            tokens: n,
        });
    }
    match cfg.format {
        Some(format) => output::render(&view(&rows), format, &cfg.to)?,
        None => with_output(&cfg.to, |w| plain(w, &rows))?,
    }
    Ok(Exit::Success)
}
