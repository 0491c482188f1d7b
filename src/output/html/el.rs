//! A small writer of HTML and SVG elements: every text and attribute value is escaped where it is written, so text
//! from the logs can only ever be text. The one raw content, the page's style and script, is a `&'static str`:
//! nothing read at run time can reach it.

use std::fmt::Write;

use crate::fmt::shown;

/// `s` as HTML text or attribute value: markup characters as entities, and through `fmt::shown` as in every other
/// format (control characters escaped).
pub fn escape(s: &str) -> String {
    let s = shown(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate or length with one decimal, trailing `.0` dropped: the same bytes for the same figure everywhere.
pub fn num(v: f64) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let s = format!("{v:.1}");
    let s = s.strip_suffix(".0").unwrap_or(&s).to_string();
    if s == "-0" { "0".into() } else { s }
}

enum Node {
    El(El),
    Text(String),
    Raw(&'static str),
}

/// One element, its attributes in the order given, and its children.
pub struct El {
    tag: &'static str,
    attrs: Vec<(&'static str, String)>,
    children: Vec<Node>,
}

/// Elements written without a closing tag.
const VOID: [&str; 2] = ["meta", "br"];

impl El {
    pub fn new(tag: &'static str) -> Self {
        El {
            tag,
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    pub fn attr(mut self, name: &'static str, value: impl std::fmt::Display) -> Self {
        self.attrs.push((name, value.to_string()));
        self
    }

    /// A numeric attribute (a coordinate).
    pub fn at(self, name: &'static str, v: f64) -> Self {
        self.attr(name, num(v))
    }

    pub fn class(self, c: impl std::fmt::Display) -> Self {
        self.attr("class", c)
    }

    pub fn child(mut self, c: El) -> Self {
        self.children.push(Node::El(c));
        self
    }

    pub fn push(&mut self, c: El) {
        self.children.push(Node::El(c));
    }

    pub fn children(mut self, cs: impl IntoIterator<Item = El>) -> Self {
        self.children.extend(cs.into_iter().map(Node::El));
        self
    }

    pub fn text(mut self, s: impl AsRef<str>) -> Self {
        self.children.push(Node::Text(s.as_ref().to_string()));
        self
    }

    /// Content written as it is: only the page's own constants.
    pub fn raw(mut self, s: &'static str) -> Self {
        self.children.push(Node::Raw(s));
        self
    }

    pub fn write(&self, out: &mut String) {
        let _ = write!(out, "<{}", self.tag);
        for (k, v) in &self.attrs {
            let _ = write!(out, " {k}=\"{}\"", escape(v));
        }
        out.push('>');
        if VOID.contains(&self.tag) {
            return;
        }
        for c in &self.children {
            match c {
                Node::El(e) => e.write(out),
                Node::Text(t) => out.push_str(&escape(t)),
                Node::Raw(r) => out.push_str(r),
            }
        }
        let _ = write!(out, "</{}>", self.tag);
        // A line break after block-level elements keeps the page readable and its snapshots reviewable.
        if matches!(
            self.tag,
            "section"
                | "table"
                | "tr"
                | "thead"
                | "tbody"
                | "tfoot"
                | "figure"
                | "p"
                | "ul"
                | "li"
                | "svg"
                | "g"
                | "h1"
                | "h2"
                | "h3"
                | "div"
                | "head"
                | "body"
                | "style"
                | "script"
                | "title"
                | "meta"
        ) {
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_cannot_become_markup() {
        let mut out = String::new();
        El::new("p")
            .attr("title", "a\" onload=\"x")
            .text("<script>alert('x')</script> & \u{1b}[2J")
            .write(&mut out);
        assert_eq!(
            out,
            "<p title=\"a&quot; onload=&quot;x\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; \\u{1b}[2J</p>\n"
        );
    }

    #[test]
    fn numbers_have_one_form() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.26), "12.3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(f64::NAN), "0");
    }
}
