//! tokencost: what logged LLM calls cost at list price, beside the estimated cost of serving them.
//!
//! The pipeline: cli -> config -> (pricing, input) -> engine -> fold -> report -> output. The binary in `main.rs`
//! drives it; the library exists so that fuzz targets and property tests can reach the same code.

pub mod budget;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod diag;
pub mod engine;
pub mod error;
pub mod fold;
pub mod input;
pub mod output;
pub mod pricing;
pub mod project;
pub mod report;
pub mod tokenize;
