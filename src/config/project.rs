//! `tokencost project`'s settings: the session shape (a profile, flags over it, or logs to fit), validated.

use anyhow::{Result, bail};
use chrono::NaiveDate;

use super::{Target, date, price_table_with, threads};
use crate::cli::ProjectCliArgs;
use crate::output::{Destination, Format};
use crate::pricing::PriceTable;
use crate::project::Shape;

/// Where the session shape came from, with the shapes to project.
pub enum ShapeSource {
    Given {
        label: String,
        shape: Shape,
    },
    /// Logs to fit the shape from.
    Logs {
        paths: Vec<std::path::PathBuf>,
        threads: usize,
    },
}

pub struct ProjectArgs {
    pub source: ShapeSource,
    pub cache: bool,
    pub models: Option<Vec<String>>,
    pub sessions_per_month: Option<u64>,
    pub plan: Option<String>,
    pub as_of: Option<NaiveDate>,
    pub format: Format,
    pub to: Destination,
}

pub fn project(args: ProjectCliArgs) -> Result<(PriceTable, ProjectArgs)> {
    let target = Target::new(&args.out)?;
    let table = price_table_with(&args.pricing, args.models.as_deref().unwrap_or_default(), &args.gpus)?;
    let flags = [args.calls, args.base_prompt, args.growth, args.output];
    let source = if !args.from.is_empty() {
        if flags.iter().any(Option::is_some) {
            bail!(
                "--from fits the session shape; it cannot be combined with --calls, --base-prompt, --growth or --output"
            );
        }
        ShapeSource::Logs {
            paths: args.from,
            threads: threads(args.threads, false)?,
        }
    } else {
        // A profile gives the shape; flags override its parts. All four flags need no profile.
        let name = match (&args.profile, flags.iter().all(Option::is_some)) {
            (Some(p), _) => Some(p.clone()),
            (None, true) => None,
            (None, false) => Some("agent-loop".to_string()),
        };
        let base = match &name {
            Some(n) => Some(table.profiles.get(n).cloned().ok_or_else(|| {
                let known: Vec<&str> = table.profiles.keys().map(String::as_str).collect();
                anyhow::anyhow!("no profile `{n}`; known: {}", known.join(", "))
            })?),
            None => None,
        };
        let shape = Shape {
            calls: args.calls.or(base.as_ref().map(|b| b.calls)).unwrap_or(0),
            base_prompt_tokens: args
                .base_prompt
                .or(base.as_ref().map(|b| b.base_prompt_tokens))
                .unwrap_or(0),
            growth_tokens_per_call: args
                .growth
                .or(base.as_ref().map(|b| b.growth_tokens_per_call))
                .unwrap_or(0),
            output_tokens_per_call: args
                .output
                .or(base.as_ref().map(|b| b.output_tokens_per_call))
                .unwrap_or(0),
        };
        if shape.calls == 0 || shape.calls > 1_000_000 {
            bail!("--calls must be from 1 to 1000000");
        }
        let label = match (&base, flags.iter().any(Option::is_some)) {
            (Some(b), false) => format!("profile {}: {}", b.id, b.description),
            (Some(b), true) => format!("profile {} with flags", b.id),
            (None, _) => "given by flags".to_string(),
        };
        ShapeSource::Given { label, shape }
    };
    let as_of = args.as_of.as_deref().map(|s| date("--as-of", s)).transpose()?;
    Ok((
        table,
        ProjectArgs {
            source,
            cache: args.cache,
            models: args.models,
            sessions_per_month: args.sessions_per_month,
            plan: args.plan,
            as_of,
            format: target.or_table(),
            to: target.to,
        },
    ))
}
