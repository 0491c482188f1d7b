//! `pricing import litellm` and `pricing update` through the binary, on a small LiteLLM table written for these
//! tests (`fixtures/litellm/small/litellm.json`, entries in LiteLLM's own shape) and on an existing layer to merge
//! onto (`fixtures/litellm/small/onto/`). LiteLLM states USD per token; tokencost's rows are USD per 1M tokens, so
//! every expected rate below is LiteLLM's figure times 1,000,000, worked out by hand.

mod common;
use common::{close, tokencost};
use serde_json::Value;
use serde_yaml::Value as Yaml;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;

const LITELLM: &str = "fixtures/litellm/small/litellm.json";
const ONTO: &str = "fixtures/litellm/small/onto";

fn import(out: &Path, more: &[&str]) -> String {
    let o = tokencost()
        .args(["pricing", "import", "litellm", LITELLM, "--as-of", "2026-11-20", "-o"])
        .arg(out)
        .args(more)
        .assert()
        .success();
    String::from_utf8(o.get_output().stderr.clone()).unwrap() + &String::from_utf8_lossy(&o.get_output().stdout)
}

fn yaml(path: &Path) -> Yaml {
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The model `id` of a written file.
fn model<'a>(file: &'a Yaml, id: &str) -> &'a Yaml {
    file["models"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|m| m["id"].as_str() == Some(id))
        .unwrap_or_else(|| panic!("no model {id}"))
}

fn f(v: &Yaml) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v:?}"))
}

// What the importer must make of each entry:
// - gpt-9 (openai, responses): 1.25e-06 -> 1.25 input, 1e-05 -> 10 output, 1.25e-07 -> 0.125 cached; priority
//   2.5 / 20; flex 0.625 / 5; batch 0.625 / 5 is OpenAI's batch factor 0.5 times the standard rates, so no batch
//   block is written; max_input_tokens 400000 -> context_window.
// - gpt-9-latest: a name that moves; imported as a model of its own at 1.25 / 10.
// - claude-opus-9: 5 / 25, cache read 0.5, 5-minute write 6.25, 1-hour write 1e-05 -> 10; above 200k tokens
//   10 / 37.5; deprecation_date kept.
// - deepseek/deepseek-chat-9: 0.28 / 0.42, cached 0.028; its cache write of 0.0 is a placeholder, left out.
// - mistral/mistral-9: 3e-07 -> 0.3 exactly (1e6 x 3e-07 in binary floating point is 0.30000000000000004).
// - skipped: sample_spec, text-embedding-9 (mode embedding), mistral/mistral-free (no token price),
//   cohere/command-9 (provider not selected).
#[test]
fn litellm_entries_become_dated_rows_per_million_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let said = import(dir.path(), &[]);
    let mut files: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(
        files,
        ["anthropic.yaml", "deepseek.yaml", "mistral.yaml", "openai.yaml"]
    );

    let openai = yaml(&dir.path().join("openai.yaml"));
    let gpt9 = model(&openai, "gpt-9");
    assert_eq!(gpt9["context_window"].as_u64(), Some(400000));
    let rows = gpt9["prices"].as_sequence().unwrap();
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(r["as_of"].as_str(), Some("2026-11-20"));
    assert_eq!(
        (f(&r["input"]), f(&r["output"]), f(&r["cached_input"])),
        (1.25, 10.0, 0.125)
    );
    assert_eq!((f(&r["priority"]["input"]), f(&r["priority"]["output"])), (2.5, 20.0));
    assert_eq!((f(&r["flex"]["input"]), f(&r["flex"]["output"])), (0.625, 5.0));
    assert!(
        r["batch"].is_null(),
        "batch rates equal to the factor's are left out: {r:?}"
    );
    assert!(r["source"].as_str().unwrap().contains("key gpt-9"));
    let latest = &model(&openai, "gpt-9-latest")["prices"][0];
    assert_eq!((f(&latest["input"]), f(&latest["output"])), (1.25, 10.0));

    let anthropic = yaml(&dir.path().join("anthropic.yaml"));
    let opus = model(&anthropic, "claude-opus-9");
    assert_eq!(opus["deprecation_date"].as_str(), Some("2027-06-01"));
    let r = &opus["prices"][0];
    assert_eq!(
        (f(&r["input"]), f(&r["output"]), f(&r["cached_input"])),
        (5.0, 25.0, 0.5)
    );
    assert_eq!((f(&r["cache_write_5m"]), f(&r["cache_write_1h"])), (6.25, 10.0));
    let lc = &r["long_context"];
    assert_eq!(
        (lc["above"].as_u64(), f(&lc["input"]), f(&lc["output"])),
        (Some(200000), 10.0, 37.5)
    );

    let deepseek = yaml(&dir.path().join("deepseek.yaml"));
    let r = &model(&deepseek, "deepseek-chat-9")["prices"][0];
    assert_eq!(
        (f(&r["input"]), f(&r["output"]), f(&r["cached_input"])),
        (0.28, 0.42, 0.028)
    );
    assert!(
        r["cache_write_5m"].is_null(),
        "a 0.0 cache write is a placeholder: {r:?}"
    );

    let mistral_text = std::fs::read_to_string(dir.path().join("mistral.yaml")).unwrap();
    assert!(mistral_text.contains("input: 0.3\n"), "{mistral_text}");
    assert!(!mistral_text.contains("0.30000000000000004"));

    // The summary counts what was taken and what was skipped, and names the moving name.
    for line in [
        "mode other than chat and responses",
        "no token price",
        "cohere_chat 1",
        "sample_spec",
        "openai/gpt-9-latest",
    ] {
        assert!(said.contains(line), "missing {line:?} in:\n{said}");
    }
    // What was written loads as a price table.
    tokencost()
        .args(["pricing", "check"])
        .arg(dir.path())
        .assert()
        .success();
}

// Onto an existing layer: gpt-9's row of 2026-06-01 has no service tiers, so LiteLLM's (with priority and flex)
// differs and becomes a second row dated 2026-11-20, the first kept; claude-opus-9 already says what LiteLLM says,
// so it gets no new row; gpt-8, which LiteLLM does not list, stays with its history.
#[test]
fn onto_a_layer_a_changed_price_is_a_new_row_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    import(dir.path(), &["--onto", ONTO]);
    let openai = yaml(&dir.path().join("openai.yaml"));
    let rows = model(&openai, "gpt-9")["prices"].as_sequence().unwrap().clone();
    let dates: Vec<_> = rows.iter().map(|r| r["as_of"].as_str().unwrap()).collect();
    assert_eq!(dates, ["2026-06-01", "2026-11-20"]);
    assert_eq!(rows[0]["source"].as_str(), Some("test figures"));
    assert!(rows[0]["priority"].is_null());
    assert_eq!(f(&rows[1]["priority"]["output"]), 20.0);
    let gpt8 = &model(&openai, "gpt-8")["prices"];
    assert_eq!(gpt8.as_sequence().unwrap().len(), 1);
    assert_eq!(f(&gpt8[0]["input"]), 2.0);
    let anthropic = yaml(&dir.path().join("anthropic.yaml"));
    let opus = model(&anthropic, "claude-opus-9")["prices"]
        .as_sequence()
        .unwrap()
        .clone();
    assert_eq!(opus.len(), 1);
    assert_eq!(opus[0]["as_of"].as_str(), Some("2026-06-01"));
}

/// Serves `body` to one request on 127.0.0.1 and returns the URL.
fn serve_once(body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 0 && line != "\r\n" {
            line.clear();
        }
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body.as_bytes()).unwrap();
    });
    format!("http://{addr}/model_prices_and_context_window.json")
}

/// An OpenAI chat response from gpt-9 in the priority tier: 1000 prompt tokens, 500 completion tokens.
const PRIORITY_CALL: &str = r#"{"id":"chatcmpl-u1","object":"chat.completion","created":1795000000,"model":"gpt-9","service_tier":"priority","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1000,"completion_tokens":500,"total_tokens":1500}}"#;

// `pricing update` fetches the table from a server of the test's own, writes the models the bundled tables lack
// into the user's layer, and every command then prices with it: gpt-9 in the priority tier at 2.50 / 20.00,
// 1000 x 2.50 + 500 x 20.00 = 2,500 + 10,000 = 12,500 per 1M = $0.0125.
#[test]
fn update_writes_the_user_layer_that_every_command_reads() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let with_home = |c: &mut assert_cmd::Command| {
        c.env("XDG_DATA_HOME", &data);
    };
    let url = serve_once(std::fs::read_to_string(LITELLM).unwrap());
    let mut c = tokencost();
    with_home(&mut c);
    c.args(["pricing", "update", "--from", &url]).assert().success();
    let layer = data.join("tokencost").join("prices");
    let openai = yaml(&layer.join("openai.yaml"));
    assert_eq!(f(&model(&openai, "gpt-9")["prices"][0]["priority"]["input"]), 2.5);

    let mut c = tokencost();
    with_home(&mut c);
    let out = c.args(["pricing", "list", "--provider", "openai"]).assert().success();
    let list = String::from_utf8_lossy(&out.get_output().stdout);
    let layers = format!(
        "Price layers, later over earlier: bundled + {} (pricing update).",
        layer.display()
    );
    assert!(list.contains(&layers), "{list}");
    assert!(list.contains("gpt-9-latest"), "{list}");

    let log = home.path().join("call.jsonl");
    std::fs::write(&log, format!("{PRIORITY_CALL}\n")).unwrap();
    let mut c = tokencost();
    with_home(&mut c);
    let out = c.args(["analyze", "--format", "json"]).arg(&log).assert().success();
    let r: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    close(&r["totals"]["cost_usd"], 12500.0 / 1e6);
    assert_eq!(r["groups"][0]["key"], "openai/gpt-9");
}

// Offline (nothing listens on the port), update fails with a message naming the URL, exit 2, and the layer a
// previous update wrote is left as it was.
#[test]
fn offline_update_fails_and_changes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let layer = home.path().join("tokencost").join("prices");
    std::fs::create_dir_all(&layer).unwrap();
    let before = std::fs::read_to_string(format!("{ONTO}/openai.yaml")).unwrap();
    std::fs::write(layer.join("openai.yaml"), &before).unwrap();
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/prices.json", closed.local_addr().unwrap());
    drop(closed);
    let out = tokencost()
        .env("XDG_DATA_HOME", home.path())
        .args(["pricing", "update", "--from", &url])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(err.contains(&url), "{err}");
    assert_eq!(std::fs::read_to_string(layer.join("openai.yaml")).unwrap(), before);
    let files = std::fs::read_dir(&layer).unwrap().count();
    assert_eq!(files, 1);
}
