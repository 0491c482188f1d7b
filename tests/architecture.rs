//! The crate's top-level modules (`src/<m>.rs` or `src/<m>/`) depend on each other without cycles. A module
//! depends on another when its code names it by `crate::<name>` or in a `use crate::{...}` group; test code counts,
//! `//` comment lines do not.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Each module, and the other modules it depends on.
type Graph = BTreeMap<String, BTreeSet<String>>;

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module of a file, from its path under `src/`; none for the crate roots.
fn top_module(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "main" && name != "lib").then(|| name.to_string())
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The identifier at the start of `s`, after any whitespace.
fn ident(s: &str) -> &str {
    let s = s.trim_start();
    &s[..s.find(|c| !is_ident(c)).unwrap_or(s.len())]
}

/// The first names of a `{...}` group's items: `{a, b::c, d::{e, f}, g as h}` gives a, b, d and g.
fn group_names(group: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut depth = 0;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            break;
        }
        // An item starts after the group's opening brace, and after each comma between the group's own items.
        if depth == 1 && (i == 0 || c == ',') {
            names.push(ident(&group[i + 1..]));
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

/// The names `text` reaches through `crate::`: the first segment of each path, and the first names of a group.
fn referenced(text: &str) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .flat_map(|l| [l, "\n"])
        .collect();
    let mut names = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        if code[..at].ends_with(is_ident) {
            continue;
        }
        let rest = code[at + "crate::".len()..].trim_start();
        if rest.starts_with('{') {
            names.extend(group_names(rest).into_iter().map(String::from));
        } else if !ident(rest).is_empty() {
            names.insert(ident(rest).to_string());
        }
    }
    names
}

/// The module graph of the crate whose sources are under `src`.
fn module_graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut graph = Graph::new();
    for file in files {
        let Some(module) = top_module(file.strip_prefix(src).expect("a file under src")) else {
            continue;
        };
        let text = fs::read_to_string(&file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let mut names = referenced(&text);
        names.remove(&module);
        graph.entry(module).or_default().extend(names);
    }
    // Only names of modules are dependencies (not `self`, nor items of the crate root).
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for deps in graph.values_mut() {
        deps.retain(|d| modules.contains(d));
    }
    graph
}

/// Tarjan's algorithm: the strongly connected components of more than one module, each sorted, in name order.
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            loop {
                let w = s.stack.pop().expect("v is on the stack");
                s.on_stack.remove(w);
                component.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found.sort();
    s.found
}

/// Each cycle on a line, then the dependencies inside it, to show where it could be cut.
fn describe(graph: &Graph, cycles: &[Vec<String>]) -> String {
    let mut out = format!(
        "the top-level modules depend on each other in {} cycle(s):\n",
        cycles.len()
    );
    for cycle in cycles {
        out += &format!("  {}\n", cycle.join(" <-> "));
        for m in cycle {
            let inside: Vec<&str> = graph[m]
                .iter()
                .filter(|d| cycle.contains(d))
                .map(String::as_str)
                .collect();
            out += &format!("      {m} -> {}\n", inside.join(", "));
        }
    }
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn the_modules_depend_on_each_other_without_cycles() {
    let graph = module_graph(&src());
    let found = cycles(&graph);
    assert!(found.is_empty(), "{}", describe(&graph, &found));
}

#[test]
fn the_sources_give_a_module_graph() {
    let graph = module_graph(&src());
    for m in ["cli", "engine", "input", "pricing", "tokenize"] {
        assert!(graph.contains_key(m), "no module {m} in {graph:?}");
    }
    assert!(!graph.contains_key("main") && !graph.contains_key("lib"));
    let dependencies: usize = graph.values().map(BTreeSet::len).sum();
    assert!(dependencies > 10, "{graph:?}");
}

#[test]
fn references_are_read_from_paths_and_groups_but_not_comments() {
    let text = "use crate::a::Thing;\n\
                use crate::{b, c::{d, e}, f as g,\n    h::*};\n\
                // crate::commented\n\
                /// crate::documented\n\
                fn x() { $crate::i!(); my_crate::j(); crate::\n k::y(); }\n";
    let want: BTreeSet<String> = ["a", "b", "c", "f", "h", "i", "k"].map(String::from).into();
    assert_eq!(referenced(text), want);
}

#[test]
fn the_cycle_finder_finds_cycles_and_passes_a_dag() {
    let graph = |edges: &[(&str, &str)]| {
        let mut g = Graph::new();
        for (from, to) in edges {
            g.entry(from.to_string()).or_default().insert(to.to_string());
            g.entry(to.to_string()).or_default();
        }
        g
    };
    let tangled = graph(&[
        ("a", "b"),
        ("b", "c"),
        ("c", "a"),
        ("d", "a"),
        ("e", "f"),
        ("f", "e"),
        ("f", "d"),
    ]);
    let want: Vec<Vec<String>> = vec![vec!["a".into(), "b".into(), "c".into()], vec!["e".into(), "f".into()]];
    assert_eq!(cycles(&tangled), want);
    let message = describe(&tangled, &cycles(&tangled));
    assert!(
        message.contains("a <-> b <-> c") && message.contains("e <-> f"),
        "{message}"
    );
    let dag = graph(&[("a", "b"), ("a", "c"), ("b", "c"), ("d", "a"), ("d", "c")]);
    assert_eq!(cycles(&dag), Vec::<Vec<String>>::new());
}
