//! Which directory a Gemini CLI chat recording was made in. A recording names its project only by `projectHash`,
//! the SHA-256 of the project's path, which no one recognises; the folder it is kept in says more.
//!
//! Gemini CLI keeps a project's files in `~/.gemini/tmp/<id>/` (chat recordings in `chats/`). Older releases
//! named that folder by the hash; newer ones by a short name made from the directory's (`tokencost`,
//! `tokencost-1`), with the project's path written in `<id>/.project_root`, and every project's path and short name
//! in `~/.gemini/projects.json` (`{"projects": {"/path": "id"}}`): gemini-cli `config/storage.ts` and
//! `config/projectRegistry.ts`. The path is read from the first of those two that names it; a recording found
//! elsewhere, or in a folder neither names, keeps its hash (shortened, and said to be one: `gemini_cli.rs`).

use serde_json::Value;
use std::fs;
use std::path::Path;

/// Files larger than this are not Gemini CLI's small bookkeeping files.
const MAX_BYTES: u64 = 1 << 20;

fn small_text(path: &Path) -> Option<String> {
    let meta = fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    fs::read_to_string(path).ok()
}

/// The folder of the project a chat recording belongs to (`<gemini>/tmp/<id>`), when `path` lies in one's
/// `chats` folder (a sub-agent's recording may lie in a folder below it).
pub fn project_folder(path: &Path) -> Option<&Path> {
    path.ancestors().skip(1).find_map(|dir| {
        let project = dir.parent()?;
        let tmp = project.parent()?;
        (dir.file_name()? == "chats" && tmp.file_name()? == "tmp").then_some(project)
    })
}

/// The path of the project whose folder is `folder` (`<gemini>/tmp/<id>`), as Gemini CLI recorded it.
pub fn project_root(folder: &Path) -> Option<String> {
    let clean = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty() && !s.contains(['\n', '\r']));
    if let Some(root) = small_text(&folder.join(".project_root")).and_then(|s| clean(&s)) {
        return Some(root);
    }
    let id = folder.file_name()?.to_str()?;
    let gemini = folder.parent()?.parent()?;
    let registry: Value = serde_json::from_str(&small_text(&gemini.join("projects.json"))?).ok()?;
    let projects = registry.get("projects")?.as_object()?;
    // The first path in name order, should two claim one folder.
    let mut paths: Vec<&String> = projects
        .iter()
        .filter(|(_, short)| short.as_str() == Some(id))
        .map(|(path, _)| path)
        .collect();
    paths.sort();
    paths.first().and_then(|p| clean(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recordings_lie_in_their_projects_chats_folder() {
        let folder = |p: &str| project_folder(Path::new(p)).map(Path::to_path_buf);
        assert_eq!(
            folder("/h/.gemini/tmp/site/chats/session-1.json"),
            Some("/h/.gemini/tmp/site".into())
        );
        assert_eq!(
            folder("/h/.gemini/tmp/site/chats/parent/child.jsonl"),
            Some("/h/.gemini/tmp/site".into())
        );
        assert_eq!(folder("/h/logs/chats/session-1.json"), None);
        assert_eq!(folder("session-1.json"), None);
    }

    #[test]
    fn the_root_file_then_the_registry_name_the_path() {
        let home = tempfile::tempdir().unwrap();
        let tmp = home.path().join("tmp");
        for id in ["site", "site-1", "3f6a", "blank"] {
            fs::create_dir_all(tmp.join(id)).unwrap();
        }
        fs::write(tmp.join("site/.project_root"), "/home/dev/code/site\n").unwrap();
        fs::write(tmp.join("blank/.project_root"), " \n").unwrap();
        fs::write(
            home.path().join("projects.json"),
            r#"{"projects": {"/home/dev/old/site": "site-1", "/home/dev/code/site": "site"}}"#,
        )
        .unwrap();
        let root = |id: &str| project_root(&tmp.join(id));
        assert_eq!(root("site").as_deref(), Some("/home/dev/code/site"));
        assert_eq!(root("site-1").as_deref(), Some("/home/dev/old/site"));
        assert_eq!(root("3f6a"), None);
        assert_eq!(root("blank"), None);
        fs::write(home.path().join("projects.json"), "not json").unwrap();
        assert_eq!(root("site-1"), None);
    }
}
