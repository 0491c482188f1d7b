//! Marginal-cost estimates: a direct low-high range with its source, or one derived from hardware as
//! gpu_hourly_usd x gpus / (tokens_per_second x 3600 x utilization) x 1e6.

use rust_decimal::Decimal;

use super::lines::Span;
use super::load::{FileCx, Loader, to_decimal};
use super::schema::{MarginalDef, RangeDef};
use super::{Marginal, Method, Range};

impl Loader {
    pub(super) fn range(
        &mut self,
        file: &str,
        line: usize,
        what: &str,
        r: RangeDef,
        allow_zero: bool,
    ) -> Option<Range> {
        let ok = |v: f64| v.is_finite() && (v > 0.0 || (allow_zero && v == 0.0));
        if !ok(r.low) || !ok(r.high) || r.low > r.high {
            let need = if allow_zero { "0 or more" } else { "above 0" };
            self.problem(
                file,
                line,
                format!(
                    "`{what}` needs finite low <= high, each {need}; got {} .. {}",
                    r.low, r.high
                ),
            );
            return None;
        }
        Some(Range {
            low: to_decimal(r.low)?,
            high: to_decimal(r.high)?,
        })
    }

    pub(super) fn marginal(&mut self, cx: &FileCx, def: &MarginalDef, span: Span) -> Option<Marginal> {
        let name = cx.name;
        let before = self.problems.len();
        let as_of = self.date(name, cx.line(span, "as_of"), def.as_of.as_deref());
        if def.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
            self.problem(name, span.0 + 1, format!("estimate `{}` needs a `source`", def.id));
        }
        let r = |l: &mut Self, key: &str, v: Option<RangeDef>, zero: bool| {
            v.and_then(|v| l.range(name, cx.line(span, key), key, v, zero))
        };
        let (input, output, derivation) = match (&def.hardware, def.input) {
            (Some(hw), None) if def.output.is_none() && def.output_ratio.is_none() => {
                let line = cx.line(span, "hardware");
                let gpu = r(self, "gpu_hourly_usd", Some(hw.gpu_hourly_usd), false);
                let util = r(self, "utilization", Some(hw.utilization), false);
                let tin = r(self, "input_tokens_per_second", Some(hw.input_tokens_per_second), false);
                let tout = r(
                    self,
                    "output_tokens_per_second",
                    Some(hw.output_tokens_per_second),
                    false,
                );
                if hw.gpus == 0 {
                    self.problem(name, line, "`gpus` must be at least 1".into());
                }
                if util.is_some_and(|u| u.high > Decimal::ONE) {
                    self.problem(name, line, "`utilization` cannot exceed 1".into());
                }
                let (Some(gpu), Some(util), Some(tin), Some(tout)) = (gpu, util, tin, tout) else {
                    return None;
                };
                let n = Decimal::from(hw.gpus);
                let per_m = |price: Decimal, tps: Decimal, u: Decimal| {
                    (price * n * Decimal::from(1_000_000) / (tps * Decimal::from(3600) * u)).round_dp(10)
                };
                let input = Range {
                    low: per_m(gpu.low, tin.high, util.high),
                    high: per_m(gpu.high, tin.low, util.low),
                };
                let output = Range {
                    low: per_m(gpu.low, tout.high, util.high),
                    high: per_m(gpu.high, tout.low, util.low),
                };
                let how = format!(
                    "{}: {} GPUs x ${}-{} per GPU-hour / (tokens per second x 3600 x utilisation {}-{}) x 1e6\n\
                     input:  {}-{} tokens/s -> ${}-{} per 1M\n\
                     output: {}-{} tokens/s -> ${}-{} per 1M",
                    hw.description.as_deref().unwrap_or("hardware"),
                    hw.gpus,
                    gpu.low,
                    gpu.high,
                    util.low,
                    util.high,
                    tin.low,
                    tin.high,
                    input.low.round_dp(4),
                    input.high.round_dp(4),
                    tout.low,
                    tout.high,
                    output.low.round_dp(4),
                    output.high.round_dp(4),
                );
                (Some(input), Some(output), Some(how))
            }
            (None, Some(i)) => {
                let input = r(self, "input", Some(i), true);
                let output = match (def.output, def.output_ratio, input) {
                    (Some(o), None, _) => r(self, "output", Some(o), true),
                    (None, Some(q), Some(input)) => r(self, "output_ratio", Some(q), false).map(|q| Range {
                        low: input.low * q.low,
                        high: input.high * q.high,
                    }),
                    (None, Some(_), None) => None,
                    _ => {
                        self.problem(
                            name,
                            span.0 + 1,
                            "give exactly one of `output` or `output_ratio`".into(),
                        );
                        None
                    }
                };
                (input, output, None)
            }
            _ => {
                let msg = format!(
                    "estimate `{}` needs either `input` with `output`/`output_ratio`, or `hardware` alone",
                    def.id
                );
                self.problem(name, span.0 + 1, msg);
                (None, None, None)
            }
        };
        let method = match def.method.as_deref() {
            None | Some("given") => Method::Given,
            Some("derived") => Method::Derived,
            Some("proxy") => Method::Proxy,
            Some(other) => {
                let line = cx.line(span, "method");
                self.problem(
                    name,
                    line,
                    format!("`method` must be given, derived or proxy, got `{other}`"),
                );
                Method::Given
            }
        };
        if method != Method::Given && def.serving_model.is_none() {
            let msg = format!("a {} estimate names its `serving_model`", method.name());
            self.problem(name, cx.line(span, "method"), msg);
        }
        if def.serving_gpu.is_some() && def.serving_model.is_none() {
            let msg = "`serving_gpu` goes with a `serving_model`".to_string();
            self.problem(name, cx.line(span, "serving_gpu"), msg);
        }
        if def.widen.is_some_and(|w| !(w.is_finite() && w >= 1.0)) {
            self.problem(name, cx.line(span, "widen"), "`widen` must be 1 or more".into());
        }
        if self.problems.len() > before {
            return None;
        }
        Some(Marginal {
            id: def.id.clone(),
            input: input?,
            output: output?,
            source: def.source.clone().unwrap_or_default(),
            as_of: as_of?,
            derivation,
            method,
            models: def.models.iter().map(|p| p.to_lowercase()).collect(),
            serving_model: def.serving_model.clone(),
        })
    }
}

/// Kinds of priced model that the serving model does not cover (it estimates text generation), with the name
/// fragments that mark them: a priced model without an estimate is shown as one of these, or as missing one.
const NOT_CHAT: &[(&str, &[&str])] = &[
    ("audio", &["audio", "voxtral", "whisper", "tts", "transcribe"]),
    ("image", &["flux", "dall-e", "stable-diffusion", "imagen"]),
    ("embedding", &["embed"]),
    (
        "moderation",
        &["moderation", "prompt-guard", "llama-guard", "content-safety"],
    ),
    ("rerank", &["rerank"]),
    ("ocr", &["ocr"]),
    ("router", &["router"]),
];

/// The kind of a model that is not a text chat model (`audio`, `image`, ...), from its name; None for chat.
pub fn not_chat(model: &str) -> Option<&'static str> {
    let name = model.to_ascii_lowercase();
    NOT_CHAT
        .iter()
        .find(|(_, marks)| marks.iter().any(|m| name.contains(m)))
        .map(|(kind, _)| *kind)
}

#[cfg(test)]
mod tests {
    use crate::pricing::load;

    #[test]
    fn hardware_estimate_follows_the_formula() {
        let t = load(&[]).unwrap();
        let m = &t.marginal["llama-3.1-405b"];
        // $2.00 x 8 / (8061 tok/s x 3600 x 1.0) x 1e6 = 16e6 / 29,019,600 = 0.551351...
        // $3.99 x 8 / (6940 tok/s x 3600 x 0.6) x 1e6 = 31.92e6 / 14,990,400 = 2.129362...
        assert_eq!(m.input.low.round_dp(4).to_string(), "0.5514");
        assert_eq!(m.input.high.round_dp(4).to_string(), "2.1294");
    }
}
