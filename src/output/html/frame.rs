//! What every chart shares: the SVG element with its title and description for assistive technology, and axes with
//! grid lines.

use super::el::El;
use super::scale::{Scale, label};
use crate::output::chart::Unit;

/// The width of every chart's coordinate system; the page scales it to the window.
pub const WIDTH: f64 = 760.0;

/// A chart's title and description, as the SVG's `<title>` and `<desc>`.
pub struct Frame<'a> {
    pub title: &'a str,
    pub desc: &'a str,
}

/// The chart's `<svg>`, inline in the page (which needs no namespace declaration, and so names no address).
pub fn svg(id: &str, f: &Frame, height: f64) -> El {
    El::new("svg")
        .attr(
            "viewBox",
            format!("0 0 {} {}", super::el::num(WIDTH), super::el::num(height)),
        )
        .attr("role", "img")
        .attr("aria-labelledby", format!("{id}-t {id}-d"))
        .child(El::new("title").attr("id", format!("{id}-t")).text(f.title))
        .child(El::new("desc").attr("id", format!("{id}-d")).text(f.desc))
}

/// A horizontal axis at `bottom`, its grid lines up to `top`, starting `x0` from the left.
pub fn axis_x(scale: &Scale, unit: Unit, x0: f64, top: f64, bottom: f64) -> El {
    let mut g = El::new("g").class("axis");
    for t in scale.ticks() {
        let x = x0 + scale.at(t);
        g.push(
            El::new("line")
                .at("x1", x)
                .at("x2", x)
                .at("y1", top)
                .at("y2", bottom)
                .class("grid"),
        );
        g.push(
            El::new("text")
                .at("x", x)
                .at("y", bottom + 14.0)
                .attr("text-anchor", "middle")
                .text(label(unit, t)),
        );
    }
    g
}

/// A vertical axis at `x0`, its figures to its left and grid lines across to `right`; `bottom` is the scale's 0.
pub fn axis_y(scale: &Scale, unit: Unit, x0: f64, right: f64, bottom: f64) -> El {
    let mut g = El::new("g").class("axis");
    for t in scale.ticks() {
        let y = bottom - scale.at(t);
        g.push(
            El::new("line")
                .at("x1", x0)
                .at("x2", right)
                .at("y1", y)
                .at("y2", y)
                .class("grid"),
        );
        g.push(
            El::new("text")
                .at("x", x0 - 6.0)
                .at("y", y + 4.0)
                .attr("text-anchor", "end")
                .text(label(unit, t)),
        );
    }
    g
}
