//! Close names for a word the user mistyped: `--provider opnai` is most likely `openai`.

/// Edits (insert, delete, replace a character) between two short words, or `None` past `limit`.
fn distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(here + 1);
            prev = here;
        }
    }
    Some(row[b.len()]).filter(|&d| d <= limit)
}

/// The candidates within a third of the word's length in edits (at least one), or that start with it or it with
/// them, closest first.
pub fn close_names<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let w = word.to_lowercase();
    // A hostile word of a megabyte is compared with nothing: no name is that long.
    if w.chars().count() > 256 {
        return Vec::new();
    }
    let limit = (w.chars().count() / 3).max(1);
    let mut near: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let lc = c.to_lowercase();
            let prefix = !w.is_empty() && (lc.starts_with(&w) || w.starts_with(&lc));
            distance(&w, &lc, limit).or(prefix.then_some(limit)).map(|d| (d, c))
        })
        .collect();
    near.sort();
    near.into_iter().map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::close_names;

    #[test]
    fn typos_and_prefixes_are_close() {
        let names = ["openai", "anthropic", "azure", "google", "groq"];
        assert_eq!(close_names("opnai", names), ["openai"]);
        assert_eq!(close_names("Anthropik", names), ["anthropic"]);
        assert_eq!(close_names("goo", names), ["google"]);
        assert!(close_names("nope", names).is_empty());
        assert!(close_names(&"x".repeat(1000), names).is_empty());
    }
}
