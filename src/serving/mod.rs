//! The serving model: what serving a model's tokens plausibly costs, from its architecture, a GPU's specs and
//! price, the precision and parallelism it runs at, and the load (batch, prompt and output lengths).
//!
//! It predicts time to first token, time per output token and tokens per second per GPU from a roofline with a
//! few efficiency constants fitted to measurements (`fit.rs`, figures in MARGINAL.md), and turns them into USD per
//! 1M input and output tokens (`cost.rs`). It is layered low: it uses no other module of the crate, so pricing and
//! reports can call it.
//!
//! - `arch/`: a `config.json` read into layers (GQA, MLA, sliding windows, linear attention, MoE).
//! - `gpu.rs`, `precision.rs`: GPU profiles (`serving/gpus.yaml` and user files) and number formats.
//! - `step.rs`: one pass on one replica; `scenario.rs`: TTFT, TPOT and throughput of a deployment.
//! - `measure.rs`: rows in the shape of the measurements; `fit.rs`: fitting and held-out errors.
//! - `cost.rs`: the cheapest deployment at a per-user speed, and the low-high estimate.
//! - `bundled.rs`: the architectures, short names and constants the binary carries.

pub mod arch;
pub mod bundled;
pub mod calibration;
pub mod cost;
pub mod fit;
pub mod gpu;
pub mod measure;
pub mod precision;
pub mod scenario;
pub mod step;

pub use arch::Architecture;
pub use calibration::Constants;
pub use gpu::{Gpu, Gpus};
pub use precision::Precision;
pub use scenario::{Mode, Pool, Prediction, Scenario, predict};
pub use step::{Parallel, Quant};
