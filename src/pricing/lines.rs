//! Finds the line of a key or a list item in block-style YAML text, so that a validation problem found after
//! deserialising can still point at its line. serde_yaml keeps no spans once a value is built; this scan does
//! the same job for the block style our files use, and falls back to the enclosing item's line otherwise.

/// A half-open range of 0-based line indexes.
pub type Span = (usize, usize);

pub struct YamlLines<'a> {
    lines: Vec<&'a str>,
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_blank(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// The text of a line after its indentation and any list-item dashes, with the column where that text starts.
fn content(line: &str) -> (usize, &str) {
    let mut col = indent(line);
    let mut rest = &line[col..];
    while let Some(r) = rest.strip_prefix("- ") {
        let trimmed = r.trim_start_matches(' ');
        col += rest.len() - trimmed.len();
        rest = trimmed;
    }
    (col, rest)
}

impl<'a> YamlLines<'a> {
    pub fn new(text: &'a str) -> Self {
        YamlLines {
            lines: text.lines().collect(),
        }
    }

    pub fn all(&self) -> Span {
        (0, self.lines.len())
    }

    /// The line of `key:` at the shallowest depth inside `span`.
    pub fn key_line(&self, span: Span, key: &str) -> Option<usize> {
        let mut best: Option<(usize, usize)> = None;
        for i in span.0..span.1.min(self.lines.len()) {
            let (col, text) = content(self.lines[i]);
            let is_key = text
                .strip_prefix(key)
                .is_some_and(|r| r.starts_with(':') && !text.starts_with('#'));
            if is_key && best.is_none_or(|(c, _)| col < c) {
                best = Some((col, i));
            }
        }
        best.map(|(_, i)| i)
    }

    /// The spans of the items of the block sequence under `key:` inside `span`.
    pub fn seq_items(&self, span: Span, key: &str) -> Vec<Span> {
        let Some(k) = self.key_line(span, key) else {
            return Vec::new();
        };
        let key_indent = content(self.lines[k]).0;
        let end = span.1.min(self.lines.len());
        let mut starts = Vec::new();
        let mut item_indent = None;
        let mut stop = end;
        for i in k + 1..end {
            let line = self.lines[i];
            if is_blank(line) {
                continue;
            }
            let ind = indent(line);
            let dash = line[ind..].starts_with("- ") || line[ind..].trim_end() == "-";
            match item_indent {
                None if dash && ind >= key_indent => {
                    item_indent = Some(ind);
                    starts.push(i);
                }
                Some(ii) if dash && ind == ii => starts.push(i),
                Some(ii) if ind > ii => {}
                _ => {
                    stop = i;
                    break;
                }
            }
        }
        let mut spans = Vec::with_capacity(starts.len());
        for (n, &s) in starts.iter().enumerate() {
            spans.push((s, starts.get(n + 1).copied().unwrap_or(stop)));
        }
        spans
    }

    /// The span of the key at line `k` and of the lines nested under it (more indented than the key), within `end`:
    /// a block's own lines, so that a key looked up inside it is never one of its parent's written after it.
    pub fn block(&self, k: usize, end: usize) -> Span {
        let Some(line) = self.lines.get(k) else {
            return (k, k);
        };
        let col = content(line).0;
        let end = end.min(self.lines.len());
        let mut last = k + 1;
        for i in k + 1..end {
            let l = self.lines[i];
            if is_blank(l) {
                continue;
            }
            if indent(l) <= col {
                break;
            }
            last = i + 1;
        }
        (k, last)
    }

    /// The value of the key at line `k` as a standalone document, with the 0-based line its text starts on: the
    /// rest of the key's line when the value is written there (`provider: {id: x}`), else the block under it.
    pub fn value_text(&self, k: usize) -> (String, usize) {
        let Some(line) = self.lines.get(k) else {
            return (String::new(), k);
        };
        let (_, text) = content(line);
        let inline = text.split_once(':').map_or("", |(_, v)| v.trim());
        if !inline.is_empty() && !inline.starts_with('#') {
            return (format!("{inline}\n"), k);
        }
        let (_, end) = self.block(k, self.lines.len());
        let body = &self.lines[(k + 1).min(end)..end];
        let cut = body
            .iter()
            .filter(|l| !is_blank(l))
            .map(|l| indent(l))
            .min()
            .unwrap_or(0);
        let mut out = String::new();
        for l in body {
            out.push_str(l.get(cut..).unwrap_or("").trim_end_matches('\r'));
            out.push('\n');
        }
        (out, k + 1)
    }

    /// The text of one sequence item as a standalone YAML document, so it can be parsed alone and its errors
    /// located: the item's dash becomes indentation and the common indentation is removed.
    pub fn item_text(&self, span: Span) -> String {
        let Some(first) = self.lines.get(span.0) else {
            return String::new();
        };
        let dedent = indent(first) + 2;
        let mut out = String::new();
        for (n, line) in self.lines[span.0..span.1.min(self.lines.len())].iter().enumerate() {
            let line = if n == 0 {
                first.replacen("- ", "  ", 1)
            } else {
                line.to_string()
            };
            let cut = indent(&line).min(dedent);
            out.push_str(&line[cut..]);
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "provider:\n  id: x\nmodels:\n  - id: a\n    prices:\n      - as_of: 2024-01-01\n        input: 1\n      - as_of: 2024-02-01\n        input: -1\n  - id: b\n    tokenizer: estimate\nmarginal: []\n";

    #[test]
    fn finds_items_and_keys() {
        let y = YamlLines::new(TEXT);
        let models = y.seq_items(y.all(), "models");
        assert_eq!(models, vec![(3, 9), (9, 11)]);
        let prices = y.seq_items(models[0], "prices");
        assert_eq!(prices, vec![(5, 7), (7, 9)]);
        assert_eq!(y.key_line(prices[1], "input"), Some(8));
        assert_eq!(y.key_line(models[1], "tokenizer"), Some(10));
        assert_eq!(y.key_line(models[0], "id"), Some(3));
        assert_eq!(y.item_text(models[1]), "id: b\ntokenizer: estimate\n");
        assert_eq!(y.block(4, y.all().1), (4, 9));
        assert_eq!(y.block(6, y.all().1), (6, 7));
        assert_eq!(y.value_text(0), ("id: x\n".to_string(), 1));
        assert_eq!(y.value_text(11), ("[]\n".to_string(), 11));
    }
}
