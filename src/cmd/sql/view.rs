//! The view `tokencost_call_costs`: each row of `tokencost_calls` with its resolved model, the price row, level and
//! tier it is billed at, its cost in exact decimals, and its estimated marginal cost.
//!
//! It reads only the identifying and token columns (`timestamp`, `provider`, `model`, `batch`, `service_tier` and
//! the five token buckets), never the export's own cost columns, so that rows from any source price the same. It
//! is written with equality joins and filters only (ClickHouse joins on equalities), and the unpriced rows are a
//! second branch of a `UNION ALL` rather than the far side of an outer join, so that a missing price is NULL in
//! every engine, never a default of 0.

use super::dialect::{Dialect, Type};

/// The columns of `analyze --by call --format csv`, in the export's order: what `tokencost_calls` holds.
pub const CALL_COLUMNS: &[&str] = &[
    "call",
    "file",
    "line",
    "timestamp",
    "session",
    "project",
    "provider",
    "model",
    "batch",
    "service_tier",
    "response_id",
    "price_as_of",
    "token_source",
    "calls",
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "cost_usd",
    "priced",
    "marginal_cost_usd_low",
    "marginal_cost_usd_high",
];

/// The columns passed through as text.
const KEPT: &[&str] = &[
    "call",
    "file",
    "line",
    "timestamp",
    "session",
    "project",
    "provider",
    "model",
    "batch",
    "service_tier",
    "response_id",
    "token_source",
];

const TOKENS: &[&str] = &[
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
];

impl Dialect {
    /// A quoted identifier: some of the export's column names (`timestamp`, `call`, `line`) are keywords.
    pub fn ident(self, name: &str) -> String {
        match self {
            Dialect::Clickhouse | Dialect::Spark => format!("`{name}`"),
            Dialect::Duckdb | Dialect::Postgres => format!("\"{name}\""),
        }
    }

    /// The part of a name before its first `/`.
    fn prefix(self, name: &str) -> String {
        match self {
            Dialect::Clickhouse => format!("substring({name}, 1, position({name}, '/') - 1)"),
            _ => format!("split_part({name}, '/', 1)"),
        }
    }

    /// The part of a name after `prefix` and its `/`.
    fn rest(self, name: &str, prefix: &str) -> String {
        match self {
            Dialect::Clickhouse => format!("substring({name}, length({prefix}) + 2)"),
            _ => format!("substr({name}, length({prefix}) + 2)"),
        }
    }

    /// `tokens` times a per-token rate, as an exact decimal with `scale` digits after the point. Spark adds a
    /// digit of precision per operation and drops digits after the point past 38: the operands are narrowed first
    /// (at most 10^15 tokens, a rate under $1000 a token) so that five such products still add up exactly.
    fn times(self, tokens: &str, rate: &str, scale: u32) -> String {
        match self {
            Dialect::Clickhouse => format!("{tokens} * {rate}"),
            Dialect::Postgres => format!("{tokens} * {rate}"),
            Dialect::Duckdb | Dialect::Spark => format!(
                "CAST(CAST({tokens} AS DECIMAL(15, 0)) * CAST({rate} AS DECIMAL({}, {scale})) AS DECIMAL(33, {scale}))",
                scale + 3
            ),
        }
    }

    /// The billed tier: `batch` when the batch column says so, else the last `_` word of `service_tier` (Vertex
    /// writes `ON_DEMAND_PRIORITY`), anything else standard, as tokencost reads a log's `service_tier`.
    fn tier_of(self) -> String {
        let st = self.lower_of(&format!("c.{}", self.ident("service_tier")));
        let word = |w: &str| format!("{st} = '{w}' OR right({st}, {}) = '_{w}'", w.len() + 1);
        format!(
            "CASE WHEN {batch} THEN 'batch' WHEN {b} THEN 'batch' WHEN {p} THEN 'priority' WHEN {f} THEN 'flex' \
             ELSE 'standard' END",
            batch = self.truthy(&format!("c.{}", self.ident("batch"))),
            b = word("batch"),
            p = word("priority"),
            f = word("flex"),
        )
    }
}

/// The statement creating the view; `rate_scale` and `marginal_scale` are the digits after the point of the
/// per-token rates.
pub fn view(d: Dialect, rate_scale: u32, marginal_scale: u32) -> String {
    let q = |c: &str| d.ident(c);
    let mut calls: Vec<String> = KEPT
        .iter()
        .map(|c| format!("{} AS {}", d.text_of(&format!("c.{}", q(c))), q(c)))
        .collect();
    calls.extend(
        TOKENS
            .iter()
            .map(|c| format!("{} AS {}", d.tokens_of(&format!("c.{}", q(c))), q(c))),
    );
    // The export's `cache_write_tokens` counts every cache write, its `cache_write_1h_tokens` the 1-hour part.
    calls.push(format!(
        "greatest({} - {}, 0) AS cache_write_5m_tokens",
        d.tokens_of(&format!("c.{}", q("cache_write_tokens"))),
        d.tokens_of(&format!("c.{}", q("cache_write_1h_tokens")))
    ));
    calls.push(format!("{} AS logged_name", d.lower_of(&format!("c.{}", q("model")))));
    calls.push(format!(
        "COALESCE({}, '') AS provider_key",
        d.lower_of(&format!("c.{}", q("provider")))
    ));
    calls.push(format!("{} AS call_day", d.day_of(&format!("c.{}", q("timestamp")))));
    calls.push(format!("{} AS billed_tier", d.tier_of()));
    let tok = |c: &str| match c {
        "cache_write_5m_tokens" => "w.cache_write_5m_tokens".to_string(),
        c => format!("w.{}", q(c)),
    };
    let prompt = format!(
        "{} + {} + {}",
        tok("input_tokens"),
        tok("cached_input_tokens"),
        tok("cache_write_tokens"),
    );
    let cost = [
        ("input_tokens", "input_usd_per_token"),
        ("cached_input_tokens", "cached_input_usd_per_token"),
        ("cache_write_5m_tokens", "cache_write_usd_per_token"),
        ("cache_write_1h_tokens", "cache_write_1h_usd_per_token"),
        ("output_tokens", "output_usd_per_token"),
    ]
    .iter()
    .map(|(t, r)| d.times(&tok(t), &format!("p.{r}"), rate_scale))
    .collect::<Vec<_>>()
    .join("\n            + ");
    let fresh = format!("{} + {}", tok("input_tokens"), tok("cache_write_tokens"));
    let marginal = |end: &str| {
        [
            (fresh.clone(), format!("m.marginal_input_{end}")),
            (tok("cached_input_tokens"), format!("m.marginal_cached_{end}")),
            (tok("output_tokens"), format!("m.marginal_output_{end}")),
        ]
        .iter()
        .map(|(t, r)| d.times(&format!("({t})"), r, marginal_scale))
        .collect::<Vec<_>>()
        .join("\n            + ")
    };
    let kept_w = KEPT
        .iter()
        .chain(TOKENS)
        .map(|c| format!("w.{} AS {}", q(c), q(c)))
        .collect::<Vec<_>>()
        .join(", ");
    let money = d.ty(Type::Decimal(rate_scale));
    let marginal_money = d.ty(Type::Decimal(marginal_scale));
    let null_as = |t: &str| match d {
        Dialect::Clickhouse => format!("CAST(NULL AS {t})"),
        _ => format!("CAST(NULL AS {})", t),
    };
    let text = d.ty(Type::Text);
    let int = d.ty(Type::Int);
    let create = match d {
        Dialect::Spark => "CREATE OR REPLACE TEMPORARY VIEW tokencost_call_costs AS",
        _ => "CREATE VIEW tokencost_call_costs AS",
    };
    let settings = match d {
        // Unmatched rows of an outer join are NULL, not the type's default.
        Dialect::Clickhouse => "\nSETTINGS join_use_nulls = 1",
        _ => "",
    };
    format!(
        "{create}
WITH calls AS (
    SELECT
        {calls}
    FROM tokencost_calls c
),
given AS (
    SELECT calls.*, COALESCE(p.provider, '') AS given_provider,
        CASE WHEN calls.logged_name LIKE '%/%' THEN {prefix} END AS name_prefix
    FROM calls LEFT JOIN tokencost_providers p ON p.provider = calls.provider_key
),
stated AS (
    SELECT g.*,
        CASE WHEN rt.provider IS NOT NULL AND (g.given_provider = '' OR g.given_provider = rt.provider)
            THEN rt.provider ELSE g.given_provider END AS stated_provider,
        CASE WHEN rt.provider IS NOT NULL AND (g.given_provider = '' OR g.given_provider = rt.provider)
            THEN {rest} ELSE g.logged_name END AS name_key
    FROM given g LEFT JOIN tokencost_routes rt ON rt.prefix = g.name_prefix
),
names AS (
    SELECT DISTINCT stated_provider, name_key FROM stated WHERE name_key IS NOT NULL
),
exact AS (
    SELECT n.stated_provider, n.name_key, x.model_key, x.unpriced_reason, 0 AS how
    FROM names n JOIN tokencost_names x ON x.stated_provider = n.stated_provider AND x.name = n.name_key
),
matched AS (
    SELECT n.stated_provider, n.name_key, p.model_key,
        CASE WHEN n.stated_provider = '' AND p.platform THEN 1 ELSE 0 END AS scope_rank, p.literal_chars
    FROM names n CROSS JOIN tokencost_patterns p
    WHERE (n.stated_provider = '' OR p.provider = n.stated_provider)
        AND n.name_key NOT LIKE '%/%' AND n.name_key NOT LIKE '%@%' AND n.name_key NOT LIKE '%:%'
        AND {matches}
),
ranked AS (
    SELECT stated_provider, name_key, model_key,
        dense_rank() OVER (PARTITION BY stated_provider, name_key ORDER BY scope_rank, literal_chars DESC) AS r
    FROM matched
),
best AS (
    SELECT stated_provider, name_key, min(model_key) AS best_model, count(DISTINCT model_key) AS hits
    FROM ranked WHERE r = 1 GROUP BY stated_provider, name_key
),
candidates AS (
    SELECT stated_provider, name_key, model_key, unpriced_reason, how FROM exact
    UNION ALL
    SELECT stated_provider, name_key, CASE WHEN hits = 1 THEN best_model END,
        CASE WHEN hits > 1 THEN 'ambiguous: several patterns match equally' END, 1
    FROM best
),
resolved AS (
    SELECT stated_provider, name_key, model_key, unpriced_reason FROM (
        SELECT stated_provider, name_key, model_key, unpriced_reason,
            row_number() OVER (PARTITION BY stated_provider, name_key ORDER BY how) AS pick
        FROM candidates
    ) t WHERE pick = 1
),
with_model AS (
    SELECT s.*, r.model_key AS model_key,
        CASE WHEN r.model_key IS NULL THEN COALESCE(r.unpriced_reason, 'unknown') END AS unpriced_reason
    FROM stated s LEFT JOIN resolved r ON r.stated_provider = s.stated_provider AND r.name_key = s.name_key
),
priced AS (
    SELECT w.*, p.price_as_of, p.prompt_above,
        {cost_cast_open}{cost}{cost_cast_close} AS cost_usd
    FROM with_model w JOIN tokencost_prices p ON p.model_key = w.model_key AND p.tier = w.billed_tier
    WHERE ((w.call_day IS NULL AND p.newest)
            OR (w.call_day IS NOT NULL AND (p.from_day IS NULL OR w.call_day >= p.from_day)
                AND (p.until_day IS NULL OR w.call_day < p.until_day)))
        AND {prompt} > COALESCE(p.prompt_above, -1)
        AND (p.prompt_upto IS NULL OR {prompt} <= p.prompt_upto)
)
SELECT {kept_w},
    m.provider AS resolved_provider, m.model AS resolved_model, w.price_as_of, w.billed_tier,
    w.prompt_above AS long_context_above, w.cost_usd,
    {mlow_open}{mlow}{mlow_close} AS marginal_cost_usd_low,
    {mlow_open}{mhigh}{mlow_close} AS marginal_cost_usd_high,
    e.method AS marginal_method, e.basis AS marginal_basis, {null_text} AS unpriced_reason
FROM priced w JOIN tokencost_models m ON m.model_key = w.model_key
    LEFT JOIN tokencost_estimates e ON e.estimate = m.marginal_estimate
UNION ALL
SELECT {kept_w},
    {null_text}, {null_text}, {null_text}, w.billed_tier, {null_int}, {null_money}, {null_marginal}, {null_marginal},
    {null_text}, {null_text}, w.unpriced_reason
FROM with_model w WHERE w.model_key IS NULL{settings};",
        calls = calls.join(",\n        "),
        matches = d.matches("n.name_key", "p.regex"),
        prefix = d.prefix("calls.logged_name"),
        rest = d.rest("g.logged_name", "g.name_prefix"),
        cost_cast_open = cast_open(d),
        cost_cast_close = cast_close(d, rate_scale),
        mlow_open = cast_open(d),
        mlow = marginal("low"),
        mhigh = marginal("high"),
        mlow_close = cast_close(d, marginal_scale),
        null_text = null_as(&text),
        null_int = null_as(&int),
        null_money = null_as(&money),
        null_marginal = null_as(&marginal_money),
    )
}

fn cast_open(d: Dialect) -> &'static str {
    match d {
        Dialect::Clickhouse => "toDecimal128(",
        _ => "CAST(",
    }
}

fn cast_close(d: Dialect, scale: u32) -> String {
    match d {
        Dialect::Clickhouse => format!(", {scale})"),
        Dialect::Postgres => format!(" AS NUMERIC(38, {scale}))"),
        _ => format!(" AS DECIMAL(38, {scale}))"),
    }
}
