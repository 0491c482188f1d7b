//! A chart as a figure of the page: its heading, a legend (series drawn as estimates say so), the drawing, and the
//! notes under it.

use super::el::El;
use super::frame::Frame;
use super::{bars, columns, lines};
use crate::output::chart::{Chart, Kind, Series};

fn legend<'a>(names: impl Iterator<Item = (&'a str, bool)>) -> El {
    El::new("ul")
        .class("legend")
        .children(names.enumerate().map(|(i, (name, est))| {
            let swatch = El::new("span")
                .class(if est {
                    format!("sw s{} est", i % 8)
                } else {
                    format!("sw s{}", i % 8)
                })
                .attr("aria-hidden", "true");
            let text = if est {
                format!("{name} (estimate)")
            } else {
                name.to_string()
            };
            El::new("li").child(swatch).text(text)
        }))
}

fn series_legend(series: &[Series]) -> El {
    legend(series.iter().map(|s| (s.name.as_str(), s.estimate)))
}

/// The `n`th chart of the page as a `<figure>`.
pub fn figure(c: &Chart, n: usize) -> El {
    let id = format!("chart-{n}");
    let f = Frame {
        title: &c.title,
        desc: &c.desc,
    };
    let mut fig = El::new("figure").attr("id", &id).child(El::new("h2").text(&c.title));
    match &c.kind {
        Kind::Figures(figs) => {
            fig = fig.child(El::new("div").class("figures").children(figs.iter().map(|f| {
                let value = El::new("data").attr("id", f.id).attr("value", &f.exact).text(&f.shown);
                let label = if f.estimate {
                    format!("{} (estimate)", f.label)
                } else {
                    f.label.clone()
                };
                El::new("div")
                    .class(if f.estimate { "fig est" } else { "fig" })
                    .child(El::new("span").class("k").text(label))
                    .child(value)
            })));
        }
        Kind::Bars {
            unit,
            stacked,
            log,
            series,
            categories,
        } => {
            fig = fig
                .child(series_legend(series))
                .child(bars::draw(&id, &f, *unit, *stacked, *log, series, categories));
        }
        Kind::Columns {
            unit,
            series,
            categories,
        } => {
            fig = fig
                .child(series_legend(series))
                .child(columns::draw(&id, &f, *unit, series, categories));
        }
        Kind::Lines { x_title, unit, lines } => {
            fig = fig
                .child(legend(lines.iter().map(|l| (l.name.as_str(), false))))
                .child(lines::draw(&id, &f, x_title, *unit, lines));
        }
    }
    for note in &c.notes {
        fig.push(El::new("p").class("note").text(note));
    }
    fig
}
