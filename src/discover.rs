//! Where coding agents keep their own logs: `tokencost analyze` with no path reads every one it finds under the
//! user's home, so nobody has to know where Claude Code, Codex CLI, Gemini CLI or OpenCode write.
//!
//! Only regular files are taken, and only real directories are entered (a symbolic link to a directory is not
//! followed: no loop, and no log read twice through two names). With a window start, a file last modified before
//! it is skipped unread: agents only append, so it holds nothing as recent (large histories then cost nothing).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A coding agent whose logs can be found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Claude,
    Codex,
    Gemini,
    OpenCode,
}

impl Source {
    pub const ALL: [Source; 4] = [Source::Claude, Source::Codex, Source::Gemini, Source::OpenCode];

    pub fn name(self) -> &'static str {
        match self {
            Source::Claude => "Claude Code",
            Source::Codex => "Codex CLI",
            Source::Gemini => "Gemini CLI",
            Source::OpenCode => "OpenCode",
        }
    }

    /// Whether a file under one of this source's folders is one of its logs; `path` is the file's path below the
    /// folder.
    fn is_log(self, path: &Path) -> bool {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            return false;
        };
        let within = |dir: &str| path.parent().is_some_and(|p| p.iter().any(|c| c == dir));
        match self {
            Source::Claude => name.ends_with(".jsonl"),
            Source::Codex => name.starts_with("rollout-") && (name.ends_with(".jsonl") || name.ends_with(".jsonl.zst")),
            // Chat recordings: `<project>/chats/session-*.json(l)` (the folder named by the project or its hash), sub-agents' in a folder below `chats`.
            Source::Gemini => within("chats") && (name.ends_with(".json") || name.ends_with(".jsonl")),
            // The databases (`opencode.db`, `opencode-<channel>.db`) and the legacy store's message files.
            Source::OpenCode => {
                (name.starts_with("opencode") && name.ends_with(".db") && path.parent() == Some(Path::new("")))
                    || (within("message") && name.starts_with("msg_") && name.ends_with(".json"))
            }
        }
    }

    /// Whether a folder (its path below the source's folder) may hold logs: OpenCode's folder also holds a git
    /// snapshot of every project, which is not walked.
    fn enters(self, rel: &Path) -> bool {
        match self {
            Source::OpenCode => {
                let wanted = Path::new("storage/message");
                wanted.starts_with(rel) || rel.starts_with(wanted)
            }
            _ => true,
        }
    }
}

/// What discovery looks at: the home directory and the variables that move each agent's folder.
#[derive(Debug, Clone, Default)]
pub struct Env {
    pub home: Option<PathBuf>,
    /// `CLAUDE_CONFIG_DIR`: Claude Code's folders, comma-separated.
    pub claude_config_dir: Option<String>,
    /// `CODEX_HOME`.
    pub codex_home: Option<PathBuf>,
    /// `GEMINI_CLI_HOME`: the home directory Gemini CLI keeps its `.gemini` folder in.
    pub gemini_cli_home: Option<PathBuf>,
    /// `XDG_DATA_HOME`, where OpenCode keeps its `opencode` folder (default `~/.local/share`).
    pub xdg_data_home: Option<PathBuf>,
}

impl Env {
    /// The process's own environment.
    pub fn from_process() -> Env {
        let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        Env {
            home: var("HOME").or_else(|| var("USERPROFILE")).map(PathBuf::from),
            claude_config_dir: var("CLAUDE_CONFIG_DIR").map(|v| v.to_string_lossy().into_owned()),
            codex_home: var("CODEX_HOME").map(PathBuf::from),
            gemini_cli_home: var("GEMINI_CLI_HOME").map(PathBuf::from),
            xdg_data_home: var("XDG_DATA_HOME").map(PathBuf::from),
        }
    }

    /// Claude Code's user settings files: `settings.json` in each of its folders.
    fn claude_settings(&self) -> Vec<PathBuf> {
        self.roots(Source::Claude)
            .iter()
            .filter_map(|projects| projects.parent().map(|dir| dir.join("settings.json")))
            .collect()
    }

    /// The folders each source keeps its logs in, whether they exist or not.
    fn roots(&self, source: Source) -> Vec<PathBuf> {
        let home = |rel: &str| self.home.as_ref().map(|h| h.join(rel));
        match source {
            Source::Claude => match &self.claude_config_dir {
                Some(dirs) => dirs
                    .split(',')
                    .map(str::trim)
                    .filter(|d| !d.is_empty())
                    .map(|d| Path::new(d).join("projects"))
                    .collect(),
                None => [home(".claude/projects"), home(".config/claude/projects")]
                    .into_iter()
                    .flatten()
                    .collect(),
            },
            Source::Codex => {
                let base = self.codex_home.clone().or_else(|| home(".codex"));
                base.map(|b| vec![b.join("sessions"), b.join("archived_sessions")])
                    .unwrap_or_default()
            }
            Source::Gemini => {
                let base = self.gemini_cli_home.clone().or_else(|| self.home.clone());
                base.map(|b| vec![b.join(".gemini").join("tmp")]).unwrap_or_default()
            }
            Source::OpenCode => {
                let data = self.xdg_data_home.clone().or_else(|| home(".local/share"));
                data.map(|d| vec![d.join("opencode")]).unwrap_or_default()
            }
        }
    }
}

/// One source's logs as found.
#[derive(Debug, Clone)]
pub struct Found {
    pub source: Source,
    pub files: Vec<PathBuf>,
}

/// Everything discovery found, and where it looked.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// Sources with at least one log, in `Source` order.
    pub found: Vec<Found>,
    /// Every folder looked in.
    pub looked: Vec<PathBuf>,
    /// Logs left unread because they were last modified before the window.
    pub older: u64,
    /// Claude Code logs were found, and no settings file of Claude Code's sets `cleanupPeriodDays`: Claude Code
    /// then deletes transcripts 30 days old, and with them the history these reports are made of.
    pub claude_cleans_up: bool,
}

impl Discovery {
    /// Every file found, source by source, each folder's files in name order.
    pub fn files(&self) -> Vec<PathBuf> {
        self.found.iter().flat_map(|f| f.files.iter().cloned()).collect()
    }

    /// `Claude Code: 3 files, Codex CLI: 2 files`.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .found
            .iter()
            .map(|f| {
                let n = f.files.len();
                format!("{}: {n} file{}", f.source.name(), if n == 1 { "" } else { "s" })
            })
            .collect();
        parts.join(", ")
    }
}

/// Finds the logs of `sources` (every source when empty); with `since`, files last modified before it are left out.
pub fn discover(env: &Env, sources: &[Source], since: Option<SystemTime>) -> Discovery {
    let mut d = Discovery::default();
    // A folder reached twice (`CLAUDE_CONFIG_DIR` naming `~/.claude`, say) is read once.
    let mut seen = BTreeSet::new();
    for source in Source::ALL {
        if !sources.is_empty() && !sources.contains(&source) {
            continue;
        }
        let mut files = Vec::new();
        for root in env.roots(source) {
            d.looked.push(root.clone());
            let key = fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
            if root.is_dir() && seen.insert(key) {
                walk(&root, &root, source, &mut files);
            }
        }
        let before = files.len();
        if let Some(since) = since {
            files.retain(|f| last_written(f).is_none_or(|m| m >= since));
        }
        d.older += (before - files.len()) as u64;
        if !files.is_empty() {
            if source == Source::Claude {
                d.claude_cleans_up = !env.claude_settings().iter().any(|s| sets_cleanup(s));
            }
            d.found.push(Found { source, files });
        }
    }
    d
}

/// When a log was last written to. A SQLite database in write-ahead mode takes its writes in `<name>-wal` until
/// they are copied back, so the later of the two counts.
fn last_written(path: &Path) -> Option<SystemTime> {
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    match (modified(path), modified(Path::new(&wal))) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// Whether a Claude Code settings file sets how long transcripts are kept. A file that cannot be read or parsed
/// sets nothing.
fn sets_cleanup(path: &Path) -> bool {
    fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .is_some_and(|v| v.get("cleanupPeriodDays").is_some_and(|d| !d.is_null()))
}

/// The logs under `dir` (a folder below `root`), recursively, in name order; real directories only.
fn walk(root: &Path, dir: &Path, source: Source, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<(PathBuf, fs::FileType)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.path(), e.file_type().ok()?)))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, kind) in entries {
        if kind.is_dir() {
            if path.strip_prefix(root).is_ok_and(|rel| source.enters(rel)) {
                walk(root, &path, source, files);
            }
        } else if path.strip_prefix(root).is_ok_and(|rel| source.is_log(rel))
            && (kind.is_file() || path.metadata().is_ok_and(|m| m.is_file()))
        {
            files.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claude_config_dir_replaces_the_home_folders() {
        let env = Env {
            home: Some("/h".into()),
            claude_config_dir: Some("/a, /b,".into()),
            ..Env::default()
        };
        assert_eq!(
            env.roots(Source::Claude),
            [PathBuf::from("/a/projects"), PathBuf::from("/b/projects")]
        );
        assert_eq!(
            env.roots(Source::Codex),
            [
                PathBuf::from("/h/.codex/sessions"),
                PathBuf::from("/h/.codex/archived_sessions")
            ]
        );
        let bare = Env {
            home: Some("/h".into()),
            ..Env::default()
        };
        assert_eq!(bare.roots(Source::Claude).len(), 2);
        assert!(Env::default().roots(Source::Codex).is_empty());
    }

    #[test]
    fn only_each_agents_own_files_count() {
        let log = |s: Source, p: &str| s.is_log(Path::new(p));
        assert!(log(Source::Codex, "2026/03/07/rollout-2026-03-07T09-00-00-x.jsonl.zst"));
        assert!(!log(Source::Codex, "history.jsonl"));
        assert!(log(Source::Claude, "p/x.jsonl"));
        assert!(!log(Source::Claude, "p/x.json"));
        assert!(log(Source::Gemini, "abc/chats/session-2026-03-10T09-00-1a2b.json"));
        assert!(log(Source::Gemini, "abc/chats/parent/child.jsonl"));
        assert!(!log(Source::Gemini, "abc/logs.json"));
        assert!(log(Source::OpenCode, "opencode.db"));
        assert!(log(Source::OpenCode, "opencode-beta.db"));
        assert!(!log(Source::OpenCode, "snapshot/opencode.db"));
        assert!(log(Source::OpenCode, "storage/message/ses_1/msg_1.json"));
        assert!(!log(Source::OpenCode, "storage/part/msg_1/prt_1.json"));
    }
}
