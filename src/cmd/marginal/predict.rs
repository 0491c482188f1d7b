//! `tokencost marginal predict FILE.csv`: every row with the predicted TTFT, TPOT, throughput and cost added.
//!
//! The output keeps the input's columns as they are, so it is written as CSV directly rather than through a
//! view (whose columns are fixed). A row that cannot be predicted is named on stderr with its line (the first 100) and left out;
//! the exit code then says so.

use anyhow::{Context, Result};
use std::io::{Read, Write};

use crate::config::PredictConfig;
use crate::diag::Diag;
use crate::error::Exit;
use crate::serving::bundled;
use crate::serving::calibration::Calibration;
use crate::serving::measure::{Header, Lines, read_row};
use crate::serving::{Architecture, predict};

const ADDED: [&str; 5] = [
    "predicted_ttft_ms",
    "predicted_tpot_ms",
    "output_tokens_per_s_per_gpu",
    "usd_per_m_input",
    "usd_per_m_output",
];

pub fn run(cfg: PredictConfig) -> Result<Exit> {
    let name = cfg.input.display().to_string();
    let mut text = Vec::new();
    if cfg.input.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut text).context("reading stdin")?;
    } else {
        std::fs::File::open(&cfg.input)
            .and_then(|mut f| f.read_to_end(&mut text))
            .with_context(|| format!("cannot read {name}"))?;
    }
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_slice());
    let headers = reader
        .headers()
        .with_context(|| format!("{name}: no CSV header"))?
        .clone();
    let header = Header::new(headers.iter());
    let missing = header.missing();
    if !missing.is_empty() {
        anyhow::bail!("{name}: the header lacks {}", missing.join(", "));
    }
    let calibration = Calibration::shipped();
    let stdout = std::io::stdout();
    let mut out = csv::Writer::from_writer(std::io::BufWriter::new(stdout.lock()));
    out.write_record(headers.iter().chain(ADDED))?;
    // Architectures are read once per model named.
    let mut archs: std::collections::HashMap<String, Result<Architecture, String>> = Default::default();
    // Rows are named up to the run's limit, then counted: through `diag`, which also escapes what the file says.
    let mut diag = Diag::new(false);
    let mut record = csv::StringRecord::new();
    let mut lines = Lines::default();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = lines.at(&text, e.position());
                diag.error(&format!("{name}:{line}: {e}"));
                continue;
            }
        }
        let line = lines.at(&text, record.position());
        let row = (|| -> Result<[String; 5], String> {
            let m = read_row(&header, &record)?;
            let arch = archs
                .entry(m.model.clone())
                .or_insert_with(|| bundled::resolve(&m.model, cfg.arch_dir.as_deref()))
                .as_ref()
                .map_err(Clone::clone)?;
            let gpu = cfg.gpus.find(&m.system)?;
            let first = calibration.first_token(&m.backend);
            let p = predict(arch, gpu, &m.scenario, &calibration.roofline_for(&m.backend), &first)
                .map_err(|e| e.to_string())?;
            let (input, output) = p.usd_per_million(cfg.gpu_hour.unwrap_or(gpu.price.owned));
            Ok([p.ttft * 1000.0, p.tpot * 1000.0, p.output_tps_per_gpu, input, output].map(|v| format!("{v:.6}")))
        })();
        match row {
            Ok(added) => out.write_record(record.iter().chain(added.iter().map(String::as_str)))?,
            Err(e) => diag.error(&format!("{name}:{line}: {e}")),
        }
    }
    out.flush()?;
    drop(out);
    std::io::stdout().flush()?;
    diag.finish();
    if diag.errors > 0 {
        diag.always(&format!(
            "tokencost: {} rows of {name} could not be predicted",
            diag.errors
        ));
        return Ok(Exit::Partial);
    }
    Ok(Exit::Success)
}
