//! Coding agents' own logs, end to end: each agent's fixtures under fixtures/agents/home (laid out as in a user's
//! home) with the bill worked out by hand below from the bundled prices (USD per 1M tokens).
//!
//! Codex CLI (.codex/): gpt-5 and gpt-5-codex bill 1.25 input, 0.125 cached input, 10 output.
//! - sessions/2026/03/07/rollout-...-a00.jsonl, session ...a00, cwd /home/dev/work/tokencost, branch main:
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
//!   nothing), cwd /home/dev/work/site, 2026-03-09T23:30Z: 4,000 in, 100 out on gpt-5 = 5,000 + 1,000 = 6,000.
//!
//! Codex: 4 calls, 17,500 + 17,750 + 9,750 + 6,000 = 51,000 per 1M = $0.051; fresh input 10,000 + 7,000 + 2,000
//! + 4,000 = 23,000, cached 8,000 + 10,000 = 18,000, output 500 + 800 + 600 + 100 = 2,000.

mod common;
use common::{close, keys};
use serde_json::Value;

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
