//! Fitting the efficiency constants to measurements, and measuring the errors they leave on data a fit did not
//! see: leave one GPU out, leave one model family out, leave one engine out.
//!
//! The fit minimises, over rows, a smooth absolute log error (sqrt(r^2 + 0.05^2), r the log of predicted over
//! measured), each model family weighted alike so that the families with many rows do not decide alone. First the
//! roofline constants on time per output token (which the first-token constants do not touch), then for each
//! engine its collective latency on its rows' time per output token and its first-token constants on their time
//! to first token (aggregated and disaggregated), and the default first-token ones on every engine's rows at once.
//! Nelder-Mead in the logs of the constants, from the shipped constants, restarted until it stops improving:
//! deterministic.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use super::arch::Architecture;
use super::calibration::{Calibration, Constants, FirstToken};
use super::gpu::{Gpu, Gpus};
use super::measure::{Header, Lines, family, read_row};
use super::scenario::{Mode, Scenario, predict_on, replicas};
use super::step::Replica;

/// The rows of a measurement file a prediction can run on, with their groups.
pub struct Dataset {
    archs: Vec<Architecture>,
    gpus: Vec<Gpu>,
    pub rows: Vec<Row>,
    /// Rows left out, with their line and why.
    pub skipped: Vec<(usize, String)>,
}

pub struct Row {
    pub line: usize,
    arch: usize,
    gpu: usize,
    scenario: Scenario,
    pub ttft: f64,
    pub tpot: f64,
    pub family: String,
    pub system: String,
    pub backend: String,
    /// `agg` or `disagg`.
    pub mode: &'static str,
}

impl Dataset {
    /// Reads a measurement CSV; architectures from `arch_dir` or bundled.
    pub fn read(text: &str, arch_dir: Option<&Path>, gpus: &Gpus) -> Result<Dataset, String> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let header = Header::new(reader.headers().map_err(|e| e.to_string())?.iter());
        let missing = header.missing();
        if !missing.is_empty() {
            return Err(format!("the header lacks {}", missing.join(", ")));
        }
        let mut data = Dataset {
            archs: Vec::new(),
            gpus: Vec::new(),
            rows: Vec::new(),
            skipped: Vec::new(),
        };
        let mut arch_index: HashMap<String, usize> = HashMap::new();
        let mut gpu_index: HashMap<String, usize> = HashMap::new();
        let mut lines = Lines::default();
        for record in reader.records() {
            let record = record.map_err(|e| e.to_string())?;
            let line = lines.at(text.as_bytes(), record.position()) as usize;
            let row = (|| -> Result<Row, String> {
                let m = read_row(&header, &record)?;
                let (Some(ttft), Some(tpot)) = (m.ttft, m.tpot) else {
                    return Err("no measured silicon_ttft_ms and silicon_tpot_ms".into());
                };
                let arch = match arch_index.get(&m.model) {
                    Some(&i) => i,
                    None => {
                        data.archs.push(super::bundled::resolve(&m.model, arch_dir)?);
                        arch_index.insert(m.model.clone(), data.archs.len() - 1);
                        data.archs.len() - 1
                    }
                };
                let gpu = match gpu_index.get(&m.system) {
                    Some(&i) => i,
                    None => {
                        data.gpus.push(gpus.find(&m.system)?.clone());
                        gpu_index.insert(m.system.clone(), data.gpus.len() - 1);
                        data.gpus.len() - 1
                    }
                };
                Ok(Row {
                    line,
                    arch,
                    gpu,
                    scenario: m.scenario,
                    ttft,
                    tpot,
                    family: family(&m.model),
                    system: m.system,
                    backend: m.backend,
                    mode: match m.scenario.mode {
                        Mode::Agg(_) => "agg",
                        Mode::Disagg { .. } => "disagg",
                    },
                })
            })();
            // A row the model cannot predict whatever its constants (a layout no engine runs, weights that do not
            // fit) is left out here with its reason, not counted as an error of the fit.
            let row = row.and_then(|r| {
                let shipped = Calibration::shipped();
                super::scenario::predict(
                    &data.archs[r.arch],
                    &data.gpus[r.gpu],
                    &r.scenario,
                    &shipped.roofline_for(&r.backend),
                    &shipped.first_token(&r.backend),
                )
                .map_err(|e| e.to_string())?;
                Ok(r)
            });
            match row {
                Ok(r) => data.rows.push(r),
                Err(e) => data.skipped.push((line, e)),
            }
        }
        Ok(data)
    }

    /// Predicted (TTFT, TPOT) of each row in `subset`; None where the prediction fails.
    pub fn predict(&self, subset: &[usize], c: &Calibration) -> Vec<Option<(f64, f64)>> {
        subset
            .iter()
            .map(|&i| {
                let r = &self.rows[i];
                let reps = replicas(
                    &self.archs[r.arch],
                    &self.gpus[r.gpu],
                    &r.scenario,
                    &c.roofline_for(&r.backend),
                )
                .ok()?;
                let first = c.first_token(&r.backend);
                predict_on(&reps, &r.scenario, &first).ok().map(|p| (p.ttft, p.tpot))
            })
            .collect()
    }

    /// Rows whose `key` (family, system or backend) is `value`, and the rest.
    pub fn split(&self, key: Key, value: &str) -> (Vec<usize>, Vec<usize>) {
        (0..self.rows.len()).partition(|&i| key.of(&self.rows[i]) == value)
    }

    pub fn values(&self, key: Key) -> Vec<String> {
        let set: BTreeSet<&str> = self.rows.iter().map(|r| key.of(r)).collect();
        set.into_iter().map(str::to_string).collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Family,
    Gpu,
    Engine,
    Mode,
}

impl Key {
    pub fn of(self, r: &Row) -> &str {
        match self {
            Key::Family => &r.family,
            Key::Gpu => &r.system,
            Key::Engine => &r.backend,
            Key::Mode => r.mode,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Key::Family => "model family",
            Key::Gpu => "GPU",
            Key::Engine => "engine",
            Key::Mode => "mode",
        }
    }
}

/// Median and 80th percentile of absolute relative errors of TTFT and TPOT over some rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Errors {
    pub rows: usize,
    /// Rows the model could not predict (a deployment that does not fit, say).
    pub failed: usize,
    pub ttft_median: f64,
    pub ttft_p80: f64,
    pub tpot_median: f64,
    pub tpot_p80: f64,
}

/// The `q` quantile of sorted values (nearest rank).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

impl Errors {
    /// The errors of rows whose relative errors are `ttft` and `tpot`, `failed` more not predicted.
    pub fn of(mut ttft: Vec<f64>, mut tpot: Vec<f64>, failed: usize) -> Errors {
        ttft.sort_by(f64::total_cmp);
        tpot.sort_by(f64::total_cmp);
        Errors {
            rows: ttft.len(),
            failed,
            ttft_median: quantile(&ttft, 0.5),
            ttft_p80: quantile(&ttft, 0.8),
            tpot_median: quantile(&tpot, 0.5),
            tpot_p80: quantile(&tpot, 0.8),
        }
    }
}

impl Dataset {
    /// |predicted - measured| / measured of TTFT and of TPOT for each row of `subset` predicted, in its order,
    /// and how many rows could not be predicted.
    pub fn relative_errors(&self, subset: &[usize], c: &Calibration) -> (Vec<f64>, Vec<f64>, usize) {
        let preds = self.predict(subset, c);
        let (mut ttft, mut tpot) = (Vec::new(), Vec::new());
        for (&i, p) in subset.iter().zip(&preds) {
            if let Some((a, b)) = p {
                let r = &self.rows[i];
                ttft.push((a - r.ttft).abs() / r.ttft);
                tpot.push((b - r.tpot).abs() / r.tpot);
            }
        }
        let failed = subset.len() - ttft.len();
        (ttft, tpot, failed)
    }

    pub fn errors(&self, subset: &[usize], c: &Calibration) -> Errors {
        let (ttft, tpot, failed) = self.relative_errors(subset, c);
        Errors::of(ttft, tpot, failed)
    }

    fn weights(&self, subset: &[usize]) -> Vec<f64> {
        let mut per_family: BTreeMap<&str, f64> = BTreeMap::new();
        for &i in subset {
            *per_family.entry(&self.rows[i].family).or_default() += 1.0;
        }
        subset
            .iter()
            .map(|&i| 1.0 / per_family[self.rows[i].family.as_str()])
            .collect()
    }

    /// Each row's replicas, built once: a fit changes only their constants.
    fn prepare(&self, subset: &[usize], k: &Constants) -> Vec<Option<Vec<Replica<'_>>>> {
        subset
            .iter()
            .map(|&i| {
                let r = &self.rows[i];
                replicas(&self.archs[r.arch], &self.gpus[r.gpu], &r.scenario, k).ok()
            })
            .collect()
    }

    /// The fit's objective: smooth absolute log errors of TTFT (`ttft`) or TPOT, weighted.
    fn loss(
        &self,
        subset: &[usize],
        weights: &[f64],
        prepared: &mut [Option<Vec<Replica>>],
        k: &Constants,
        first: &FirstToken,
        ttft: bool,
    ) -> f64 {
        let h = |r: f64| (r * r + 0.0025).sqrt();
        let mut total = 0.0;
        for ((&i, reps), w) in subset.iter().zip(prepared.iter_mut()).zip(weights) {
            let r = &self.rows[i];
            let p = reps.as_mut().and_then(|reps| {
                reps.iter_mut().for_each(|rep| rep.k = *k);
                predict_on(reps, &r.scenario, first).ok()
            });
            total += w * match p {
                Some(p) if ttft => h((p.ttft / r.ttft).ln()),
                Some(p) => h((p.tpot / r.tpot).ln()),
                None => 10.0,
            };
        }
        total
    }

    /// A calibration fitted on `subset`, starting from `start`.
    pub fn fit(&self, subset: &[usize], start: &Calibration) -> Calibration {
        let weights = self.weights(subset);
        let mut prepared = self.prepare(subset, &start.roofline);
        let first0 = start.first_token("default");
        let x0 = start.roofline.to_array().map(|v| v.max(1e-12).ln());
        let x = minimise(x0, |x| {
            let k = Constants::from_array(x.map(f64::exp));
            self.loss(subset, &weights, &mut prepared, &k, &first0, false)
        });
        let roofline = Constants::from_array(x.map(f64::exp));
        let mut first_token = BTreeMap::new();
        let mut collective_latency = BTreeMap::new();
        let mut engines: Vec<Option<&str>> = vec![None];
        let names: BTreeSet<&str> = subset.iter().map(|&i| self.rows[i].backend.as_str()).collect();
        engines.extend(names.into_iter().filter(|e| !e.is_empty()).map(Some));
        for engine in engines {
            let rows: Vec<usize> = subset
                .iter()
                .copied()
                .filter(|&i| engine.is_none_or(|e| self.rows[i].backend == e))
                .collect();
            let w = self.weights(&rows);
            // Built once for both fits below: the loss sets the constants it tries on them.
            let mut prepared = self.prepare(&rows, &roofline);
            // An engine's own collective latency, fitted to its time per output token with the rest of the
            // roofline held: the one roofline constant that engines' kernels set apart (`Calibration`).
            let engine_roofline = match engine {
                None => roofline,
                Some(e) => {
                    let with = |x: &[f64; 1]| Constants {
                        comm_latency: x[0].exp().clamp(1e-12, 1.0),
                        ..roofline
                    };
                    let x0 = [start.roofline_for(e).comm_latency.max(1e-12).ln()];
                    let k = with(&minimise(x0, |x| {
                        self.loss(&rows, &w, &mut prepared, &with(x), &first0, false)
                    }));
                    collective_latency.insert(e.to_string(), k.comm_latency);
                    k
                }
            };
            // Rows without attention data parallelism say nothing of a wait under it: such an engine is given none
            // (the wait is an engine's option, off by default), and the fit leaves it out rather than search a
            // constant that cannot change its loss.
            let dp_rows = rows.iter().any(|&i| match self.rows[i].scenario.mode {
                Mode::Agg(p) => p.par.dp > 1,
                Mode::Disagg { .. } => false,
            });
            let from = start.first_token(engine.unwrap_or("default")).to_array();
            let fitted = if dp_rows {
                // From at least one iteration: in the logs of the constants, a wait of 0 could not move.
                let x0 = [from[0], from[1], from[2], from[3], from[4].max(1.0)].map(|v| v.max(1e-12).ln());
                let x = minimise(x0, |x| {
                    let f = FirstToken::from_array(x.map(f64::exp));
                    self.loss(&rows, &w, &mut prepared, &engine_roofline, &f, true)
                });
                FirstToken::from_array(x.map(f64::exp))
            } else {
                let no_wait = |x: &[f64; 4]| {
                    let [a, b, c, d] = x.map(f64::exp);
                    FirstToken::from_array([a, b, c, d, 0.0])
                };
                let x0 = [from[0], from[1], from[2], from[3]].map(|v| v.max(1e-12).ln());
                let x = minimise(x0, |x| {
                    self.loss(&rows, &w, &mut prepared, &engine_roofline, &no_wait(x), true)
                });
                no_wait(&x)
            };
            first_token.insert(engine.unwrap_or("default").to_string(), fitted);
        }
        Calibration {
            roofline,
            first_token,
            collective_latency,
        }
    }
}

/// Nelder-Mead from `x0`, restarted from its best point with initial steps of 0.7, 0.2 and 0.05 in turn, until a
/// round of all three stops improving. The loss has kinks (the roofline's larger of two times, cache limits) where
/// a simplex stalls: restarted at one step only, the family held-out TTFT median came out at 30.1% or 30.4% from
/// two nearby starts (the shipped constants and a refit of them), and at 30.4% from both with these. The loss is
/// flat near its minimum, so held-out figures still move by up to 0.3 points with the start (MARGINAL.md).
fn minimise<const N: usize>(x0: [f64; N], mut f: impl FnMut(&[f64; N]) -> f64) -> [f64; N] {
    const STEPS: [f64; 3] = [0.7, 0.2, 0.05];
    let mut x = x0;
    let mut best = f(&x);
    let mut stale = 0;
    for round in 0..20 {
        let (nx, nf) = nelder_mead(&mut f, x, STEPS[round % STEPS.len()], 400 * N);
        let improved = nf < best - 1e-6 * best.abs();
        if nf <= best {
            x = nx;
            best = nf;
        }
        stale = if improved { 0 } else { stale + 1 };
        if stale == STEPS.len() {
            break;
        }
    }
    x
}

/// Nelder-Mead minimisation from `x0` with an initial step of `step` on each axis.
fn nelder_mead<const N: usize>(
    f: &mut impl FnMut(&[f64; N]) -> f64,
    x0: [f64; N],
    step: f64,
    max_evals: usize,
) -> ([f64; N], f64) {
    let mut simplex: Vec<([f64; N], f64)> = Vec::with_capacity(N + 1);
    simplex.push((x0, f(&x0)));
    for i in 0..N {
        let mut x = x0;
        x[i] += step;
        simplex.push((x, f(&x)));
    }
    let mut evals = N + 1;
    while evals < max_evals {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (best, worst) = (simplex[0].1, simplex[N].1);
        if (worst - best).abs() <= 1e-7 * (best.abs() + 1e-12) {
            break;
        }
        let mut centroid = [0.0; N];
        for (x, _) in &simplex[..N] {
            for j in 0..N {
                centroid[j] += x[j] / N as f64;
            }
        }
        let towards = |t: f64| -> [f64; N] {
            let mut x = [0.0; N];
            for j in 0..N {
                x[j] = centroid[j] + t * (simplex[N].0[j] - centroid[j]);
            }
            x
        };
        let xr = towards(-1.0);
        let fr = f(&xr);
        evals += 1;
        if fr < simplex[0].1 {
            let xe = towards(-2.0);
            let fe = f(&xe);
            evals += 1;
            simplex[N] = if fe < fr { (xe, fe) } else { (xr, fr) };
        } else if fr < simplex[N - 1].1 {
            simplex[N] = (xr, fr);
        } else {
            let t = if fr < simplex[N].1 { -0.5 } else { 0.5 };
            let xc = towards(t);
            let fc = f(&xc);
            evals += 1;
            if fc < fr.min(simplex[N].1) {
                simplex[N] = (xc, fc);
            } else {
                let x0 = simplex[0].0;
                for (x, fx) in simplex.iter_mut().skip(1) {
                    for j in 0..N {
                        x[j] = x0[j] + 0.5 * (x[j] - x0[j]);
                    }
                    *fx = f(x);
                }
                evals += N;
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    simplex[0]
}
