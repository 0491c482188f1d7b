//! `--format html`: one self-contained page (inline style and a small inline script; nothing fetched, so it works
//! from `file://` and as a CI artifact) with the view's charts as inline SVG, its notes, and its table, sortable by
//! clicking a header. Light and dark follow the reader's setting, and the page prints.
//!
//! Every text from the logs goes through `el`, which escapes it where it is written. The bytes depend only on the
//! view: no time of generation, no random ids.

mod bars;
mod chart;
mod columns;
mod el;
mod frame;
mod lines;
mod page;
mod scale;
mod table;

use std::io::Write;

use super::Exporter;
use super::view::{Media, Part, PartKind, View};
use el::El;

pub struct Html;

/// Whether the page shows a part. Parts made for the terminal or for both are plain text. Parts made for Markdown
/// carry Markdown's own escapes in their text, so only their tables (typed cells, such as the budgets) are shown,
/// with the heading just before one.
fn shown(parts: &[Part], i: usize) -> bool {
    let p = &parts[i];
    match (p.media, &p.kind) {
        (Media::Markdown, PartKind::Table(_)) => true,
        (Media::Markdown, PartKind::Heading(_)) => parts
            .get(i + 1)
            .is_some_and(|n| n.media == Media::Markdown && matches!(n.kind, PartKind::Table(_))),
        (Media::Markdown, _) => false,
        _ => true,
    }
}

/// The parts people read, as blocks: consecutive items form one list.
fn parts(out: &mut El, parts: &[Part], tables: &mut usize) {
    let mut list: Option<El> = None;
    for p in (0..parts.len()).filter(|&i| shown(parts, i)).map(|i| &parts[i]) {
        if let PartKind::Item(s) = &p.kind {
            list.get_or_insert_with(|| El::new("ul")).push(El::new("li").text(s));
            continue;
        }
        if let Some(l) = list.take() {
            out.push(l);
        }
        match &p.kind {
            PartKind::Line(s) => out.push(El::new("p").text(s)),
            PartKind::Title(s) => out.push(El::new("h2").text(s)),
            PartKind::Heading(s) => out.push(El::new("h3").text(s)),
            PartKind::Table(v) => {
                *tables += 1;
                out.push(table::table(v, *tables));
            }
            PartKind::Item(_) | PartKind::Blank => {}
        }
    }
    if let Some(l) = list {
        out.push(l);
    }
}

/// The page's body: the parts before the table, the charts, the table, the parts after it.
fn body(view: &View) -> El {
    let mut main = El::new("main").child(El::new("h1").text("tokencost report"));
    let mut tables = 0;
    parts(&mut main, &view.head, &mut tables);
    for (i, c) in view.charts.iter().enumerate() {
        main.push(chart::figure(c, i + 1));
    }
    if view.human_columns().next().is_some() {
        tables += 1;
        main.push(table::table(view, tables));
    }
    parts(&mut main, &view.tail, &mut tables);
    main
}

/// The whole page as a string.
pub fn page(view: &View) -> String {
    let html = El::new("html")
        .attr("lang", "en")
        .child(
            El::new("head")
                .child(El::new("meta").attr("charset", "utf-8"))
                .child(
                    El::new("meta")
                        .attr("name", "viewport")
                        .attr("content", "width=device-width, initial-scale=1"),
                )
                .child(
                    El::new("meta")
                        .attr("name", "color-scheme")
                        .attr("content", "light dark"),
                )
                .child(El::new("title").text("tokencost report"))
                .child(El::new("style").raw(page::STYLE)),
        )
        .child(
            El::new("body")
                .child(body(view))
                .child(El::new("script").raw(page::SCRIPT)),
        );
    let mut out = String::from("<!DOCTYPE html>\n");
    html.write(&mut out);
    out
}

impl Exporter for Html {
    fn export(&self, view: &View, w: &mut dyn Write) -> anyhow::Result<()> {
        w.write_all(page(view).as_bytes())?;
        Ok(())
    }
}
