//! Gemini CLI, OpenCode and headless Codex CLI logs, end to end, with every bill worked out by hand below from the
//! bundled prices (USD per 1M tokens); the fixtures were written from the formats' documented shapes.
//!
//! Gemini CLI (fixtures/agents/home/.gemini/tmp/<project>/chats/): gemini-2.5-pro bills 1.25 input, 0.125
//! cached input, 10 output; gemini-2.5-flash 0.30, 0.03, 2.50. `tokens.input` includes `cached`; `thoughts` bill
//! as output, `tool` as input.
//! - session-...-1a2b3c4d.json, one pretty-printed document, in an older Gemini CLI's folder named by the project
//!   hash 3f6a..., which nothing maps to a path: g-a1 on pro, input 10,000 (6,000
//!   cached), output 400, thoughts 100: 4,000 x 1.25 + 6,000 x 0.125 + 500 x 10 = 5,000 + 750 + 5,000 = 10,750;
//!   g-a2 has tool calls and no tokens: no call; g-a3 on flash, 2,000 in, 100 out: 600 + 250 = 850. 11,600.
//! - session-...-5f6e7d8c.jsonl, in tmp/tokencost/ (a newer Gemini CLI's folder, its `.project_root` naming
//!   /home/dev/code/tokencost, whose SHA-256 is the recording's projectHash c242188d58ab...): g-b1 is written three times (no tokens yet; output 900; output
//!   250) and once more inside a `$set` of the whole message list: the last copy wins, input 5,000 (3,000
//!   cached), output 250, thoughts 300, tool 50: (2,000 + 50) x 0.30 + 3,000 x 0.03 + 550 x 2.50 = 615 + 90 +
//!   1,375 = 2,080 (the output-900 copy would make it 3,705); g-b2 (1,000 in, 40 out on flash) is rewound away
//!   afterwards, but was paid for: 300 + 100 = 400. 2,480.
//!
//! Gemini CLI: 4 calls, 14,080; fresh input 4,000 + 2,000 + 2,050 + 1,000 = 9,050, cached 9,000, output 500 + 100
//! + 550 + 40 = 1,190.
//!
//! Gemini CLI telemetry (fixtures/agents/gemini_telemetry.json, records pretty-printed one after another): two
//! `gemini_cli.api_response` events, pro with 3,000 in (1,000 cached), 200 out, 50 thoughts: 2,000 x 1.25 + 1,000
//! x 0.125 + 250 x 10 = 2,500 + 125 + 2,500 = 5,125; flash with 800 in, 20 out, 10 tool: 810 x 0.30 + 20 x 2.50
//! = 243 + 50 = 293. 5,418. The semantic `gen_ai` copy of the first response and the other records bill nothing.
//!
//! OpenCode: claude-sonnet-4-5 bills 3 input, 0.30 cache read, 3.75 cache write, 15 output; gpt-5 1.25, 0.125,
//! 10; claude-haiku-4-5 1 input, 5 output. Buckets are disjoint; reasoning bills as output. A message is billed
//! the sum of its `step-finish` parts (its own `tokens` are its last step's only), or its own counts without any.
//! - the database (built from fixtures/agents/opencode.sql), session ses_...AAAA (root /home/dev/code/tokencost):
//!   A1 on sonnet took two steps: 2,000 in, 4,000 cache write, 100 out: 6,000 + 15,000 + 1,500 = 22,500; then
//!   1,000 in, 20,000 cache read, 2,000 cache write, 300 out (the message's own counts): 3,000 + 6,000 + 7,500 +
//!   4,500 = 21,000; A1 = 43,500 (21,000 if the message's counts were billed). `cost` 0 throughout. A2 on gpt-5,
//!   one step, 4,000 in, 8,000 cache read, 500 out + 200 reasoning: 5,000 + 1,000 + 7,000 = 13,000; its `cost`
//!   0.0123 is OpenCode's own figure, shown as the reported cost beside the list price 0.013 (reported - list =
//!   -0.0007), never billed. A3 aborted with no tokens: no call. Its fork ses_...FFFF copies A1 and its two
//!   parts under new ids (counted once, in the original session) and adds F2 on haiku, no parts, 2,000 in, 100
//!   out: 2,000 + 500 = 2,500. A text part whose text mentions step-finish is no step.
//! - the legacy store: a copy of A2 without parts (counted once), and session ses_...Legacy... (root
//!   /home/dev/code/notes): one gpt-5 message of two steps in storage/part/<messageID>/: 3,000 in, 50 out = 3,750
//!   + 500 = 4,250; 1,000 in, 100 out (its own counts) = 1,250 + 1,000 = 2,250; 6,500.
//!
//! OpenCode: 4 calls, 43,500 + 13,000 + 2,500 + 6,500 = 65,500; fresh input 3,000 + 4,000 + 2,000 + 4,000 =
//! 13,000, cache read 20,000 + 8,000 = 28,000, cache write 4,000 + 2,000 = 6,000, output 400 + 700 + 100 + 150 =
//! 1,350. The database alone: 43,500 + 13,000 + 2,500 = 59,000.
//!
//! Codex CLI `exec --json` (fixtures/agents/codex_exec.jsonl): thread ...e0001 ran twice into one file; its
//! `turn.completed` totals are 12,000 in (4,000 cached), 600 out, then 30,000 in (20,000 cached), 1,000 out, the
//! second written twice: the thread is billed its last total, 10,000 fresh, 20,000 cached, 1,000 out; thread
//! ...e0002: 1,000 in, 50 out; thread ...e0003 failed with no usage. The stream names no model: 2 calls, unpriced,
//! 11,000 fresh, 20,000 cached, 1,050 out. On gpt-5: 12,500 + 2,500 + 10,000 + 1,250 + 500 = 26,750.
//!
//! Every fixture's text holds MARKER, which no output may show.

mod common;
use common::{close, keys};
use serde_json::Value;
use std::path::{Path, PathBuf};

const HOME: &str = "fixtures/agents/home";
const GEMINI: &str = "fixtures/agents/home/.gemini";
const MARKER: &str = "PROMPT-MARKER";

fn abs(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// `analyze ARGS --format json`: the report and stderr, after checking the exit code.
fn run(args: &[&str], code: i32) -> (Value, String) {
    let out = common::tokencost()
        .arg("analyze")
        .args(args)
        .args(["--format", "json"])
        .assert()
        .code(code);
    let out = out.get_output();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stdout.contains(MARKER) && !stderr.contains(MARKER),
        "{stdout}\n{stderr}"
    );
    (serde_json::from_str(&stdout).unwrap(), stderr)
}

fn group<'a>(r: &'a Value, key: &str) -> &'a Value {
    r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == key)
        .unwrap_or_else(|| panic!("no group {key} in {r}"))
}

/// The OpenCode database built from its SQL text, at `path`.
fn opencode_db(path: &Path, sql: &str) {
    let db = rusqlite::Connection::open(path).unwrap();
    db.execute_batch(sql).unwrap();
}

fn fixture_sql() -> String {
    std::fs::read_to_string(abs("fixtures/agents/opencode.sql")).unwrap()
}

#[test]
fn gemini_cli_recordings_bill_the_last_copy_of_each_reply() {
    let (r, err) = run(&[GEMINI], 0);
    let t = &r["totals"];
    close(&t["cost_usd"], 14_080.0 / 1e6);
    assert_eq!(t["calls"], 4);
    assert_eq!(t["input_tokens"], 9_050);
    assert_eq!(t["cached_input_tokens"], 9_000);
    assert_eq!(t["output_tokens"], 1_190);
    // g-b1's three other copies, counted once.
    assert_eq!(r["summary"]["duplicate_lines"], 2);
    assert_eq!(r["summary"]["skipped_lines"], 0, "{err}");
    let (s, _) = run(&[GEMINI, "--by", "session"], 0);
    close(
        &group(&s, "1a2b3c4d-0000-4000-8000-00000000a001")["cost_usd"],
        11_600.0 / 1e6,
    );
    close(
        &group(&s, "5f6e7d8c-0000-4000-8000-00000000b001")["cost_usd"],
        2_480.0 / 1e6,
    );
    let (m, _) = run(&[GEMINI, "--by", "model"], 0);
    close(&group(&m, "google/gemini-2.5-pro")["cost_usd"], 10_750.0 / 1e6);
    close(&group(&m, "google/gemini-2.5-flash")["cost_usd"], 3_330.0 / 1e6);
    // The project is the directory the folder's `.project_root` names, else the hash, short and said to be one.
    let (p, _) = run(&[GEMINI, "--by", "project"], 0);
    assert_eq!(keys(&p), ["hash 3f6a0c2e9b1d", "tokencost"]);
    close(&group(&p, "tokencost")["cost_usd"], 2_480.0 / 1e6);
    close(&group(&p, "hash 3f6a0c2e9b1d")["cost_usd"], 11_600.0 / 1e6);
}

/// Without a `.project_root`, the folder's entry in `projects.json` names the directory; with neither, the hash.
#[test]
fn a_gemini_project_is_named_by_its_registry_entry_or_else_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let gemini = dir.path().join(".gemini");
    copy_tree(&abs(GEMINI), &gemini);
    std::fs::remove_file(gemini.join("tmp/tokencost/.project_root")).unwrap();
    let chats = gemini.join("tmp/tokencost/chats");
    let (p, _) = run(&[chats.to_str().unwrap(), "--by", "project"], 0);
    assert_eq!(keys(&p), ["hash c242188d58ab"]);
    std::fs::write(
        gemini.join("projects.json"),
        r#"{"projects": {"/home/dev/code/tokencost": "tokencost", "/home/dev/old/site": "site"}}"#,
    )
    .unwrap();
    let (p, _) = run(&[chats.to_str().unwrap(), "--by", "project"], 0);
    assert_eq!(keys(&p), ["tokencost"]);
}

#[test]
fn gemini_cli_telemetry_bills_each_api_response_once() {
    let (r, _) = run(&["fixtures/agents/gemini_telemetry.json"], 0);
    close(&r["totals"]["cost_usd"], 5_418.0 / 1e6);
    assert_eq!(r["totals"]["calls"], 2);
    assert_eq!(r["summary"]["lines_by_format"]["gemini-cli-telemetry"], 7);
    assert_eq!(r["summary"]["skipped_lines"], 0);
    let (s, _) = run(&["fixtures/agents/gemini_telemetry.json", "--by", "session"], 0);
    assert_eq!(keys(&s), ["7c7c7c7c-0000-4000-8000-00000000c001"]);
}

/// A pretty-printed document's problem is reported at the line of the file where its value began.
#[test]
fn a_document_is_reported_at_its_own_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session-x.json");
    // Line 1 opens a record that is fine; line 9 opens one whose token count is text.
    let text = "{\n  \"sessionId\": \"s1\",\n  \"projectHash\": \"h\",\n  \"messages\": []\n}\n\n\n\n{\n  \"id\": \"g1\",\n  \
                \"timestamp\": \"2026-03-10T09:00:00Z\",\n  \"type\": \"gemini\",\n  \"model\": \"gemini-2.5-pro\",\n  \
                \"tokens\": {\"input\": \"many\"}\n}\n";
    std::fs::write(&path, text).unwrap();
    let (r, err) = run(&[path.to_str().unwrap()], 0);
    assert!(
        err.contains("session-x.json:9: `input` must be a whole number"),
        "{err}"
    );
    assert_eq!(r["summary"]["skipped_lines"], 1);
    assert_eq!(r["summary"]["lines"], 15);
}

#[test]
fn codex_exec_streams_bill_each_thread_once_and_are_never_a_silent_zero() {
    let (r, err) = run(&["fixtures/agents/codex_exec.jsonl"], 0);
    assert_eq!(r["totals"]["calls"], 0);
    let unpriced = &r["unpriced"][0];
    assert_eq!(unpriced["model"], "codex-exec (model not in the log)");
    assert_eq!(unpriced["calls"], 2);
    assert_eq!(unpriced["input_tokens"], 11_000);
    assert_eq!(unpriced["cached_input_tokens"], 20_000);
    assert_eq!(unpriced["output_tokens"], 1_050);
    assert!(
        err.contains("no price for model `codex-exec (model not in the log)`"),
        "{err}"
    );
    assert_eq!(r["summary"]["skipped_lines"], 0);
    run(&["fixtures/agents/codex_exec.jsonl", "--strict"], 3);
    // Priced on the model it ran on.
    let out = common::tokencost()
        .args([
            "compare",
            "fixtures/agents/codex_exec.jsonl",
            "--models",
            "gpt-5",
            "--format",
            "json",
        ])
        .assert()
        .success();
    let rows: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let gpt5 = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["model"] == "openai/gpt-5")
        .unwrap();
    close(&gpt5["cost_usd"], 26_750.0 / 1e6);
    assert_eq!(gpt5["calls"], 2);
}

/// The database and the legacy store together, as OpenCode leaves them after moving to the database.
fn opencode_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let oc = dir.path().join("opencode");
    copy_tree(&abs(HOME).join(".local/share/opencode"), &oc);
    opencode_db(&oc.join("opencode.db"), &fixture_sql());
    (dir, oc)
}

#[test]
fn opencode_prices_tokens_and_counts_forks_and_copies_once() {
    let (_dir, oc) = opencode_dir();
    let (r, err) = run(&[oc.to_str().unwrap()], 0);
    let t = &r["totals"];
    close(&t["cost_usd"], 65_500.0 / 1e6);
    assert_eq!(t["calls"], 4);
    assert_eq!(t["input_tokens"], 3_000 + 4_000 + 2_000 + 4_000);
    assert_eq!(t["cached_input_tokens"], 28_000);
    assert_eq!(t["cache_write_tokens"], 6_000);
    assert_eq!(t["output_tokens"], 400 + 700 + 100 + 150);
    // OpenCode's own cost of A2 beside its list price; the zeros of the other messages are no stated cost.
    close(&t["reported_cost_usd"], 0.0123);
    close(&t["reported_minus_list_usd"], 0.0123 - 0.013);
    assert_eq!(t["reported_cost_calls"], 1);
    assert_eq!(r["summary"]["skipped_lines"], 0, "{err}");
    let (s, _) = run(&[oc.to_str().unwrap(), "--by", "session"], 0);
    close(&group(&s, "ses_7ffffffffffeOriginalAAAA")["cost_usd"], 56_500.0 / 1e6);
    assert_eq!(group(&s, "ses_7ffffffffffeOriginalAAAA")["calls"], 2);
    close(&group(&s, "ses_7ffffffffffdForkFFFFFFFF")["cost_usd"], 2_500.0 / 1e6);
    close(&group(&s, "ses_7fffffffffffLegacySession")["cost_usd"], 6_500.0 / 1e6);
    let (p, _) = run(&[oc.to_str().unwrap(), "--by", "project"], 0);
    assert_eq!(keys(&p), ["tokencost", "notes"]);
    // The database alone.
    let (d, _) = run(&[oc.join("opencode.db").to_str().unwrap()], 0);
    close(&d["totals"]["cost_usd"], 59_000.0 / 1e6);
    assert_eq!(d["summary"]["lines_by_format"]["opencode"], 7);
    // One legacy message file, named alone, is still read with its parts.
    let msg = oc.join("storage/message/ses_7fffffffffffLegacySession/msg_0197a0000002Ab2Assistant1.json");
    let (l, _) = run(&[msg.to_str().unwrap()], 0);
    close(&l["totals"]["cost_usd"], 6_500.0 / 1e6);
    assert_eq!(l["totals"]["input_tokens"], 4_000);
}

/// Without step parts (a database from before the `part` table, a store whose parts are gone) a message is billed
/// its own counts: A1 21,000 instead of 43,500, so the database is 59,000 - 22,500 = 36,500, and the legacy message
/// 2,250. A copy with its steps read wins over one without: the store's A2 (no parts) beside the database's A2 (one
/// part) is one call either way.
#[test]
fn opencode_messages_without_step_parts_bill_their_own_counts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("opencode.db");
    opencode_db(&db, &(fixture_sql() + "DROP TABLE part;"));
    let (r, err) = run(&[db.to_str().unwrap()], 0);
    close(&r["totals"]["cost_usd"], 36_500.0 / 1e6);
    assert_eq!(r["summary"]["skipped_lines"], 0, "{err}");
    let (_keep, oc) = opencode_dir();
    std::fs::remove_dir_all(oc.join("storage/part")).unwrap();
    let msg = oc.join("storage/message/ses_7fffffffffffLegacySession/msg_0197a0000002Ab2Assistant1.json");
    let (l, _) = run(&[msg.to_str().unwrap()], 0);
    close(&l["totals"]["cost_usd"], 2_250.0 / 1e6);
    // The store (A2 without parts, the legacy message now without) and the database with its parts: 59,000 +
    // 2,250.
    let (both, _) = run(&[oc.to_str().unwrap()], 0);
    close(&both["totals"]["cost_usd"], 61_250.0 / 1e6);
    assert_eq!(both["totals"]["calls"], 4);
}

#[test]
fn an_empty_opencode_database_holds_no_call_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("opencode.db");
    let schema: String = fixture_sql()
        .lines()
        .filter(|l| !l.starts_with("INSERT"))
        .collect::<Vec<_>>()
        .join("\n");
    opencode_db(&db, &schema);
    let (r, err) = run(&[db.to_str().unwrap()], 0);
    assert_eq!(r["totals"]["calls"], 0);
    assert!(
        err.contains("opencode.db: a database without any message yet: no calls"),
        "{err}"
    );
    // A database that is not OpenCode's is an input that could not be read.
    let other = dir.path().join("opencode-other.db");
    opencode_db(&other, "CREATE TABLE t (x INTEGER);");
    let (_, err) = run(&[other.to_str().unwrap()], 2);
    assert!(
        err.contains("opencode-other.db: cannot read: a SQLite database without a `message` table"),
        "{err}"
    );
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// The fixture home with OpenCode's database built in it.
fn full_home() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    copy_tree(&abs(HOME), home.path());
    opencode_db(&home.path().join(".local/share/opencode/opencode.db"), &fixture_sql());
    home
}

fn at_home(home: &Path) -> assert_cmd::Command {
    let mut c = common::tokencost();
    c.env("HOME", home);
    for var in ["CLAUDE_CONFIG_DIR", "CODEX_HOME", "GEMINI_CLI_HOME", "XDG_DATA_HOME"] {
        c.env_remove(var);
    }
    c
}

// Claude Code 5,250 and Codex CLI 51,000 (tests/agents.rs), Gemini CLI 14,080 and OpenCode 65,500 (above).
const ALL_FOUR: f64 = 5_250.0 + 51_000.0 + 14_080.0 + 65_500.0;

#[test]
fn every_agent_under_home_is_priced_together_and_no_prompt_is_shown() {
    let home = full_home();
    for format in ["json", "table", "csv", "markdown", "html"] {
        for by in ["model", "session", "project", "call"] {
            let out = at_home(home.path())
                .args(["analyze", "--format", format, "--by", by])
                .assert()
                .success();
            let out = out.get_output();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(!text.contains(MARKER), "{format} by {by}: {text}");
        }
    }
    let out = at_home(home.path())
        .args(["analyze", "--format", "json"])
        .assert()
        .success();
    let out = out.get_output();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    close(&r["totals"]["cost_usd"], ALL_FOUR / 1e6);
    assert_eq!(r["totals"]["calls"], 2 + 4 + 4 + 4);
    assert_eq!(r["summary"]["skipped_lines"], 0, "{err}");
    assert!(
        err.contains(
            "reading coding agent logs: Claude Code: 1 file, Codex CLI: 3 files, Gemini CLI: 2 files, OpenCode: 4 files"
        ),
        "{err}"
    );
    // By project, across the agents: tokencost is Claude Code's 3,600 + 1,650 = 5,250 (2 calls), Codex CLI's
    // 17,500 + 17,750 + 9,750 = 45,000 (3; tests/agents.rs), Gemini CLI's 2,480 (2) and OpenCode's 43,500 + 13,000 +
    // 2,500 = 59,000 (3): 111,730 in 10 calls; Codex CLI's site 6,000; OpenCode's notes 6,500; the Gemini CLI
    // project known only by its hash 11,600. 111,730 + 6,000 + 6,500 + 11,600 = 135,830, all four.
    let out = at_home(home.path())
        .args(["analyze", "--format", "json", "--by", "project"])
        .assert()
        .success();
    let p: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let mut projects = keys(&p);
    projects.sort_unstable();
    assert_eq!(projects, ["hash 3f6a0c2e9b1d", "notes", "site", "tokencost"]);
    for (project, calls, want) in [
        ("tokencost", 10, 111_730.0),
        ("site", 1, 6_000.0),
        ("notes", 1, 6_500.0),
        ("hash 3f6a0c2e9b1d", 2, 11_600.0),
    ] {
        close(&group(&p, project)["cost_usd"], want / 1e6);
        assert_eq!(group(&p, project)["calls"], calls);
    }
    // Each session shows the project it ran in, named as --by project names it.
    let out = at_home(home.path())
        .args(["analyze", "--format", "json", "--by", "session"])
        .assert()
        .success();
    let s: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    for (session, project) in [
        ("019cc786-6680-7000-8000-000000000a00", "tokencost"),
        ("019cd4ef-a0c0-7000-8000-000000000c00", "site"),
        ("5d1f2e3c-4b5a-4968-8776-a5b4c3d2e1f0", "tokencost"),
        ("1a2b3c4d-0000-4000-8000-00000000a001", "hash 3f6a0c2e9b1d"),
        ("5f6e7d8c-0000-4000-8000-00000000b001", "tokencost"),
        ("ses_7ffffffffffeOriginalAAAA", "tokencost"),
        ("ses_7fffffffffffLegacySession", "notes"),
    ] {
        assert_eq!(group(&s, session)["project"], project, "{session}");
    }
    assert!(s["totals"].get("project").is_none());
    let out = at_home(home.path())
        .args(["analyze", "--format", "csv", "--by", "session", "--source", "opencode"])
        .assert()
        .success();
    let csv = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(csv.starts_with("session,project,calls,"), "{csv}");
    assert!(csv.contains("\nses_7fffffffffffLegacySession,notes,1,"), "{csv}");
    for (source, want) in [
        ("gemini", 14_080.0),
        ("opencode", 65_500.0),
        ("gemini,opencode", 14_080.0 + 65_500.0),
        ("claude,codex,gemini,opencode", ALL_FOUR),
    ] {
        let out = at_home(home.path())
            .args(["analyze", "--source", source, "--format", "json"])
            .assert()
            .success();
        let r: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        close(&r["totals"]["cost_usd"], want / 1e6);
    }
}

#[test]
fn gemini_cli_home_and_xdg_data_home_move_the_folders() {
    let home = full_home();
    let elsewhere = tempfile::tempdir().unwrap();
    let out = at_home(elsewhere.path())
        .env("GEMINI_CLI_HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join(".local/share"))
        .args(["analyze", "--format", "json"])
        .assert()
        .success();
    let r: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    close(&r["totals"]["cost_usd"], (14_080.0 + 65_500.0) / 1e6);
    let err = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(err.contains("Gemini CLI: 2 files, OpenCode: 4 files"), "{err}");
}

fn touch(path: &Path, rfc3339: &str) {
    let t: std::time::SystemTime = chrono::DateTime::parse_from_rfc3339(rfc3339).unwrap().into();
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(t)
        .unwrap();
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// With --since, Gemini CLI and OpenCode logs last written before the window are not read. The Gemini document
/// (last written 2026-03-10T09:01) is left unread, the JSONL recording (2026-03-11) read: 2,480. The legacy
/// OpenCode files (written 2026-03-09) are left unread; the database was last written on 2026-03-14 (its F2), and is read
/// whole: 59,000 (its calls before the window are then filtered by their own times: A1 and A2 on 2026-03-13 are
/// in the window from 2026-03-11).
#[test]
fn since_leaves_older_gemini_and_opencode_logs_unread() {
    let home = full_home();
    for f in files(&home.path().join(".gemini")) {
        let when = if f.extension().is_some_and(|e| e == "json") {
            "2026-03-10T09:01:10Z"
        } else {
            "2026-03-11T14:02:00Z"
        };
        touch(&f, when);
    }
    let oc = home.path().join(".local/share/opencode");
    for f in files(&oc.join("storage")) {
        touch(&f, "2026-03-09T10:00:00Z");
    }
    touch(&oc.join("opencode.db"), "2026-03-14T11:00:05Z");
    let out = at_home(home.path())
        .args([
            "analyze",
            "--source",
            "gemini,opencode",
            "--since",
            "2026-03-11",
            "--format",
            "json",
        ])
        .assert()
        .success();
    let r: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let err = String::from_utf8_lossy(&out.get_output().stderr);
    close(&r["totals"]["cost_usd"], (2_480.0 + 59_000.0) / 1e6);
    assert_eq!(r["summary"]["files"], 2);
    assert!(err.contains("4 files older than --since left unread"), "{err}");
}
