//! How `--by project` names a project: the last component of its directory, with as many components before it as
//! make it differ from every other project's name (`code/site` and `old/site`), so rows stay apart and short.

/// Short, distinct names of `paths`, in their order. Paths are split on `/` and `\` (Windows agents write the
/// latter); the same path twice gets the same name.
pub fn short_names<'a>(paths: impl Iterator<Item = &'a str>) -> Vec<String> {
    let parts: Vec<Vec<&str>> = paths
        .map(|p| p.split(['/', '\\']).filter(|c| !c.is_empty()).collect())
        .collect();
    let tail = |p: &[&str], n: usize| p[p.len().saturating_sub(n)..].join("/");
    parts
        .iter()
        .map(|p| {
            if p.is_empty() {
                return "/".to_string();
            }
            // The fewest trailing components that no other path ends with.
            let n = (1..=p.len())
                .find(|&n| {
                    let mine = tail(p, n);
                    parts.iter().all(|o| o == p || tail(o, n) != mine)
                })
                .unwrap_or(p.len());
            tail(p, n)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_as_short_as_they_can_be_and_distinct() {
        let names = short_names(
            [
                "/home/dev/code/site",
                "/home/dev/old/site",
                "/home/dev/code/tokencost",
                "unknown",
                "C:\\src\\app",
            ]
            .into_iter(),
        );
        assert_eq!(names, ["code/site", "old/site", "tokencost", "unknown", "app"]);
        // One path inside another's name: the shorter keeps its whole path.
        assert_eq!(short_names(["/a/b", "/x/a/b"].into_iter()), ["a/b", "x/a/b"]);
    }
}
