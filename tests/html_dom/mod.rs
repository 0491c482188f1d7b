//! A small reader of the HTML report for tests: the page is well-formed (every element closed, only `meta` and `br`
//! void), so a tag scanner builds its tree. Also reads the DOM Chromium dumps, whose void elements are the same.
#![allow(dead_code)] // each test binary uses its own subset

#[derive(Debug, Clone)]
pub struct Node {
    pub tag: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Child>,
}

#[derive(Debug, Clone)]
pub enum Child {
    El(Node),
    Text(String),
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

const VOID: [&str; 5] = ["meta", "br", "link", "img", "input"];

/// Parses a page into its root (a synthetic `#document` node).
pub fn parse(html: &str) -> Node {
    let mut stack = vec![Node {
        tag: "#document".into(),
        attrs: Vec::new(),
        children: Vec::new(),
    }];
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut stack, rest);
            break;
        };
        push_text(&mut stack, &rest[..lt]);
        rest = &rest[lt..];
        let gt = rest.find('>').expect("unclosed tag");
        let tag_text = &rest[1..gt];
        rest = &rest[gt + 1..];
        if tag_text.starts_with('!') {
            continue;
        }
        if let Some(name) = tag_text.strip_prefix('/') {
            let node = stack.pop().expect("close without open");
            assert_eq!(node.tag, name.trim(), "mismatched close tag");
            stack.last_mut().unwrap().children.push(Child::El(node));
            continue;
        }
        let (tag, attrs) = tag_attrs(tag_text);
        // The style and script bodies are text until their close tag.
        if tag == "style" || tag == "script" {
            let close = format!("</{tag}>");
            let end = rest.find(&close).expect("unclosed raw element");
            let node = Node {
                tag: tag.clone(),
                attrs,
                children: vec![Child::Text(rest[..end].to_string())],
            };
            stack.last_mut().unwrap().children.push(Child::El(node));
            rest = &rest[end + close.len()..];
            continue;
        }
        let node = Node {
            tag: tag.clone(),
            attrs,
            children: Vec::new(),
        };
        if VOID.contains(&tag.as_str()) || tag_text.ends_with('/') {
            stack.last_mut().unwrap().children.push(Child::El(node));
        } else {
            stack.push(node);
        }
    }
    assert_eq!(
        stack.len(),
        1,
        "unclosed elements: {:?}",
        stack.iter().map(|n| &n.tag).collect::<Vec<_>>()
    );
    stack.pop().unwrap()
}

fn push_text(stack: &mut [Node], s: &str) {
    if !s.is_empty() {
        stack.last_mut().unwrap().children.push(Child::Text(unescape(s)));
    }
}

fn tag_attrs(s: &str) -> (String, Vec<(String, String)>) {
    let s = s.trim_end_matches('/');
    let name_end = s.find(char::is_whitespace).unwrap_or(s.len());
    let tag = s[..name_end].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut rest = s[name_end..].trim_start();
    while !rest.is_empty() {
        let eq = rest.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(rest.len());
        let name = rest[..eq].to_string();
        rest = &rest[eq..];
        if let Some(r) = rest.strip_prefix("=\"") {
            let end = r.find('"').expect("unclosed attribute");
            attrs.push((name, unescape(&r[..end])));
            rest = r[end + 1..].trim_start();
        } else {
            attrs.push((name, String::new()));
            rest = rest.trim_start();
        }
    }
    (tag, attrs)
}

impl Node {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn has_class(&self, c: &str) -> bool {
        self.attr("class").is_some_and(|v| v.split_whitespace().any(|x| x == c))
    }

    /// Every element below, depth first, in document order.
    pub fn all(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        for c in &self.children {
            if let Child::El(n) = c {
                out.push(n);
                out.extend(n.all());
            }
        }
        out
    }

    pub fn find(&self, pred: impl Fn(&Node) -> bool) -> Vec<&Node> {
        self.all().into_iter().filter(|n| pred(n)).collect()
    }

    pub fn by_id(&self, id: &str) -> &Node {
        let found = self.find(|n| n.attr("id") == Some(id));
        assert_eq!(found.len(), 1, "one element with id {id}");
        found[0]
    }

    pub fn tag(&self, tag: &str) -> Vec<&Node> {
        self.find(|n| n.tag == tag)
    }

    /// Its own text, without that of `title` children (a tooltip is not what the element shows).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for c in &self.children {
            match c {
                Child::Text(t) => out.push_str(t),
                Child::El(n) if n.tag != "title" => out.push_str(&n.text()),
                Child::El(_) => {}
            }
        }
        out
    }

    /// Its `title` child's text (an SVG tooltip).
    pub fn tooltip(&self) -> Option<String> {
        self.children.iter().find_map(|c| match c {
            Child::El(n) if n.tag == "title" => Some(n.text()),
            _ => None,
        })
    }

    /// An outline of the tree for a snapshot: tags, ids, classes and roles, and short text; coordinates, style and
    /// script left out, so the snapshot shows structure and words, not pixels.
    pub fn outline(&self) -> String {
        let mut out = String::new();
        self.outline_into(0, &mut out);
        out
    }

    fn outline_into(&self, depth: usize, out: &mut String) {
        for c in &self.children {
            match c {
                Child::Text(t) => {
                    let t = t.trim();
                    if !t.is_empty() {
                        out.push_str(&format!("{}\"{}\"\n", "  ".repeat(depth), t));
                    }
                }
                Child::El(n) => {
                    let mut line = format!("{}<{}", "  ".repeat(depth), n.tag);
                    for key in [
                        "id",
                        "class",
                        "role",
                        "scope",
                        "aria-sort",
                        "aria-labelledby",
                        "data-v",
                        "value",
                        "lang",
                    ] {
                        if let Some(v) = n.attr(key) {
                            line.push_str(&format!(" {key}={v:?}"));
                        }
                    }
                    line.push('>');
                    out.push_str(&line);
                    out.push('\n');
                    if n.tag != "style" && n.tag != "script" {
                        n.outline_into(depth + 1, out);
                    }
                }
            }
        }
    }
}
