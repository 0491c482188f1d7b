//! Vertical columns over time, the series stacked in each: cost per day, week or month, by model.

use super::el::El;
use super::frame::{Frame, WIDTH, axis_y, svg};
use super::scale::{Scale, value};
use crate::output::chart::{Category, Series, Unit, Value};

const LEFT: f64 = 70.0;
const RIGHT: f64 = 10.0;
const TOP: f64 = 10.0;
const PLOT_H: f64 = 240.0;

pub fn draw(id: &str, f: &Frame, unit: Unit, series: &[Series], cats: &[Category]) -> El {
    let total = |c: &Category| -> f64 {
        c.values
            .iter()
            .map(|v| if let Value::Point(x) = v { *x } else { 0.0 })
            .sum()
    };
    let hi = cats.iter().map(total).fold(0.0, f64::max);
    let scale = Scale::linear(0.0, hi, PLOT_H);
    let bottom = TOP + PLOT_H;
    let plot_w = WIDTH - LEFT - RIGHT;
    let band = plot_w / cats.len().max(1) as f64;
    let bar_w = (band * 0.7).max(1.0);
    // Every label when they fit, else every n-th: a label needs about 70 pixels.
    let every = ((70.0 / band).ceil() as usize).max(1);
    let mut g = El::new("g");
    g.push(axis_y(&scale, unit, LEFT, WIDTH - RIGHT, bottom));
    for (ci, c) in cats.iter().enumerate() {
        let x = LEFT + band * ci as f64 + (band - bar_w) / 2.0;
        let mut y = bottom;
        for (si, (s, v)) in series.iter().zip(&c.values).enumerate() {
            let Value::Point(v) = *v else { continue };
            if v <= 0.0 {
                continue;
            }
            let h = scale.at(v);
            y -= h;
            g.push(
                El::new("rect")
                    .at("x", x)
                    .at("y", y)
                    .at("width", bar_w)
                    .at("height", h)
                    .class(format!("bar s{}", si % 8))
                    .child(El::new("title").text(format!("{}: {}: {}", c.label, s.name, value(unit, v)))),
            );
        }
        if ci % every == 0 {
            g.push(
                El::new("text")
                    .at("x", x + bar_w / 2.0)
                    .at("y", bottom + 14.0)
                    .attr("text-anchor", "middle")
                    .class("tick")
                    .text(&c.label),
            );
        }
    }
    svg(id, f, bottom + 24.0).child(g)
}
