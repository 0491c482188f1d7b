//! `analyze` with no path: the coding agents' logs found under the home directory stand for the inputs.

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};
use std::path::PathBuf;

use crate::cli::SourceArg;
use crate::discover::{Discovery, Env, Source, discover};

/// The logs of the agents asked for (all when none is), with what was found; an error naming every folder looked
/// in when there is none.
pub fn find_logs(sources: &[SourceArg], since: Option<DateTime<Utc>>) -> Result<(Vec<PathBuf>, Option<Discovery>)> {
    let sources: Vec<Source> = sources
        .iter()
        .map(|s| match s {
            SourceArg::Claude => Source::Claude,
            SourceArg::Codex => Source::Codex,
            SourceArg::Gemini => Source::Gemini,
            SourceArg::Opencode => Source::OpenCode,
        })
        .collect();
    let env = Env::from_process();
    let found = discover(&env, &sources, since.map(std::time::SystemTime::from));
    let files = found.files();
    if files.is_empty() {
        let looked: Vec<String> = found.looked.iter().map(|p| p.display().to_string()).collect();
        let older = match found.older {
            0 => String::new(),
            n => format!(" ({n} older than --since left unread)"),
        };
        bail!(
            "no coding agent logs found{older}; looked in {}. Name the log files or directories to read",
            if looked.is_empty() {
                "no folder (HOME is not set)".to_string()
            } else {
                looked.join(", ")
            }
        );
    }
    Ok((files, Some(found)))
}
