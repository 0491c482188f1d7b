//! Puts an import's files on disk. `write_into` adds them to a directory (each file written whole under a
//! temporary name, then renamed); `replace` swaps a whole directory for a new one, built beside it first, so that
//! a failure at any step leaves the old one as it was.

use anyhow::{Context, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// Writes each (name, text) into `dir`, creating it if needed.
pub fn write_into(dir: &Path, files: &[(String, String)]) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, text) in files {
        let path = dir.join(name);
        let tmp = dir.join(format!(".{name}.tmp"));
        fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
        fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

fn sibling(dir: &Path, what: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map_or_else(|| "prices".into(), |n| n.to_string_lossy().into_owned());
    dir.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}

/// Makes `dir` hold exactly `files`: they are written to a new directory beside it, which then takes its place.
pub fn replace(dir: &Path, files: &[(String, String)]) -> Result<()> {
    let parent = dir.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let new = sibling(dir, "new");
    let _ = fs::remove_dir_all(&new);
    if let Err(e) = write_into(&new, files) {
        let _ = fs::remove_dir_all(&new);
        return Err(e);
    }
    let old = sibling(dir, "old");
    let had = dir.exists();
    if had && let Err(e) = fs::rename(dir, &old) {
        let _ = fs::remove_dir_all(&new);
        return Err(e).with_context(|| format!("cannot move {} aside", dir.display()));
    }
    if let Err(e) = fs::rename(&new, dir) {
        if had {
            let _ = fs::rename(&old, dir);
        }
        let _ = fs::remove_dir_all(&new);
        return Err(e).with_context(|| format!("cannot write {}", dir.display()));
    }
    if had {
        let _ = fs::remove_dir_all(&old);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_swaps_the_whole_directory() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("prices");
        replace(&dir, &[("a.yaml".into(), "a".into()), ("b.yaml".into(), "b".into())]).unwrap();
        replace(&dir, &[("a.yaml".into(), "A".into())]).unwrap();
        let mut names: Vec<String> = fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, vec!["prices"]);
        assert_eq!(fs::read_to_string(dir.join("a.yaml")).unwrap(), "A");
        assert!(!dir.join("b.yaml").exists());
    }
}
