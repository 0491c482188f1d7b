//! `--format markdown`: a GitHub-flavoured document for a pull-request comment or a CI job summary
//! (`$GITHUB_STEP_SUMMARY`): the view's table with the same cells as the terminal table, its notes as paragraphs.

use std::io::Write;

use super::Exporter;
use super::view::{Align, Media, Part, PartKind, View};

pub struct Markdown;

/// Table cells may not contain a raw `|` or a line break: untrusted text (model and session names) is escaped here.
pub fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Untrusted text as inline code in a note.
pub fn code(s: &str) -> String {
    format!("`{}`", cell(s))
}

fn row(w: &mut dyn Write, cells: impl Iterator<Item = String>) -> std::io::Result<()> {
    let parts: Vec<String> = cells.map(|c| cell(&c)).collect();
    writeln!(w, "| {} |", parts.join(" | "))
}

fn table(w: &mut dyn Write, view: &View) -> std::io::Result<()> {
    row(w, view.human_columns().map(|(_, _, t)| t.to_string()))?;
    let mut rule = String::from("|");
    for (_, c, _) in view.human_columns() {
        rule.push_str(if c.align == Align::Right { "--:|" } else { "---|" });
    }
    writeln!(w, "{rule}")?;
    for r in &view.rows {
        row(w, view.human_row(r).into_iter())?;
    }
    if let Some(total) = &view.total {
        row(w, view.human_row(total).into_iter().map(|c| format!("**{c}**")))?;
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
            match &p.kind {
                PartKind::Line(s) => writeln!(w, "{s}")?,
                PartKind::Title(s) => writeln!(w, "## {s}")?,
                PartKind::Heading(s) => writeln!(w, "### {s}")?,
                PartKind::Item(s) => writeln!(w, "- {s}")?,
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
