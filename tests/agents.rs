//! Coding agents' own logs, end to end: each agent's fixtures under fixtures/agents/home (laid out as in a user's
//! home) with the bill worked out by hand below from the bundled prices (USD per 1M tokens).
//!
//! Codex CLI (.codex/): gpt-5 and gpt-5-codex bill 1.25 input, 0.125 cached input, 10 output.
//! - sessions/2026/03/07/rollout-...-a00.jsonl, session ...a00, cwd /home/dev/code/tokencost, branch main:
//!   a rate-limit-only event (info null): no call; total 10,000 in (0 cached), 500 out (200 of it reasoning):
//!   call 1 on gpt-5 = 10,000 x 1.25 + 500 x 10 = 17,500; the same event again: the total did not grow, no call;
//!   turn_context names gpt-5-codex; total 25,000 in (8,000 cached, 2,000 cache writes), 1,300 out: call 2 added
//!   15,000 in of which 8,000 cached: 7,000 fresh (the writes are fresh input, OpenAI bills them at the input
//!   rate) x 1.25 + 8,000 x 0.125 + 800 x 10 = 8,750 + 1,000 + 8,000 = 17,750.
//! - sessions/2026/03/07/rollout-...-b00.jsonl, a fork of a00 (branch feature-x): it replays a00's meta, turns
//!   and both usage events (a00's calls, not billed again), then its own turn (a turn id made after the fork's
//!   own id) on gpt-5: total 37,000 in (18,000 cached), 1,900 out: it added 12,000 in, 10,000 of it cached, and
//!   600 out = 2,000 x 1.25 + 10,000 x 0.125 + 600 x 10 = 2,500 + 1,250 + 6,000 = 9,750.
//! - archived_sessions/rollout-...-c00.jsonl.zst (zstd), a sub-agent spawned by a00 (no fork: it starts from
//!   nothing), cwd /home/dev/code/site, 2026-03-09T23:30Z: 4,000 in, 100 out on gpt-5 = 5,000 + 1,000 = 6,000.
//!
//! Codex: 4 calls, 17,500 + 17,750 + 9,750 + 6,000 = 51,000 per 1M = $0.051; fresh input 10,000 + 7,000 + 2,000
//! + 4,000 = 23,000, cached 8,000 + 10,000 = 18,000, output 500 + 800 + 600 + 100 = 2,000.

mod common;
use common::{close, keys};
use serde_json::Value;
use std::path::{Path, PathBuf};

const HOME: &str = "fixtures/agents/home";
const CODEX: &str = "fixtures/agents/home/.codex";

fn json(args: &[&str]) -> Value {
    let out = common::tokencost()
        .arg("analyze")
        .args(args)
        .args(["--format", "json"])
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

fn group<'a>(r: &'a Value, key: &str) -> &'a Value {
    r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == key)
        .unwrap_or_else(|| panic!("no group {key} in {r}"))
}

#[test]
fn codex_rollouts_bill_what_each_running_total_added() {
    let r = json(&[CODEX]);
    let t = &r["totals"];
    close(&t["cost_usd"], 51_000.0 / 1e6);
    assert_eq!(t["calls"], 4);
    assert_eq!(t["input_tokens"], 23_000);
    assert_eq!(t["cached_input_tokens"], 18_000);
    assert_eq!(t["output_tokens"], 2_000);
    assert_eq!(r["summary"]["files"], 3);
    assert_eq!(r["summary"]["skipped_lines"], 0);
    assert_eq!(r["summary"]["lines_by_format"]["codex"], 22);
    let by_model = json(&[CODEX, "--by", "model"]);
    close(
        &group(&by_model, "openai/gpt-5")["cost_usd"],
        (17_500.0 + 9_750.0 + 6_000.0) / 1e6,
    );
    close(&group(&by_model, "openai/gpt-5-codex")["cost_usd"], 17_750.0 / 1e6);
}

#[test]
fn a_codex_session_is_its_rollout_id_and_a_fork_bills_only_its_own_turns() {
    let r = json(&[CODEX, "--by", "session"]);
    let a = group(&r, "019cc786-6680-7000-8000-000000000a00");
    close(&a["cost_usd"], 35_250.0 / 1e6);
    assert_eq!(a["calls"], 2);
    let b = group(&r, "019cc7bd-5500-7000-8000-000000000b00");
    close(&b["cost_usd"], 9_750.0 / 1e6);
    assert_eq!(b["calls"], 1);
    let c = group(&r, "019cd4ef-a0c0-7000-8000-000000000c00");
    close(&c["cost_usd"], 6_000.0 / 1e6);
    assert_eq!(keys(&r).len(), 3);
}

#[test]
fn a_fork_read_alone_still_leaves_out_its_parents_calls() {
    let fork =
        format!("{CODEX}/sessions/2026/03/07/rollout-2026-03-07T10-00-00-019cc7bd-5500-7000-8000-000000000b00.jsonl");
    let r = json(&[&fork]);
    close(&r["totals"]["cost_usd"], 9_750.0 / 1e6);
    assert_eq!(r["totals"]["calls"], 1);
}

// Claude Code (.claude/projects/-home-dev-code-tokencost/5d1f...jsonl), claude-sonnet-4-5 at 3 input, 0.30 cached
// input, 15 output: msg_A01 on 2026-03-08T07:30Z, branch main: 100 x 3 + 1,000 x 0.30 + 200 x 15 = 3,600;
// msg_A02 on 2026-03-08T18:00Z, branch feature-x: 50 x 3 + 100 x 15 = 1,650. Claude Code: 5,250.
// fixtures/agents/alt-claude (a second Claude Code folder): msg_B01 on claude-haiku-4-5 (1 input, 5 output) on
// 2026-03-02T12:00Z: 1,000 x 1 + 100 x 5 = 1,500.
const CLAUDE: f64 = 5_250.0;
const CODEX_ALL: f64 = 51_000.0;
// Gemini CLI (tests/agent_logs.rs): 14,080 in 4 calls. OpenCode's legacy store (its database is built by the tests
// that need it): a gpt-5 message of two steps (its step-finish parts), 3,000 in, 50 out = 4,250 and 1,000 in, 100
// out = 2,250, so 6,500; and a message of the database, gpt-5 4,000 in, 8,000 cache read, 700 out = 13,000: 19,500
// in 2 calls.
const GEMINI: f64 = 14_080.0;
const OPENCODE_LEGACY: f64 = 19_500.0;

/// The binary with `home` as the home directory and no agent variable set.
fn at_home(home: &Path) -> assert_cmd::Command {
    let mut c = common::tokencost();
    c.env("HOME", home);
    for var in ["CLAUDE_CONFIG_DIR", "CODEX_HOME", "GEMINI_CLI_HOME", "XDG_DATA_HOME"] {
        c.env_remove(var);
    }
    c
}

fn run_json(mut c: assert_cmd::Command) -> (Value, String) {
    let out = c.args(["--format", "json"]).assert().success();
    let out = out.get_output();
    (
        serde_json::from_slice(&out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn abs(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

#[test]
fn with_no_path_every_agents_logs_under_home_are_read() {
    let mut c = at_home(&abs(HOME));
    c.arg("analyze");
    let (r, err) = run_json(c);
    close(
        &r["totals"]["cost_usd"],
        (CLAUDE + CODEX_ALL + GEMINI + OPENCODE_LEGACY) / 1e6,
    );
    assert_eq!(r["totals"]["calls"], 2 + 4 + 4 + 2);
    assert!(
        err.contains(
            "reading coding agent logs: Claude Code: 1 file, Codex CLI: 3 files, Gemini CLI: 2 files, OpenCode: 3 files"
        ),
        "{err}"
    );
    for (source, want) in [
        ("codex", CODEX_ALL),
        ("claude", CLAUDE),
        ("claude,codex", CLAUDE + CODEX_ALL),
    ] {
        let mut c = at_home(&abs(HOME));
        c.args(["analyze", "--source", source]);
        close(&run_json(c).0["totals"]["cost_usd"], want / 1e6);
    }
}

#[test]
fn claude_config_dir_and_codex_home_move_the_folders() {
    let list = format!(
        "{},{}",
        abs("fixtures/agents/alt-claude").display(),
        abs(HOME).join(".claude").display()
    );
    let mut c = at_home(&abs("fixtures/agents/nowhere"));
    c.env("CLAUDE_CONFIG_DIR", &list)
        .env("CODEX_HOME", abs(CODEX))
        .arg("analyze");
    let (r, err) = run_json(c);
    close(&r["totals"]["cost_usd"], (CLAUDE + 1_500.0 + CODEX_ALL) / 1e6);
    // Nothing of Gemini CLI's or OpenCode's under that home.
    assert!(err.contains("Claude Code: 2 files, Codex CLI: 3 files\n"), "{err}");
}

#[test]
fn no_logs_and_no_path_is_a_clear_failure() {
    let out = at_home(&abs("fixtures/agents/nowhere")).arg("analyze").assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("no coding agent logs found"), "{err}");
    assert!(err.contains("nowhere/.codex/sessions"), "{err}");
    // --source chooses among the agents' own folders, not among named paths.
    at_home(&abs(HOME))
        .args(["analyze", CODEX, "--source", "codex"])
        .assert()
        .code(2);
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

fn touch(path: &Path, rfc3339: &str) {
    let t: std::time::SystemTime = chrono::DateTime::parse_from_rfc3339(rfc3339).unwrap().into();
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(t)
        .unwrap();
}

/// With --since, a log last modified before the window is not read at all: rollouts a00 and b00 (written until
/// 2026-03-07T10:00) are left unread; the archived c00 (6,000) and the Claude Code session (5,250, both calls on
/// 2026-03-08 from 07:30 UTC) are read.
#[test]
fn since_leaves_older_files_unread() {
    let home = tempfile::tempdir().unwrap();
    copy_tree(&abs(HOME), home.path());
    let day = home.path().join(".codex/sessions/2026/03/07");
    for e in std::fs::read_dir(&day).unwrap() {
        touch(&e.unwrap().path(), "2026-03-07T10:01:00Z");
    }
    for e in std::fs::read_dir(home.path().join(".codex/archived_sessions")).unwrap() {
        touch(&e.unwrap().path(), "2026-03-09T23:31:00Z");
    }
    let claude = home.path().join(".claude/projects/-home-dev-code-tokencost");
    for e in std::fs::read_dir(&claude).unwrap() {
        touch(&e.unwrap().path(), "2026-03-08T18:01:00Z");
    }
    let mut c = at_home(home.path());
    c.args(["analyze", "--since", "2026-03-08", "--source", "claude,codex"]);
    let (r, err) = run_json(c);
    close(&r["totals"]["cost_usd"], (6_000.0 + CLAUDE) / 1e6);
    assert_eq!(r["summary"]["files"], 2);
    assert!(err.contains("2 files older than --since left unread"), "{err}");
}

/// Rows of a report on the Codex and Claude Code logs of the fixture home: (key, calls, cost per 1M).
fn rows(extra: &[&str]) -> Vec<(String, u64, f64)> {
    let (codex, claude) = (format!("{HOME}/.codex"), format!("{HOME}/.claude"));
    let mut args = vec![codex.as_str(), claude.as_str()];
    args.extend_from_slice(extra);
    let r = json(&args);
    r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let cost = g["cost_usd"].as_f64().unwrap() * 1e6;
            (
                g["key"].as_str().unwrap().to_string(),
                g["calls"].as_u64().unwrap(),
                (cost * 1e3).round() / 1e3,
            )
        })
        .collect()
}

fn row(key: &str, calls: u64, cost: f64) -> (String, u64, f64) {
    (key.to_string(), calls, cost)
}

// The calls of the fixture home in time order, with their cost per 1M:
//   Codex a00: 2026-03-07T09:00:20Z 17,500 and 09:05:30Z 17,750 (tokencost, main)
//   Codex b00: 2026-03-07T10:00:40Z 9,750 (tokencost, feature-x)
//   Claude msg_A01: 2026-03-08T07:30Z 3,600 (tokencost, main); msg_A02: 2026-03-08T18:00Z 1,650 (tokencost, feature-x)
//   Codex c00: 2026-03-09T23:30:30Z 6,000 (site, main)

#[test]
fn by_project_and_branch_across_agents() {
    // tokencost: 17,500 + 17,750 + 9,750 + 3,600 + 1,650 = 50,250; site: 6,000.
    assert_eq!(
        rows(&["--by", "project"]),
        [row("tokencost", 5, 50_250.0), row("site", 1, 6_000.0)]
    );
    // main: 17,500 + 17,750 + 3,600 + 6,000 = 44,850; feature-x: 9,750 + 1,650 = 11,400.
    assert_eq!(
        rows(&["--by", "branch"]),
        [row("main", 4, 44_850.0), row("feature-x", 2, 11_400.0)]
    );
}

#[test]
fn weeks_and_months_follow_the_time_zone_and_the_first_day() {
    // UTC, weeks from Monday: 2026-03-07 (Sat) and 03-08 (Sun) are in the week of Monday 03-02; 03-09 is a Monday.
    assert_eq!(
        rows(&["--by", "week"]),
        [row("2026-03-02", 5, 50_250.0), row("2026-03-09", 1, 6_000.0)]
    );
    // Tokyo (UTC+9), weeks from Sunday: a00 and b00 fall on Saturday 03-07 (week of Sunday 03-01); msg_A01 on
    // Sunday 03-08 16:30, msg_A02 on Monday 03-09 03:00, c00 on Tuesday 03-10 08:30 (week of 03-08).
    assert_eq!(
        rows(&["--by", "week", "--timezone", "Asia/Tokyo", "--start-of-week", "sunday"]),
        [row("2026-03-01", 3, 45_000.0), row("2026-03-08", 3, 11_250.0)]
    );
    assert_eq!(
        rows(&["--by", "month", "--timezone", "Asia/Tokyo"]),
        [row("2026-03", 6, 56_250.0)]
    );
}

/// Los Angeles moves from PST (UTC-8) to PDT (UTC-7) at 2026-03-08 02:00 local: msg_A01 at 07:30Z is 23:30 PST on
/// the 7th (an hour later, at UTC-7, it would be on the 8th), msg_A02 at 18:00Z is 11:00 PDT on the 8th, c00 at
/// 23:30Z on the 9th is 16:30 PDT on the 9th.
#[test]
fn days_and_windows_across_a_daylight_saving_change() {
    let la = ["--timezone", "America/Los_Angeles"];
    let by_day: Vec<&str> = ["--by", "day"].into_iter().chain(la).collect();
    assert_eq!(
        rows(&by_day),
        [
            row("2026-03-07", 4, 48_600.0),
            row("2026-03-08", 1, 1_650.0),
            row("2026-03-09", 1, 6_000.0)
        ]
    );
    // From local midnight of the 8th (08:00Z, still PST): msg_A02 and c00 only.
    let since: Vec<&str> = ["--by", "month", "--since", "2026-03-08"]
        .into_iter()
        .chain(la)
        .collect();
    assert_eq!(rows(&since), [row("2026-03", 2, 7_650.0)]);
    // Tokyo's midnight of the 8th is 2026-03-07T15:00Z: msg_A01, msg_A02 and c00.
    assert_eq!(
        rows(&["--by", "month", "--since", "2026-03-08", "--timezone", "Asia/Tokyo"]),
        [row("2026-03", 3, 11_250.0)]
    );
}

/// A month ends at local midnight: 2026-03-31T20:00Z is already April in Tokyo, still March in Los Angeles.
#[test]
fn a_month_ends_at_local_midnight() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("late.jsonl");
    // gpt-4o-mini (0.15 input, 0.60 output): 1,000,000 input = 150,000 per 1M.
    std::fs::write(
        &log,
        r#"{"model":"gpt-4o-mini","timestamp":"2026-03-31T20:00:00Z","usage":{"input_tokens":1000000,"output_tokens":0}}"#,
    )
    .unwrap();
    let month = |tz: &str| {
        let r = json(&[log.to_str().unwrap(), "--by", "month", "--timezone", tz]);
        keys(&r).iter().map(|k| k.to_string()).collect::<Vec<_>>()
    };
    assert_eq!(month("Asia/Tokyo"), ["2026-04"]);
    assert_eq!(month("America/Los_Angeles"), ["2026-03"]);
}

/// Claude Code deletes transcripts after 30 days unless its settings say otherwise: said once when its logs are
/// read, not when its settings keep them, and not when only other agents' logs are read.
#[test]
fn claude_codes_30_day_cleanup_is_said_once() {
    const NOTE: &str = "Claude Code deletes its transcripts after 30 days";
    let stderr = |home: &Path, extra: &[&str]| {
        let mut c = at_home(home);
        c.arg("analyze").args(extra);
        run_json(c).1
    };
    let said = stderr(&abs(HOME), &[]);
    assert_eq!(said.matches(NOTE).count(), 1, "{said}");
    assert!(!stderr(&abs(HOME), &["--source", "codex"]).contains(NOTE));
    assert!(!stderr(&abs(HOME), &["--quiet"]).contains(NOTE));
    let home = tempfile::tempdir().unwrap();
    copy_tree(&abs(HOME), home.path());
    std::fs::write(
        home.path().join(".claude/settings.json"),
        r#"{"cleanupPeriodDays": 365}"#,
    )
    .unwrap();
    assert!(!stderr(home.path(), &[]).contains(NOTE));
    // A settings file without the key, or one that is not JSON, keeps nothing.
    for text in [r#"{"model": "opus"}"#, "not json"] {
        std::fs::write(home.path().join(".claude/settings.json"), text).unwrap();
        assert!(stderr(home.path(), &[]).contains(NOTE));
    }
}

/// Weeks, windows and budgets across Los Angeles' change to daylight saving time (2026-03-08 02:00 PST): msg_A01
/// (2026-03-08T07:30Z) is 23:30 PST on Saturday the 7th, half an hour before the week from Sunday the 8th begins
/// (at 08:00Z; at the PDT offset it would be 07:00Z, and msg_A01 in the later week). a00 and b00 (17,500 +
/// 17,750 + 9,750) and msg_A01 (3,600) are on the 7th in Los Angeles: 48,600; msg_A02 (1,650) and c00 (6,000)
/// after: 7,650. In UTC msg_A01 is on the 8th: 45,000 and 11,250.
#[test]
fn weeks_windows_and_budgets_across_a_daylight_saving_change() {
    let la = ["--timezone", "America/Los_Angeles"];
    let with = |args: &[&str], zone: &[&str]| {
        let all: Vec<&str> = args.iter().chain(zone).copied().collect();
        rows(&all)
    };
    let weeks = ["--by", "week", "--start-of-week", "sunday"];
    assert_eq!(
        with(&weeks, &la),
        [row("2026-03-01", 4, 48_600.0), row("2026-03-08", 2, 7_650.0)]
    );
    assert_eq!(
        with(&weeks, &[]),
        [row("2026-03-01", 3, 45_000.0), row("2026-03-08", 3, 11_250.0)]
    );
    // --until a day takes the whole of that day, to local midnight.
    let until = ["--by", "month", "--until", "2026-03-07"];
    assert_eq!(with(&until, &la), [row("2026-03", 4, 48_600.0)]);
    assert_eq!(with(&until, &[]), [row("2026-03", 3, 45_000.0)]);
    // A $0.01 budget on what was spent from the 8th: $0.00765 in Los Angeles passes; from Tokyo's midnight of the
    // 8th (2026-03-07T15:00Z, msg_A01 included) $0.01125 does not.
    let budget = |zone: &str| {
        let (codex, claude) = (format!("{HOME}/.codex"), format!("{HOME}/.claude"));
        common::tokencost()
            .args(["analyze", &codex, &claude, "--since", "2026-03-08", "--budget", "0.01"])
            .args(["--timezone", zone, "--format", "json"])
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(budget("America/Los_Angeles"), Some(0));
    assert_eq!(budget("Asia/Tokyo"), Some(1));
}
