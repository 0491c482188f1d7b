//! How `--by project` names a project: the last component of its directory, with as many components before it as
//! make it differ from every other project's name (`code/site` and `old/site`), so rows stay apart and short.

use rustc_hash::FxHashMap as HashMap;

/// The last `n` components of `p`, or all of them.
fn tail<'p, 's>(p: &'p [&'s str], n: usize) -> &'p [&'s str] {
    &p[p.len().saturating_sub(n)..]
}

/// Short, distinct names of `paths`, in their order. Paths are split on `/` and `\\` (Windows agents write the
/// latter); the same path twice gets the same name.
///
/// Each round lengthens the names still shared by one component, counting every path's tail of that length
/// once: a time of paths times depth, so a million sessions' projects are named in a moment, not compared pairwise.
pub fn short_names<'a>(paths: impl Iterator<Item = &'a str>) -> Vec<String> {
    let parts: Vec<Vec<&str>> = paths
        .map(|p| p.split(['/', '\\']).filter(|c| !c.is_empty()).collect())
        .collect();
    let mut distinct: Vec<&[&str]> = parts.iter().map(Vec::as_slice).collect();
    distinct.sort_unstable();
    distinct.dedup();
    // The fewest trailing components that no other path ends with, or the whole path when every tail is shared.
    let mut chosen: HashMap<&[&str], usize> = HashMap::default();
    let mut open: Vec<&[&str]> = distinct.iter().copied().filter(|p| !p.is_empty()).collect();
    let mut n = 1;
    while !open.is_empty() {
        let mut seen: HashMap<&[&str], u32> = HashMap::default();
        for p in &distinct {
            *seen.entry(tail(p, n)).or_default() += 1;
        }
        open.retain(|p| {
            let done = seen[tail(p, n)] == 1 || n >= p.len();
            if done {
                chosen.insert(p, n);
            }
            !done
        });
        n += 1;
    }
    parts
        .iter()
        .map(|p| match chosen.get(p.as_slice()) {
            Some(&n) => tail(p, n).join("/"),
            None => "/".to_string(),
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
        assert_eq!(short_names(["/a/b", "", "a/b", "/"].into_iter()), ["b", "/", "b", "/"]);
    }

    #[test]
    fn many_projects_are_named_in_linear_time() {
        // 200,000 paths, each pairs with one other by its last component: compared pairwise this would take
        // 4e10 steps.
        let paths: Vec<String> = (0..200_000).map(|i| format!("/home/{}/p{}", i % 2, i / 2)).collect();
        let names = short_names(paths.iter().map(String::as_str));
        assert_eq!(names[0], "0/p0");
        assert_eq!(names[199_999], "1/p99999");
    }
}
