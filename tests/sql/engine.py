"""Runs a script of `tokencost sql` in one engine over a `--by call` CSV export, and prints what it priced.

usage: engine.py duckdb|clickhouse|spark SCRIPT CSV

The CSV is loaded with the engine's own type inference (numbers, booleans and timestamps as the reader guesses
them), then the script runs split on lines ending in `;`, as any client may split it. Printed, as one JSON
document: the sum of cost_usd as text, the number of rows, and per row the call, the resolved model, the price row
and tier, the cost as text (null when unpriced) and the marginal costs as text.
"""

import json
import os
import sys
import time

os.environ["TZ"] = "UTC"


def statements(script):
    """The script's statements: each ends with `;` at the end of a line, and no other line does."""
    out, cur = [], []
    for line in script.splitlines():
        cur.append(line)
        if line.endswith(";"):
            body = "\n".join(l for l in cur if not l.startswith("--")).strip()
            out.append(body[:-1])
            cur = []
    rest = "\n".join(l for l in cur if not l.startswith("--")).strip()
    if rest:
        raise SystemExit(f"text after the last statement: {rest[:80]!r}")
    return out


QUERY_ROWS = (
    "SELECT {s}({call}) AS k, {s}(resolved_model) AS m, {s}(price_as_of) AS a, {s}(billed_tier) AS t, "
    "{s}(cost_usd) AS c, {s}(marginal_cost_usd_low) AS lo, {s}(marginal_cost_usd_high) AS hi, "
    "{s}(unpriced_reason) AS why FROM tokencost_result ORDER BY {call}"
)
QUERY_TOTAL = "SELECT {s}(sum(cost_usd)) AS total, {s}(sum(marginal_cost_usd_low)), {s}(sum(marginal_cost_usd_high)), count(*) FROM tokencost_result"


def text(v):
    return None if v is None else str(v)


def run_duckdb(script, csv):
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"CREATE TABLE tokencost_calls AS SELECT * FROM read_csv('{csv}', header = true)")
    for s in statements(script):
        con.execute(s)
    con.execute("CREATE TEMP TABLE tokencost_result AS SELECT * FROM tokencost_call_costs")
    def q(sql):
        return con.execute(sql.format(s="", call='"call"')).fetchall()

    return q(QUERY_ROWS), q(QUERY_TOTAL)


def run_clickhouse(script, csv):
    from chdb import session

    sess = session.Session()
    sess.query("SET session_timezone = 'UTC'")
    sess.query(
        f"CREATE TABLE tokencost_calls ENGINE = MergeTree ORDER BY tuple() AS "
        f"SELECT * FROM file('{csv}', CSVWithNames)"
    )
    for s in statements(script):
        sess.query(s)
    sess.query("CREATE TABLE tokencost_result ENGINE = Memory AS SELECT * FROM tokencost_call_costs")

    def q(sql):
        res = sess.query(sql.format(s="toString", call="`call`") + " FORMAT JSONCompact")
        return [tuple(r) for r in json.loads(res.bytes())["data"]]

    return q(QUERY_ROWS), q(QUERY_TOTAL)


def run_spark(script, csv):
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[1]")
        .appName("tokencost-sql")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.read.csv(csv, header=True, inferSchema=True).createOrReplaceTempView("tokencost_calls")
    for s in statements(script):
        spark.sql(s)
    spark.sql("CACHE TABLE tokencost_result AS SELECT * FROM tokencost_call_costs")

    def q(sql):
        return [tuple(r) for r in spark.sql(sql.format(s="string", call="`call`")).collect()]

    return q(QUERY_ROWS), q(QUERY_TOTAL)


def main():
    engine, script_path, csv = sys.argv[1:4]
    with open(script_path, encoding="utf-8") as f:
        script = f.read()
    started = time.time()
    rows, total = {"duckdb": run_duckdb, "clickhouse": run_clickhouse, "spark": run_spark}[engine](
        script, os.path.abspath(csv)
    )
    keys = ["call", "resolved_model", "price_as_of", "billed_tier", "cost_usd", "marginal_low", "marginal_high", "unpriced_reason"]
    t = total[0]
    doc = {
        "engine": engine,
        "seconds": round(time.time() - started, 1),
        "total": text(t[0]),
        "marginal_low": text(t[1]),
        "marginal_high": text(t[2]),
        "rows": int(t[3]),
        "calls": [dict(zip(keys, map(text, r))) for r in rows],
    }
    json.dump(doc, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
