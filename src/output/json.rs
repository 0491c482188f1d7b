//! `--format json`: the command's own serde document (the `Report` for `analyze`, the rows for the others), one
//! pretty-printed JSON document.
//!
//! JSON keeps every string exactly, but a few characters are written as `\uXXXX` escapes, which read back as the
//! same string: serde_json escapes the C0 controls itself; DEL, the C1 controls, the line and paragraph separators
//! and the bidi formatting characters are escaped here too (a report printed to a terminal cannot act on them), and
//! so is the `[` of any `##[`, which a GitHub Actions log would otherwise run as a workflow command.

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};
use std::io::{self, Write};

use super::Exporter;
use super::view::View;

pub struct Json;

impl Exporter for Json {
    fn export(&self, view: &View, w: &mut dyn Write) -> anyhow::Result<()> {
        match view.document {
            Some(doc) => doc.write_json(w),
            None => anyhow::bail!("this output has no JSON document"),
        }
    }
}

/// A value as one pretty-printed JSON document.
pub fn write_json<T: Serialize + ?Sized>(w: &mut dyn Write, value: &T) -> anyhow::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(&mut *w, Guarded(PrettyFormatter::new()));
    value.serialize(&mut ser)?;
    writeln!(w)?;
    Ok(())
}

/// A value as one line of compact JSON (a line of `--format jsonl`), with the same escapes.
pub fn write_json_line<T: Serialize + ?Sized>(w: &mut dyn Write, value: &T) -> anyhow::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(&mut *w, Guarded(serde_json::ser::CompactFormatter));
    value.serialize(&mut ser)?;
    writeln!(w)?;
    Ok(())
}

/// Characters written as `\uXXXX` although JSON allows them raw.
fn escaped(c: char) -> bool {
    matches!(
        c,
        '\u{7f}'..='\u{9f}' | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// Pretty printing, with the escapes above in every string.
struct Guarded<F>(F);

impl<F: Formatter> Formatter for Guarded<F> {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        // serde_json splits a string into fragments only around the characters it escapes itself, so a `##[` is
        // always inside one fragment.
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            let old_command = c == '[' && fragment[..i].ends_with("##");
            if escaped(c) || old_command {
                w.write_all(&fragment.as_bytes()[start..i])?;
                write!(w, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(v: &serde_json::Value) -> String {
        let mut out = Vec::new();
        write_json(&mut out, v).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_read_back_the_same_with_nothing_a_terminal_or_a_ci_log_acts_on() {
        let s = "a\u{1b}]0;t\u{7}\u{9b}2J\u{202e}b ##[error]x\n::warning::y \u{7f}";
        let v = serde_json::json!({ "key ##[": s, "n": [1, -25.0] });
        let text = json(&v);
        assert!(!text.contains("##["), "{text}");
        assert!(
            !text.chars().any(|c| c != '\n' && (c.is_control() || escaped(c))),
            "{text}"
        );
        assert!(text.contains(r#""n": ["#) && text.contains("-25.0"), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn ordinary_documents_are_written_as_serde_json_writes_them() {
        let v = serde_json::json!({"model": "openai/gpt-4o", "rows": [{"cost_usd": 0.0025}], "empty": []});
        assert_eq!(json(&v), serde_json::to_string_pretty(&v).unwrap() + "\n");
    }
}
