//! Horizontal bars: a category per group of bars, a bar per series (or one bar of them stacked). An estimate's range
//! is a floating bar from low to high, drawn apart from measured figures; a missing figure is said in words, never
//! drawn as zero.

use super::el::El;
use super::frame::{Frame, WIDTH, axis_x, svg};
use super::scale::{Scale, value};
use crate::output::chart::{Category, Series, Unit, Value};

const LABEL_W: f64 = 230.0;
const VALUE_W: f64 = 150.0;
const BAR_H: f64 = 14.0;
const GAP: f64 = 14.0;

/// The figures a scale must cover.
fn extent(categories: &[Category], stacked: bool) -> (f64, f64) {
    let mut lo: f64 = f64::INFINITY;
    let mut hi: f64 = f64::NEG_INFINITY;
    for c in categories {
        let mut sum = 0.0;
        for v in &c.values {
            match *v {
                Value::Point(x) if stacked => sum += x,
                Value::Point(x) => {
                    lo = lo.min(x);
                    hi = hi.max(x);
                }
                Value::Range(a, b) => {
                    lo = lo.min(a.min(b));
                    hi = hi.max(a.max(b));
                }
                Value::None | Value::Missing(_) => {}
            }
        }
        if stacked {
            lo = lo.min(sum);
            hi = hi.max(sum);
        }
    }
    if lo > hi { (0.0, 1.0) } else { (lo, hi) }
}

/// A category's label, cut to fit its column; the whole of it is the element's tooltip.
fn category_label(c: &Category, y: f64) -> El {
    let chars: Vec<char> = c.label.chars().collect();
    let short: String = if chars.len() > 34 {
        chars[..33].iter().collect::<String>() + "…"
    } else {
        c.label.clone()
    };
    let mut t = El::new("text")
        .at("x", LABEL_W - 8.0)
        .at("y", y)
        .attr("text-anchor", "end")
        .class("lbl")
        .child(El::new("title").text(&c.label))
        .text(short);
    if let Some(n) = &c.note {
        t = t.child(
            El::new("tspan")
                .at("x", LABEL_W - 8.0)
                .attr("dy", "1.2em")
                .class("sub")
                .text(n),
        );
    }
    t
}

pub fn draw(id: &str, f: &Frame, unit: Unit, stacked: bool, log: bool, series: &[Series], cats: &[Category]) -> El {
    let per = if stacked { 1 } else { series.len().max(1) };
    let block = per as f64 * (BAR_H + 3.0)
        + GAP
        + if cats.iter().any(|c| c.note.is_some()) {
            8.0
        } else {
            0.0
        };
    let top = 8.0;
    let plot_w = WIDTH - LABEL_W - VALUE_W;
    let height = top + block * cats.len() as f64 + 34.0;
    let (lo, hi) = extent(cats, stacked);
    let scale = if log {
        let positive = cats.iter().flat_map(|c| &c.values).filter_map(|v| match *v {
            Value::Point(x) if x > 0.0 => Some(x),
            Value::Range(a, _) if a > 0.0 => Some(a),
            _ => None,
        });
        let min = positive.fold(f64::INFINITY, f64::min);
        Scale::log(if min.is_finite() { min } else { 0.1 }, hi.max(1e-9), plot_w)
    } else {
        Scale::linear(lo, hi, plot_w)
    };
    let mut g = El::new("g");
    g.push(axis_x(&scale, unit, LABEL_W, top, height - 26.0));
    let zero = if log { 0.0 } else { scale.at(0.0) };
    for (ci, c) in cats.iter().enumerate() {
        let y0 = top + block * ci as f64;
        g.push(category_label(c, y0 + BAR_H - 2.0));
        let mut x_stack = zero;
        let mut sum = 0.0;
        for (si, (s, v)) in series.iter().zip(&c.values).enumerate() {
            let y = if stacked { y0 } else { y0 + si as f64 * (BAR_H + 3.0) };
            let class = if s.estimate {
                format!("bar s{} est", si % 8)
            } else {
                format!("bar s{}", si % 8)
            };
            let tip = |what: String| El::new("title").text(format!("{}: {}: {what}", c.label, s.name));
            match *v {
                Value::None => {}
                Value::Missing(why) => {
                    g.push(
                        El::new("text")
                            .at("x", LABEL_W + zero + 4.0)
                            .at("y", y + BAR_H - 3.0)
                            .class("missing")
                            .child(tip(why.to_string()))
                            .text(why),
                    );
                }
                // An empty bucket adds nothing to the stack, and no zero-width bar to the page.
                Value::Point(x) if stacked && x == 0.0 => {}
                Value::Point(x) if stacked => {
                    let w = scale.at(sum + x) - scale.at(sum);
                    sum += x;
                    g.push(
                        El::new("rect")
                            .at("x", LABEL_W + x_stack)
                            .at("y", y)
                            .at("width", w)
                            .at("height", BAR_H)
                            .class(class)
                            .child(tip(value(unit, x))),
                    );
                    x_stack += w;
                }
                Value::Point(x) => {
                    let (a, b) = (zero.min(scale.at(x)), zero.max(scale.at(x)));
                    g.push(
                        El::new("rect")
                            .at("x", LABEL_W + a)
                            .at("y", y)
                            .at("width", (b - a).max(0.5))
                            .at("height", BAR_H)
                            .class(class)
                            .child(tip(value(unit, x))),
                    );
                    g.push(value_text(LABEL_W + b + 4.0, y, value(unit, x)));
                }
                Value::Range(a, b) => {
                    let (pa, pb) = (scale.at(a.min(b)), scale.at(a.max(b)));
                    let shown = format!("{}-{}", value(unit, a), value(unit, b));
                    g.push(
                        El::new("rect")
                            .at("x", LABEL_W + pa)
                            .at("y", y)
                            .at("width", (pb - pa).max(1.5))
                            .at("height", BAR_H)
                            .class(class)
                            .child(tip(format!("{shown} (estimate)"))),
                    );
                    g.push(value_text(LABEL_W + pb + 4.0, y, format!("{shown} est.")));
                }
            }
        }
        if stacked && sum != 0.0 {
            g.push(value_text(LABEL_W + x_stack + 4.0, y0, value(unit, sum)));
        }
    }
    svg(id, f, height).child(g)
}

fn value_text(x: f64, y: f64, s: String) -> El {
    El::new("text").at("x", x).at("y", y + BAR_H - 3.0).class("val").text(s)
}
