//! Charts as data, before any format: what a command wants drawn (bars, columns over time, lines, headline figures),
//! in its own figures and words. The HTML report draws them as SVG; the other formats leave them out, so a view can
//! carry charts at no cost to the table, CSV or JSON.

/// What the figures of a chart count, and so how they read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Usd,
    /// Dollars per 1M tokens.
    UsdPerM,
    Tokens,
    /// A share, 0.25 = 25%.
    Share,
}

/// One figure of a category in a series.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Nothing to draw and nothing to say (a series that does not apply).
    None,
    /// No figure, for a reason people must read (`no price`, `no estimate`): never drawn as zero.
    Missing(&'static str),
    Point(f64),
    /// An estimate's low-high range.
    Range(f64, f64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    /// Its figures are estimates: drawn apart from measured ones, and named as such.
    pub estimate: bool,
}

impl Series {
    pub fn new(name: impl Into<String>) -> Self {
        Series {
            name: name.into(),
            estimate: false,
        }
    }

    pub fn estimate(name: impl Into<String>) -> Self {
        Series {
            name: name.into(),
            estimate: true,
        }
    }
}

/// A category (a model, a day) and its value in each series, in the order of the series.
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub label: String,
    pub values: Vec<Value>,
    /// Said beside the category's bars (a markup range, `no price`).
    pub note: Option<String>,
}

/// A series of points of a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

/// A headline figure: a label, the figure as people read it, and its exact value for machines (a `data` element).
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub id: &'static str,
    pub label: String,
    pub shown: String,
    pub exact: String,
    pub estimate: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// Headline figures in a row.
    Figures(Vec<Figure>),
    /// Horizontal bars, one group per category: a bar per series side by side, or one bar of them stacked.
    Bars {
        unit: Unit,
        stacked: bool,
        log: bool,
        series: Vec<Series>,
        categories: Vec<Category>,
    },
    /// Vertical columns over time, the series stacked.
    Columns {
        unit: Unit,
        series: Vec<Series>,
        categories: Vec<Category>,
    },
    /// Lines over a numeric x axis.
    Lines {
        x_title: String,
        unit: Unit,
        lines: Vec<Line>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    /// What the chart shows, in words: the SVG's description for people who cannot see it.
    pub desc: String,
    pub kind: Kind,
    /// Lines under the chart (what the estimates rest on, what was left out).
    pub notes: Vec<String>,
}

impl Chart {
    pub fn new(title: impl Into<String>, desc: impl Into<String>, kind: Kind) -> Self {
        Chart {
            title: title.into(),
            desc: desc.into(),
            kind,
            notes: Vec::new(),
        }
    }

    pub fn note(mut self, s: impl Into<String>) -> Self {
        self.notes.push(s.into());
        self
    }
}
