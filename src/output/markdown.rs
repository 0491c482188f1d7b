//! `--format markdown`: a GitHub-flavoured document for a pull-request comment or a CI job summary
//! (`$GITHUB_STEP_SUMMARY`): the view's table with the same cells as the terminal table, its notes as paragraphs.
//!
//! Text from the logs is escaped where it is written, so a model or session name cannot become markup in someone's
//! pull request: no raw HTML, no links or images, no emphasis, no `@mention` that notifies anyone, no table cell
//! split by a `|`, no code span broken out of. Parts built for Markdown alone (`Media::Markdown`) escape their own
//! values with `text` and `code`; every other part and cell is escaped here as a whole.

use std::io::Write;

use super::Exporter;
use super::view::{Align, Cell, Media, Part, PartKind, View};
use crate::fmt::shown;

/// Untrusted text as Markdown inline text: it reads as written and is never markup.
pub fn text(s: &str) -> String {
    let s = shown(s);
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let word = |j: Option<usize>| j.and_then(|j| chars.get(j)).is_some_and(|c| c.is_alphanumeric());
        match c {
            // `$` opens math on GitHub.
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '$' => {
                out.push('\\');
                out.push(c);
            }
            // Inside a word (`o200k_base`) an underscore is no emphasis; elsewhere it may be.
            '_' if !(word(i.checked_sub(1)) && word(Some(i + 1))) => out.push_str("\\_"),
            // A zero-width space after `@` keeps GitHub from reading a mention (and notifying someone).
            '@' => out.push_str("@&#8203;"),
            c => out.push(c),
        }
    }
    out
}

/// Untrusted text as a paragraph or list item: `text`, and nothing at its start that would open another block (a
/// heading, a list, a rule, indented code; quotes and fences are escaped by `text` already).
fn block(s: &str) -> String {
    let t = text(s);
    let Some(first) = t.chars().next() else {
        return t;
    };
    // A marker opens a block when a space or the end follows it: `# x`, `- x`, `1. x`; a rule is `---` alone.
    let run = t.len() - t.trim_start_matches(first).len();
    let spaced = |rest: &str| rest.is_empty() || rest.starts_with(' ');
    let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let numbered = &t[digits..];
    match first {
        '#' if run <= 6 && spaced(&t[run..]) => format!("\\{t}"),
        '-' | '+' if run == 1 && spaced(&t[run..]) => format!("\\{t}"),
        '-' if run >= 3 && t.chars().all(|c| c == '-' || c == ' ') => format!("\\{t}"),
        ' ' => format!("&#32;{}", &t[1..]),
        _ if digits > 0 && numbered.starts_with(['.', ')']) && spaced(&numbered[1..]) => {
            format!("{}\\{numbered}", &t[..digits])
        }
        _ => t,
    }
}

/// Untrusted text as inline code in a note (not in a table cell): a fence longer than any run of backticks inside,
/// so the text cannot close it, padded when the text itself begins or ends with a backtick or a space.
pub fn code(s: &str) -> String {
    let s = shown(s);
    if s.is_empty() {
        return "` `".into();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let edge = |c: char| s.starts_with(c) || s.ends_with(c);
    let pad = edge('`') || (s.starts_with(' ') && s.ends_with(' ') && !s.trim().is_empty());
    let sp = if pad { " " } else { "" };
    format!("{fence}{sp}{s}{sp}{fence}")
}

fn row(w: &mut dyn Write, cells: impl Iterator<Item = String>) -> std::io::Result<()> {
    let parts: Vec<String> = cells.collect();
    writeln!(w, "| {} |", parts.join(" | "))
}

/// One cell of a table: text escaped (figures are the program's own), bold for a `Strong` cell or in the totals row.
fn cell(view: &View, c: &Cell, bold: bool) -> String {
    let s = match c {
        Cell::Text(t) | Cell::Strong(t) => text(t),
        c => c.human(view.absent),
    };
    if bold || matches!(c, Cell::Strong(_)) {
        format!("**{s}**")
    } else {
        s
    }
}

fn table(w: &mut dyn Write, view: &View) -> std::io::Result<()> {
    // Column titles are the program's own words.
    row(w, view.human_columns().map(|(_, _, t)| t.to_string()))?;
    let mut rule = String::from("|");
    for (_, c, _) in view.human_columns() {
        rule.push_str(if c.align == Align::Right { "--:|" } else { "---|" });
    }
    writeln!(w, "{rule}")?;
    for (r, bold) in view
        .rows
        .iter()
        .map(|r| (r, false))
        .chain(view.total.iter().map(|r| (r, true)))
    {
        row(w, view.human_columns().map(|(i, _, _)| cell(view, &r[i], bold)))?;
    }
    Ok(())
}

/// Writes blocks separated by one empty line; consecutive list items form one block.
struct Blocks {
    started: bool,
    in_list: bool,
}

impl Blocks {
    fn start(&mut self, w: &mut dyn Write, item: bool) -> std::io::Result<()> {
        if self.started && !(item && self.in_list) {
            writeln!(w)?;
        }
        self.started = true;
        self.in_list = item;
        Ok(())
    }

    fn parts(&mut self, w: &mut dyn Write, parts: &[Part]) -> std::io::Result<()> {
        for p in parts.iter().filter(|p| p.media != Media::Table) {
            if matches!(p.kind, PartKind::Blank) {
                continue;
            }
            self.start(w, matches!(p.kind, PartKind::Item(_)))?;
            // A part made for Markdown escaped its own values; any other is plain text.
            let md = |s: &str| {
                if p.media == Media::Markdown {
                    s.to_string()
                } else {
                    block(s)
                }
            };
            match &p.kind {
                PartKind::Line(s) => writeln!(w, "{}", md(s))?,
                PartKind::Title(s) => writeln!(w, "## {}", md(s))?,
                PartKind::Heading(s) => writeln!(w, "### {}", md(s))?,
                PartKind::Item(s) => writeln!(w, "- {}", md(s))?,
                PartKind::Table(v) => table(w, v)?,
                PartKind::Blank => {}
            }
        }
        Ok(())
    }
}

impl Exporter for Markdown {
    fn export(&self, view: &View, w: &mut dyn Write) -> anyhow::Result<()> {
        let mut blocks = Blocks {
            started: false,
            in_list: false,
        };
        blocks.parts(w, &view.head)?;
        // A view whose columns are all for machines says everything to people in its parts.
        if view.human_columns().next().is_some() {
            blocks.start(w, false)?;
            table(w, view)?;
        }
        blocks.parts(w, &view.tail)?;
        Ok(())
    }
}

pub struct Markdown;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_is_shown_as_written() {
        assert_eq!(text("<img src=x onerror=alert(1)>"), "\\<img src=x onerror=alert(1)\\>");
        assert_eq!(text("[click](https://evil)"), "\\[click\\](https://evil)");
        assert_eq!(text("![x](y)"), "!\\[x\\](y)");
        assert_eq!(
            text("a|b *c* _d_ ~e~ `f` \\g &amp;"),
            "a\\|b \\*c\\* \\_d\\_ \\~e\\~ \\`f\\` \\\\g \\&amp;"
        );
        assert_eq!(text("cc @octocat"), "cc @&#8203;octocat");
        assert_eq!(text("o200k_base gpt-4o"), "o200k_base gpt-4o");
        assert_eq!(text("a\nb\u{1b}[2J"), "a\\\\u{a}b\\\\u{1b}\\[2J");
    }

    #[test]
    fn nothing_at_the_start_of_a_note_opens_another_block() {
        assert_eq!(block("# big"), "\\# big");
        assert_eq!(block("- item"), "\\- item");
        assert_eq!(block("1. first"), "1\\. first");
        assert_eq!(block("    indented"), "&#32;   indented");
        assert_eq!(block("> quote"), "\\> quote");
        assert_eq!(block("2024 prices"), "2024 prices");
        assert_eq!(block("---"), "\\---");
        assert_eq!(block("--explain shows"), "--explain shows");
        assert_eq!(block("#hashtag"), "#hashtag");
        assert_eq!(block("1.5x markup"), "1.5x markup");
    }

    #[test]
    fn code_spans_cannot_be_broken_out_of() {
        assert_eq!(code("gpt-x"), "`gpt-x`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x``"), "``` `x`` ```");
        assert_eq!(code(" a "), "`  a  `");
        assert_eq!(code(""), "` `");
        assert_eq!(code("a\nb"), "`a\\u{a}b`");
    }
}
