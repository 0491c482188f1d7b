//! What differs between the engines a script is written for: type names, how a table is created and filled, and
//! the few expressions that read a `tokencost_calls` column whatever type the engine's CSV reader gave it.
//!
//! Every expression goes through text (`CAST(x AS VARCHAR)`, then trimmed, then an empty string taken as absent),
//! so that a column read as a number, a boolean, a timestamp or text gives the same answer.

use crate::cli::DialectArg;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Duckdb,
    Clickhouse,
    Spark,
    Postgres,
}

/// The type of one column of a generated table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Text,
    Int,
    Bool,
    /// An exact decimal with this many digits after the point.
    Decimal(u32),
}

impl From<DialectArg> for Dialect {
    fn from(d: DialectArg) -> Dialect {
        match d {
            DialectArg::Duckdb => Dialect::Duckdb,
            DialectArg::Clickhouse => Dialect::Clickhouse,
            DialectArg::Spark => Dialect::Spark,
            DialectArg::Postgres => Dialect::Postgres,
        }
    }
}

impl Dialect {
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Duckdb => "DuckDB",
            Dialect::Clickhouse => "ClickHouse",
            Dialect::Spark => "Spark SQL",
            Dialect::Postgres => "PostgreSQL",
        }
    }

    /// Spark adds one digit of precision per addition and, past 38, drops digits after the point: every sum of
    /// products is kept within 38 digits by the types chosen, and this is the most digits after the point any
    /// engine is asked to keep.
    pub const MAX_SCALE: u32 = 17;

    pub fn ty(self, t: Type) -> String {
        match (self, t) {
            (Dialect::Clickhouse, Type::Text) => "Nullable(String)".into(),
            (Dialect::Clickhouse, Type::Int) => "Nullable(Int64)".into(),
            (Dialect::Clickhouse, Type::Bool) => "Bool".into(),
            (Dialect::Clickhouse, Type::Decimal(s)) => format!("Nullable(Decimal(38, {s}))"),
            (Dialect::Spark, Type::Text) => "STRING".into(),
            (Dialect::Postgres, Type::Text) => "TEXT".into(),
            (_, Type::Text) => "VARCHAR".into(),
            (_, Type::Int) => "BIGINT".into(),
            (_, Type::Bool) => "BOOLEAN".into(),
            (Dialect::Postgres, Type::Decimal(s)) => format!("NUMERIC(38, {s})"),
            (_, Type::Decimal(s)) => format!("DECIMAL(38, {s})"),
        }
    }

    /// The name of the text type in a CAST.
    fn text(self) -> &'static str {
        match self {
            Dialect::Duckdb => "VARCHAR",
            Dialect::Clickhouse => "String",
            Dialect::Spark => "STRING",
            Dialect::Postgres => "TEXT",
        }
    }

    /// A string literal. Only ClickHouse and Spark read backslashes in literals as escapes.
    pub fn string(self, s: &str) -> String {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('\'');
        for c in s.chars() {
            match c {
                '\'' => out.push_str("''"),
                '\\' if matches!(self, Dialect::Clickhouse | Dialect::Spark) => out.push_str("\\\\"),
                // A line break inside a literal could leave a line ending in `;` that is no statement's end.
                '\n' | '\r' => out.push(' '),
                c => out.push(c),
            }
        }
        out.push('\'');
        out
    }

    /// A column's text, trimmed; NULL when absent or empty.
    pub fn text_of(self, col: &str) -> String {
        match self {
            Dialect::Clickhouse => format!("nullIf(trimBoth(toString({col})), '')"),
            _ => format!("NULLIF(TRIM(CAST({col} AS {})), '')", self.text()),
        }
    }

    /// A column's text, trimmed and lowercase; NULL when absent or empty.
    pub fn lower_of(self, col: &str) -> String {
        format!("lower({})", self.text_of(col))
    }

    /// A token count: a whole number of tokens, 0 when absent or not a number.
    pub fn tokens_of(self, col: &str) -> String {
        let text = self.text_of(col);
        match self {
            Dialect::Clickhouse => format!("ifNull(toDecimal128OrNull({text}, 0), toDecimal128(0, 0))"),
            Dialect::Postgres => {
                format!("COALESCE(CASE WHEN {text} ~ '^[0-9]{{1,18}}$' THEN CAST({text} AS NUMERIC(18, 0)) END, 0)")
            }
            Dialect::Spark | Dialect::Duckdb => format!("COALESCE(TRY_CAST({text} AS DECIMAL(18, 0)), 0)"),
        }
    }

    /// The UTC day of a timestamp column, as days since 1970-01-01; NULL when absent or unreadable. Text with an
    /// offset (`Z`, `+02:00`) is read at that offset; a value the reader already took for a timestamp keeps its
    /// instant. Text without an offset is read in the session's time zone.
    pub fn day_of(self, col: &str) -> String {
        let text = self.text_of(col);
        match self {
            Dialect::Duckdb => {
                format!("CAST(floor(epoch(TRY_CAST({text} AS TIMESTAMPTZ)) / 86400) AS BIGINT)")
            }
            Dialect::Clickhouse => {
                format!("intDiv(toUnixTimestamp64Milli(parseDateTime64BestEffortOrNull({text}, 3, 'UTC')), 86400000)")
            }
            Dialect::Spark => {
                format!("CAST(floor(unix_timestamp(try_to_timestamp({text})) / 86400) AS BIGINT)")
            }
            Dialect::Postgres => {
                format!("CAST(floor(extract(epoch FROM CAST({text} AS TIMESTAMPTZ)) / 86400) AS BIGINT)")
            }
        }
    }

    /// Whether a column says true (`true`, `1`, `t`, `yes`, any case).
    pub fn truthy(self, col: &str) -> String {
        format!("COALESCE({} IN ('true', '1', 't', 'yes'), false)", self.lower_of(col))
    }

    /// `name` matches the anchored regular expression `re` (a literal).
    pub fn matches(self, name: &str, re: &str) -> String {
        match self {
            Dialect::Duckdb => format!("regexp_full_match({name}, {re})"),
            Dialect::Clickhouse => format!("match({name}, {re})"),
            Dialect::Spark => format!("{name} RLIKE {re}"),
            Dialect::Postgres => format!("{name} ~ {re}"),
        }
    }

    /// The statement that creates an empty table with these columns.
    pub fn create_table(self, name: &str, cols: &[(&str, Type)]) -> String {
        let body = cols
            .iter()
            .map(|(c, t)| format!("    {c} {}", self.ty(*t)))
            .collect::<Vec<_>>()
            .join(",\n");
        match self {
            Dialect::Clickhouse => format!("CREATE TABLE {name} (\n{body}\n) ENGINE = MergeTree ORDER BY tuple();"),
            _ => format!("CREATE TABLE {name} (\n{body}\n);"),
        }
    }

    /// Drops a table or view if it is there. Spark's are temporary views, dropped by being replaced.
    pub fn drop(self, kind: &str, name: &str) -> Option<String> {
        (self != Dialect::Spark).then(|| format!("DROP {kind} IF EXISTS {name};"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_quotes_everywhere_and_backslashes_where_they_escape() {
        assert_eq!(Dialect::Duckdb.string("it's \\"), "'it''s \\'");
        assert_eq!(Dialect::Postgres.string("it's \\"), "'it''s \\'");
        assert_eq!(Dialect::Clickhouse.string("it's \\"), "'it''s \\\\'");
        assert_eq!(Dialect::Spark.string("a\nb;"), "'a b;'");
    }
}
