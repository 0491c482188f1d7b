//! What the binary carries: the architectures (trimmed `config.json` files under `serving/architectures/`), the
//! short model names and fitted constants of `serving/settings.yaml`.

use serde::Deserialize;

use super::arch::{ArchError, Architecture, parse_config};
use super::calibration::Calibration;
use super::precision::Precision;

macro_rules! arch {
    ($id:literal, $file:literal) => {
        (
            $id,
            include_str!(concat!("../../serving/architectures/", $file, ".json")),
        )
    };
}

/// Hugging Face id and trimmed config of every bundled architecture.
pub const ARCHITECTURES: &[(&str, &str)] = &[
    arch!("MiniMaxAI/MiniMax-M2.5", "MiniMaxAI--MiniMax-M2.5"),
    arch!("MiniMaxAI/MiniMax-M2.7", "MiniMaxAI--MiniMax-M2.7"),
    arch!("Qwen/Qwen3-0.6B", "Qwen--Qwen3-0.6B"),
    arch!("Qwen/Qwen3-1.7B", "Qwen--Qwen3-1.7B"),
    arch!("Qwen/Qwen3-235B-A22B-FP8", "Qwen--Qwen3-235B-A22B-FP8"),
    arch!("Qwen/Qwen3-235B-A22B", "Qwen--Qwen3-235B-A22B"),
    arch!("Qwen/Qwen3-30B-A3B-FP8", "Qwen--Qwen3-30B-A3B-FP8"),
    arch!("Qwen/Qwen3-30B-A3B", "Qwen--Qwen3-30B-A3B"),
    arch!(
        "Qwen/Qwen3-32B-FP8-Static-PerTensor",
        "Qwen--Qwen3-32B-FP8-Static-PerTensor"
    ),
    arch!("Qwen/Qwen3-32B-FP8", "Qwen--Qwen3-32B-FP8"),
    arch!("Qwen/Qwen3-32B", "Qwen--Qwen3-32B"),
    arch!("Qwen/Qwen3-8B", "Qwen--Qwen3-8B"),
    arch!(
        "Qwen/Qwen3-Coder-480B-A35B-Instruct",
        "Qwen--Qwen3-Coder-480B-A35B-Instruct"
    ),
    arch!("Qwen/Qwen3-VL-235B-A22B-Instruct", "Qwen--Qwen3-VL-235B-A22B-Instruct"),
    arch!("Qwen/Qwen3-VL-2B-Instruct", "Qwen--Qwen3-VL-2B-Instruct"),
    arch!("Qwen/Qwen3-VL-30B-A3B-Instruct", "Qwen--Qwen3-VL-30B-A3B-Instruct"),
    arch!("Qwen/Qwen3-VL-32B-Instruct", "Qwen--Qwen3-VL-32B-Instruct"),
    arch!("Qwen/Qwen3-VL-32B-Thinking", "Qwen--Qwen3-VL-32B-Thinking"),
    arch!("Qwen/Qwen3-VL-4B-Instruct", "Qwen--Qwen3-VL-4B-Instruct"),
    arch!("Qwen/Qwen3-VL-8B-Instruct", "Qwen--Qwen3-VL-8B-Instruct"),
    arch!("Qwen/Qwen3.5-122B-A10B", "Qwen--Qwen3.5-122B-A10B"),
    arch!("Qwen/Qwen3.5-27B", "Qwen--Qwen3.5-27B"),
    arch!("Qwen/Qwen3.5-35B-A3B", "Qwen--Qwen3.5-35B-A3B"),
    arch!("Qwen/Qwen3.5-397B-A17B", "Qwen--Qwen3.5-397B-A17B"),
    arch!("XiaomiMiMo/MiMo-7B-Base", "XiaomiMiMo--MiMo-7B-Base"),
    arch!("deepseek-ai/DeepSeek-R1", "deepseek-ai--DeepSeek-R1"),
    arch!("deepseek-ai/DeepSeek-V3.2", "deepseek-ai--DeepSeek-V3.2"),
    arch!("deepseek-ai/DeepSeek-V3", "deepseek-ai--DeepSeek-V3"),
    arch!("meta-llama/Llama-3.1-70B", "meta-llama--Llama-3.1-70B"),
    arch!("meta-llama/Llama-3.1-8B-Instruct", "meta-llama--Llama-3.1-8B-Instruct"),
    arch!(
        "meta-llama/Llama-4-Maverick-17B-128E-Instruct",
        "meta-llama--Llama-4-Maverick-17B-128E-Instruct"
    ),
    arch!(
        "meta-llama/Llama-4-Scout-17B-16E-Instruct",
        "meta-llama--Llama-4-Scout-17B-16E-Instruct"
    ),
    arch!("meta-llama/Meta-Llama-3.1-405B", "meta-llama--Meta-Llama-3.1-405B"),
    arch!("meta-llama/Meta-Llama-3.1-70B", "meta-llama--Meta-Llama-3.1-70B"),
    arch!("meta-llama/Meta-Llama-3.1-8B", "meta-llama--Meta-Llama-3.1-8B"),
    arch!("mistralai/Mixtral-8x22B-v0.1", "mistralai--Mixtral-8x22B-v0.1"),
    arch!("mistralai/Mixtral-8x7B-v0.1", "mistralai--Mixtral-8x7B-v0.1"),
    arch!("moonshotai/Kimi-K2-Instruct", "moonshotai--Kimi-K2-Instruct"),
    arch!("nvidia/DeepSeek-R1-NVFP4", "nvidia--DeepSeek-R1-NVFP4"),
    arch!("nvidia/DeepSeek-V3.1-NVFP4", "nvidia--DeepSeek-V3.1-NVFP4"),
    arch!("nvidia/DeepSeek-V3.2-NVFP4", "nvidia--DeepSeek-V3.2-NVFP4"),
    arch!("nvidia/GLM-5-NVFP4", "nvidia--GLM-5-NVFP4"),
    arch!("nvidia/GLM-5.1-NVFP4", "nvidia--GLM-5.1-NVFP4"),
    arch!("nvidia/GLM-5.2-NVFP4", "nvidia--GLM-5.2-NVFP4"),
    arch!("nvidia/Kimi-K2.5-NVFP4", "nvidia--Kimi-K2.5-NVFP4"),
    arch!("nvidia/Kimi-K2.6-NVFP4", "nvidia--Kimi-K2.6-NVFP4"),
    arch!("nvidia/Kimi-K2.7-Code-NVFP4", "nvidia--Kimi-K2.7-Code-NVFP4"),
    arch!(
        "nvidia/Llama-3.1-70B-Instruct-FP8",
        "nvidia--Llama-3.1-70B-Instruct-FP8"
    ),
    arch!("nvidia/MiniMax-M2.5-NVFP4", "nvidia--MiniMax-M2.5-NVFP4"),
    arch!("nvidia/MiniMax-M2.7-NVFP4", "nvidia--MiniMax-M2.7-NVFP4"),
    arch!("nvidia/Qwen3-235B-A22B-NVFP4", "nvidia--Qwen3-235B-A22B-NVFP4"),
    arch!("nvidia/Qwen3-32B-NVFP4", "nvidia--Qwen3-32B-NVFP4"),
    arch!("nvidia/Qwen3.5-122B-A10B-NVFP4", "nvidia--Qwen3.5-122B-A10B-NVFP4"),
    arch!("nvidia/Qwen3.5-397B-A17B-NVFP4", "nvidia--Qwen3.5-397B-A17B-NVFP4"),
    arch!("nvidia/Qwen3.6-27B-NVFP4", "nvidia--Qwen3.6-27B-NVFP4"),
    arch!("nvidia/Qwen3.6-35B-A3B-NVFP4", "nvidia--Qwen3.6-35B-A3B-NVFP4"),
    arch!("openai/gpt-oss-120b", "openai--gpt-oss-120b"),
    arch!("openai/gpt-oss-20b", "openai--gpt-oss-20b"),
    arch!("zai-org/GLM-5.1-FP8", "zai-org--GLM-5.1-FP8"),
    arch!("zai-org/GLM-5.1", "zai-org--GLM-5.1"),
    arch!("zai-org/GLM-5.2-FP8", "zai-org--GLM-5.2-FP8"),
    arch!("zai-org/GLM-5.2", "zai-org--GLM-5.2"),
    arch!("zai-org/GLM-5", "zai-org--GLM-5"),
];

/// A bundled architecture by Hugging Face id (case-insensitive).
pub fn architecture(id: &str) -> Result<Architecture, String> {
    let (_, text) = ARCHITECTURES
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(id.trim()))
        .ok_or_else(|| format!("no bundled architecture `{id}`"))?;
    parse_config(text).map_err(|e: ArchError| format!("bundled architecture `{id}`: {e}"))
}

/// An architecture by Hugging Face id: `<org>--<name>_config.json` in `dir` when given and present, else bundled.
pub fn resolve(id: &str, dir: Option<&std::path::Path>) -> Result<Architecture, String> {
    if let Some(dir) = dir {
        let path = dir.join(format!("{}_config.json", id.trim().replace('/', "--")));
        if path.is_file() {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            return parse_config(&text).map_err(|e| format!("{}: {e}", path.display()));
        }
    }
    architecture(id).map_err(|e| match dir {
        Some(d) => format!(
            "{e}, and no {}_config.json in {}",
            id.trim().replace('/', "--"),
            d.display()
        ),
        None => format!("{e} (give --arch-dir DIR with its config.json)"),
    })
}

/// A short name of `serving/settings.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShortName {
    pub name: String,
    pub arch: String,
    #[serde(deserialize_with = "precision")]
    pub precision: Precision,
}

fn precision<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Precision, D::Error> {
    let s = String::deserialize(d)?;
    Precision::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown precision `{s}`")))
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub calibration: Calibration,
    pub models: Vec<ShortName>,
}

const SETTINGS: &str = include_str!("../../serving/settings.yaml");

/// The compiled-in settings; a test checks they parse, so a failure here is a build made without running them.
pub fn settings() -> Settings {
    static CELL: std::sync::OnceLock<Settings> = std::sync::OnceLock::new();
    CELL.get_or_init(|| {
        serde_yaml::from_str(SETTINGS).unwrap_or_else(|e| {
            // Unreachable in a tested build; the neutral constants keep the program answering.
            eprintln!("tokencost: error: serving/settings.yaml: {e}");
            let roofline = super::calibration::Constants::from_array([0.8, 0.5, 0.5, 0.0, 0.0, 0.0, 0.7, 1.0]);
            Settings {
                calibration: Calibration {
                    roofline,
                    first_token: Default::default(),
                    collective_latency: Default::default(),
                },
                models: Vec::new(),
            }
        })
    })
    .clone()
}

/// A model named by short name or Hugging Face id: its id and the precision it is usually served at.
pub fn short_name(name: &str) -> Option<ShortName> {
    let n = name.trim().to_ascii_lowercase();
    settings().models.into_iter().find(|m| m.name == n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_file_is_listed_and_reads() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/serving/architectures");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".json"))
            .collect();
        files.sort();
        assert_eq!(files.len(), ARCHITECTURES.len());
        for (id, _) in ARCHITECTURES {
            assert!(files.contains(&format!("{}.json", id.replace('/', "--"))), "{id}");
            architecture(id).unwrap();
        }
    }

    #[test]
    fn settings_parse_and_short_names_resolve() {
        serde_yaml::from_str::<Settings>(SETTINGS).unwrap();
        for m in settings().models {
            architecture(&m.arch).unwrap_or_else(|e| panic!("{}: {e}", m.name));
        }
        assert_eq!(short_name("DeepSeek-V3").unwrap().arch, "deepseek-ai/DeepSeek-V3");
    }
}
