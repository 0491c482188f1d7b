//! Rows in the shape of `measurements.csv` (NVIDIA aiconfigurator's silicon samples): which model, GPU and
//! deployment each describes, read into a `Scenario`.
//!
//! The conventions, checked against the data: `batch_size` counts requests in flight per attention-DP group (the
//! measured concurrency is `batch_size x attention_dp_size`), a replica is `tp x pp x attention_dp` GPUs, and the
//! experts are spread over `moe_tp x moe_ep` of them. A `disagg` row describes its pools in the `prefill_*` and
//! `decode_*` columns; without `decode_batch_size` its load is unknown and it cannot be predicted.

use std::collections::HashMap;

use super::precision::Precision;
use super::scenario::{Mode, Pool, Scenario};
use super::step::{Parallel, Quant};

/// The columns a prediction reads.
pub const COLUMNS: &[&str] = &[
    "model_path",
    "system",
    "precision",
    "gemm_quant_mode",
    "moe_quant_mode",
    "mode",
    "isl",
    "osl",
    "batch_size",
    "tp_size",
    "pp_size",
    "attention_dp_size",
    "moe_tp_size",
    "moe_ep_size",
];

/// Where each column is in a header.
#[derive(Debug, Clone)]
pub struct Header {
    index: HashMap<String, usize>,
}

impl Header {
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Header {
        let index = names
            .into_iter()
            .enumerate()
            .map(|(i, n)| (n.trim().to_string(), i))
            .collect();
        Header { index }
    }

    /// The columns a prediction needs and the header lacks.
    pub fn missing(&self) -> Vec<&'static str> {
        COLUMNS
            .iter()
            .copied()
            .filter(|c| !self.index.contains_key(*c))
            .collect()
    }

    pub fn get<'r>(&self, row: &'r csv::StringRecord, name: &str) -> &'r str {
        self.index.get(name).and_then(|&i| row.get(i)).unwrap_or("").trim()
    }
}

/// One row's model, GPU and scenario.
#[derive(Debug, Clone)]
pub struct Measured {
    pub model: String,
    pub system: String,
    pub backend: String,
    pub scenario: Scenario,
    /// Measured times in seconds, when the row has them.
    pub ttft: Option<f64>,
    pub tpot: Option<f64>,
}

fn count(h: &Header, row: &csv::StringRecord, name: &str) -> Result<Option<u64>, String> {
    let s = h.get(row, name);
    if s.is_empty() {
        return Ok(None);
    }
    // Some exports write counts as floats ("4.0").
    match s.parse::<u64>() {
        Ok(v) => Ok(Some(v)),
        Err(_) => match s.parse::<f64>() {
            Ok(v) if v >= 0.0 && v.fract() == 0.0 && v < 1e12 => Ok(Some(v as u64)),
            _ => Err(format!("`{name}` is not a whole number: `{s}`")),
        },
    }
}

/// A size where 0 and empty mean "not split".
fn size(h: &Header, row: &csv::StringRecord, name: &str) -> Result<u64, String> {
    Ok(count(h, row, name)?.filter(|&v| v > 0).unwrap_or(1))
}

fn required(h: &Header, row: &csv::StringRecord, name: &str) -> Result<u64, String> {
    match count(h, row, name)? {
        Some(v) if v > 0 => Ok(v),
        _ => Err(format!("`{name}` is empty or 0")),
    }
}

/// A pool's layout, and the factor its per-group batch grows by when `squared` reads fewer attention-DP groups.
fn parallel(h: &Header, row: &csv::StringRecord, prefix: &str) -> Result<(Parallel, u64), String> {
    let f = |n: &str| format!("{prefix}{n}");
    let tp = size(h, row, &f("tp_size"))?;
    let pp = size(h, row, &f("pp_size"))?;
    let dp = size(h, row, &f("attention_dp_size"))?;
    let moe_tp = count(h, row, &f("moe_tp_size"))?.unwrap_or(0);
    let moe_ep = count(h, row, &f("moe_ep_size"))?.unwrap_or(0);
    // Rows of dense models leave the expert sizes empty or 0: experts, if any, then follow the attention split.
    let (moe_tp, moe_ep) = if moe_tp == 0 || moe_ep == 0 {
        (tp * dp, 1)
    } else {
        (moe_tp, moe_ep)
    };
    let par = squared(Parallel {
        tp,
        pp,
        dp,
        moe_tp,
        moe_ep,
    });
    Ok((par, dp / par.dp))
}

/// GPUs in one NVLink node of the HGX machines the samples were measured on: tensor parallelism is not run across
/// nodes.
const NODE_GPUS: u64 = 8;

/// Some exports write an `n`-GPU deployment with tensor (or attention-DP) size `n` and experts spread over `n`
/// GPUs (`--tp n --ep n`) as `moe_tp = moe_ep = n` and then tp (or attention DP) `= n x n` to keep the convention
/// that `moe_tp x moe_ep` counts the GPUs: DeepSeek on B200 at "tp 64" for 4 requests. Such a layout (16 or 64
/// GPUs, tensor parallel across nodes) is not what ran: measured, these rows decode slower than the same model at
/// tp 8 on 8 GPUs, not faster. They are read as the `n`-GPU layout, with the same requests in flight.
fn squared(par: Parallel) -> Parallel {
    let n = par.moe_ep;
    let square = par.moe_tp == n && n > 1 && n * n > NODE_GPUS;
    if square && par.tp == n * n && par.dp == 1 {
        return Parallel {
            tp: n,
            moe_tp: 1,
            ..par
        };
    }
    if square && par.dp == n * n && par.tp == 1 {
        return Parallel {
            dp: n,
            moe_tp: 1,
            ..par
        };
    }
    par
}

fn quant(h: &Header, row: &csv::StringRecord) -> Result<Quant, String> {
    let read = |name: &str| -> Result<Option<Precision>, String> {
        let s = h.get(row, name);
        if s.is_empty() {
            return Ok(None);
        }
        Precision::parse(s)
            .map(Some)
            .ok_or_else(|| format!("unknown `{name}` `{s}`"))
    };
    let base = read("precision")?.unwrap_or(Precision::Bf16);
    let dense = read("gemm_quant_mode")?.unwrap_or(base);
    let moe = read("moe_quant_mode")?.unwrap_or(dense);
    Ok(Quant {
        dense,
        moe,
        cache: dense,
    })
}

fn millis(h: &Header, row: &csv::StringRecord, name: &str) -> Option<f64> {
    h.get(row, name)
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0)
        .map(|v| v / 1000.0)
}

/// Reads one row; the error says what is wrong with it.
pub fn read_row(h: &Header, row: &csv::StringRecord) -> Result<Measured, String> {
    let model = h.get(row, "model_path").to_string();
    if model.is_empty() {
        return Err("`model_path` is empty".into());
    }
    let system = h.get(row, "system").to_string();
    if system.is_empty() {
        return Err("`system` is empty".into());
    }
    let isl = required(h, row, "isl")?;
    let osl = required(h, row, "osl")?;
    let mode = match h.get(row, "mode") {
        "" | "agg" => {
            let (par, grow) = parallel(h, row, "")?;
            Mode::Agg(Pool {
                par,
                batch: required(h, row, "batch_size")?.saturating_mul(grow),
                workers: 1,
            })
        }
        "disagg" => {
            let batch = count(h, row, "decode_batch_size")?
                .filter(|&b| b > 0)
                .ok_or("a disaggregated row needs `decode_batch_size` (its load); this one leaves it empty")?;
            let (prefill, grow_p) = parallel(h, row, "prefill_")?;
            let (decode, grow_d) = parallel(h, row, "decode_")?;
            Mode::Disagg {
                prefill: Pool {
                    par: prefill,
                    batch: size(h, row, "prefill_batch_size")?.saturating_mul(grow_p),
                    workers: size(h, row, "prefill_num_workers")?,
                },
                decode: Pool {
                    par: decode,
                    batch: batch.saturating_mul(grow_d),
                    workers: size(h, row, "decode_num_workers")?,
                },
            }
        }
        other => return Err(format!("unknown `mode` `{other}` (agg or disagg)")),
    };
    Ok(Measured {
        model,
        system,
        backend: h.get(row, "backend").to_string(),
        scenario: Scenario {
            quant: quant(h, row)?,
            isl,
            osl,
            mode,
        },
        ttft: millis(h, row, "silicon_ttft_ms"),
        tpot: millis(h, row, "silicon_tpot_ms"),
    })
}

/// The model family a measurement belongs to, for leaving one out: one architecture, whatever its precision or
/// release (DeepSeek V3, V3.1 and R1 share one).
pub fn family(model_path: &str) -> String {
    let name = model_path.rsplit('/').next().unwrap_or(model_path).to_ascii_lowercase();
    if name.starts_with("deepseek-v3") || name.starts_with("deepseek-r1") {
        return "deepseek-v3/r1".into();
    }
    let mut name = name.as_str();
    for suffix in ["-nvfp4", "-fp8", "-instruct"] {
        name = name.strip_suffix(suffix).unwrap_or(name);
    }
    name.trim_start_matches("meta-").to_string()
}

/// Line numbers of CSV records, from their byte offsets. The csv crate's own line count lags one line behind on
/// files with CRLF line ends (it counts the `\n` of a record's `\r\n` as part of the next record).
#[derive(Debug, Default)]
pub struct Lines {
    byte: usize,
    line: u64,
}

impl Lines {
    /// The 1-based line of the record starting at `pos` in `text`; positions must come in increasing order.
    pub fn at(&mut self, text: &[u8], pos: Option<&csv::Position>) -> u64 {
        let Some(pos) = pos else { return 0 };
        let byte = (pos.byte() as usize).min(text.len());
        let mut skip = byte;
        // A record reported at the `\n` of the previous line's `\r\n` starts after it.
        if text.get(byte) == Some(&b'\n') {
            skip += 1;
        }
        if skip < self.byte {
            return self.line + 1;
        }
        self.line += text[self.byte..skip].iter().filter(|&&b| b == b'\n').count() as u64;
        self.byte = skip;
        self.line + 1
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;

    #[test]
    fn lines_are_counted_alike_with_lf_and_crlf_ends() {
        for text in ["a,b\n1,2\n3,4\n", "a,b\r\n1,2\r\n3,4\r\n"] {
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let mut lines = Lines::default();
            let got: Vec<u64> = reader
                .records()
                .map(|r| lines.at(text.as_bytes(), r.unwrap().position()))
                .collect();
            assert_eq!(got, [2, 3], "{text:?}");
        }
    }
}
