//! Lines over a numeric x axis: a session's cost as its calls grow, one line per model.

use super::el::{El, num};
use super::frame::{Frame, WIDTH, axis_y, svg};
use super::scale::{Scale, label, value};
use crate::output::chart::{Line, Unit};

const LEFT: f64 = 70.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 10.0;
const PLOT_H: f64 = 260.0;

pub fn draw(id: &str, f: &Frame, x_title: &str, unit: Unit, lines: &[Line]) -> El {
    let points = || lines.iter().flat_map(|l| &l.points);
    let x_hi = points().map(|p| p.0).fold(0.0, f64::max);
    let y_hi = points().map(|p| p.1).fold(0.0, f64::max);
    let xs = Scale::linear(0.0, x_hi, WIDTH - LEFT - RIGHT);
    let ys = Scale::linear(0.0, y_hi, PLOT_H);
    let bottom = TOP + PLOT_H;
    let mut g = El::new("g");
    g.push(axis_y(&ys, unit, LEFT, WIDTH - RIGHT, bottom));
    let mut xa = El::new("g").class("axis");
    for t in xs.ticks() {
        xa.push(
            El::new("text")
                .at("x", LEFT + xs.at(t))
                .at("y", bottom + 14.0)
                .attr("text-anchor", "middle")
                .text(label(Unit::Tokens, t)),
        );
    }
    xa.push(
        El::new("text")
            .at("x", LEFT + (WIDTH - LEFT - RIGHT) / 2.0)
            .at("y", bottom + 30.0)
            .attr("text-anchor", "middle")
            .text(x_title),
    );
    g.push(xa);
    for (i, l) in lines.iter().enumerate() {
        let pts: Vec<String> = l
            .points
            .iter()
            .map(|&(x, y)| format!("{},{}", num(LEFT + xs.at(x)), num(bottom - ys.at(y))))
            .collect();
        let last = l.points.last().map_or(String::new(), |p| value(unit, p.1));
        g.push(
            El::new("polyline")
                .attr("points", pts.join(" "))
                .class(format!("line s{}", i % 8))
                .child(El::new("title").text(format!("{}: {last} at the last call", l.name))),
        );
    }
    svg(id, f, bottom + 40.0).child(g)
}
