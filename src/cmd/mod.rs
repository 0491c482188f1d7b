//! One module per subcommand, each with its own `run`.

pub mod analyze;
pub mod compare;
pub mod count;
pub mod markup;
pub mod pricing;
pub mod project;
