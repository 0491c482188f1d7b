//! The user's price layer: the directory `pricing update` writes, which every command reads after the bundled
//! tables and before `--pricing` files. `$XDG_DATA_HOME/tokencost/prices`, else `~/.local/share/tokencost/prices`;
//! on Windows `%LOCALAPPDATA%\tokencost\prices`.

use std::path::{Path, PathBuf};

/// Where the layer lives, when the environment names a home for it.
pub fn prices_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    let base = if cfg!(windows) {
        var("LOCALAPPDATA")
    } else {
        // The XDG spec ignores a relative XDG_DATA_HOME.
        var("XDG_DATA_HOME")
            .filter(|p| p.is_absolute())
            .or_else(|| var("HOME").map(|h| h.join(".local").join("share")))
    };
    base.map(|b| b.join("tokencost").join("prices"))
}

/// Whether `dir` holds any price file: an absent or empty layer is no layer.
pub fn has_prices(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|rd| {
        rd.filter_map(Result::ok)
            .any(|e| e.path().extension().is_some_and(|x| x == "yaml" || x == "yml"))
    })
}
