//! Downloads LiteLLM's published price table for `pricing update`: the only place tokencost reaches the network.
//! One GET over HTTPS (rustls, with the web's root certificates compiled in) or plain HTTP, with a time limit.

use anyhow::{Result, anyhow};
use std::time::Duration;

/// Where LiteLLM publishes the table it keeps up to date.
pub const DEFAULT_URL: &str =
    "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json";

/// The table is about 4 MB; a body many times that is not it.
const LIMIT: u64 = 256 * 1024 * 1024;

/// Whether `from` names a URL rather than a file.
pub fn is_url(from: &str) -> bool {
    from.starts_with("http://") || from.starts_with("https://")
}

/// The body of `url` as text; any failure (no network, an HTTP error status, a body that is not text) is one line.
pub fn get(url: &str) -> Result<String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(120)))
        .user_agent(concat!("tokencost/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|e| anyhow!("cannot fetch {url}: {e}"))?;
    response
        .body_mut()
        .with_config()
        .limit(LIMIT)
        .read_to_string()
        .map_err(|e| anyhow!("cannot read {url}: {e}"))
}
