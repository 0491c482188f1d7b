//! tokencost: what logged LLM calls cost at list price, beside the estimated cost of serving them.
//!
//! The pipeline: cli -> config -> (pricing, input) -> engine -> fold -> report -> output, over a bottom layer of
//! plain types (`call`, `money`, `fmt`); ARCHITECTURE.md gives the layers and the path of one line. The binary in
//! `main.rs` drives it; the library exists so that fuzz targets and property tests can reach the same code.
//!
//! ```
//! use tokencost::call::Resolution;
//! use tokencost::pricing;
//! use tokencost::tokenize::{self, Encoding};
//!
//! // The bundled tables resolve a dated snapshot name to its entry...
//! let table = pricing::load(&[]).expect("the bundled tables are valid");
//! let Resolution::Found(i) = table.resolve("gpt-4o-2024-08-06") else { panic!("no price") };
//! assert_eq!(table.model(i).full_id(), "openai/gpt-4o-2024-08-06");
//! // ...and counting equals tiktoken's `encode_ordinary` (13 tokens, as OpenAI's tiktoken counts this text).
//! let text = "The marginal cost of inference keeps falling while list prices stay sticky.";
//! assert_eq!(tokenize::count(Encoding::O200kBase, text), 13);
//! ```

pub mod budget;
pub mod call;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod diag;
pub mod discover;
pub mod engine;
pub mod error;
pub mod fmt;
pub mod fold;
pub mod input;
pub mod money;
pub mod output;
pub mod partial;
pub mod pricing;
pub mod project;
pub mod reader;
pub mod report;
pub mod serving;
pub mod spill;
pub mod tokenize;
pub mod whole_file;
