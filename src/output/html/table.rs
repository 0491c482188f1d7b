//! A view's table as an HTML table of its human columns, with the same cells as the terminal table. Each figure
//! carries its exact value (`data-v`), which the page's script sorts by when a header is clicked; a missing figure
//! sorts last either way.

use super::el::El;
use crate::output::view::{Align, Cell, View};

/// The exact value a cell sorts by: None for text, which sorts by what it says.
fn sort_key(c: &Cell) -> Option<String> {
    match c {
        Cell::Empty => Some(String::new()),
        Cell::Text(_) | Cell::Strong(_) => None,
        Cell::Int(n) => Some(n.to_string()),
        Cell::Usd(u) => Some(u.to_string()),
        Cell::Float(v, ..) if v.is_finite() => Some(v.to_string()),
        Cell::Float(..) => Some(String::new()),
        Cell::Range(lo, hi) => match (lo.as_ref(), hi.as_ref()) {
            (Cell::Empty, _) | (_, Cell::Empty) => Some(String::new()),
            (lo, _) => sort_key(lo),
        },
    }
}

fn cell(view: &View, c: &Cell, first: bool, right: bool) -> El {
    let mut el = if first {
        El::new("th").attr("scope", "row")
    } else {
        El::new("td")
    };
    let mut class = Vec::new();
    if right {
        class.push("num");
    }
    let absent = match c {
        Cell::Empty => true,
        Cell::Range(lo, hi) => matches!(lo.as_ref(), Cell::Empty) || matches!(hi.as_ref(), Cell::Empty),
        _ => false,
    };
    if absent {
        class.push("na");
    }
    if !class.is_empty() {
        el = el.class(class.join(" "));
    }
    if let Some(k) = sort_key(c) {
        el = el.attr("data-v", k);
    }
    let text = c.human(view.absent);
    match c {
        Cell::Strong(_) => el.child(El::new("strong").text(text)),
        _ => el.text(text),
    }
}

fn row(view: &View, r: &[Cell]) -> El {
    El::new("tr").children(
        view.human_columns()
            .enumerate()
            .map(|(n, (i, col, _))| cell(view, &r[i], n == 0, col.align == Align::Right)),
    )
}

/// The table; `n` numbers it on the page.
pub fn table(view: &View, n: usize) -> El {
    let head = El::new("tr").children(view.human_columns().map(|(_, col, title)| {
        let th = El::new("th").attr("scope", "col").attr("aria-sort", "none");
        let th = if col.align == Align::Right { th.class("num") } else { th };
        th.child(El::new("button").attr("type", "button").text(title))
    }));
    let mut t = El::new("table")
        .attr("id", format!("table-{n}"))
        .class("sortable")
        .child(El::new("thead").child(head))
        .child(El::new("tbody").children(view.rows.iter().map(|r| row(view, r))));
    if let Some(total) = &view.total {
        t = t.child(El::new("tfoot").child(row(view, total)));
    }
    El::new("div").class("scroll").child(t)
}
