//! GPU profiles: peak memory bandwidth, capacity, dense tensor FLOP/s by precision, interconnect, and what a
//! GPU-hour costs. The bundled ones come from `serving/gpus.yaml`, compiled in; a user YAML of the same shape adds
//! cards or replaces bundled ones by id.

use serde::Deserialize;

use super::precision::Precision;

const BUNDLED: &str = include_str!("../../serving/gpus.yaml");

/// USD per GPU-hour at the two ends of an estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HourPrice {
    /// What owning the card costs per hour (total cost of ownership).
    pub owned: f64,
    /// What renting it costs per hour.
    pub rental: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Gpu {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    /// Bytes per second of HBM, at peak.
    pub mem_bw: f64,
    /// Bytes of HBM.
    pub mem_bytes: f64,
    /// Dense tensor FLOP/s at 16-bit, and at 8 and 4 bits where the card has them.
    pub bf16_flops: f64,
    pub fp8_flops: Option<f64>,
    pub fp4_flops: Option<f64>,
    pub gpus_per_node: u64,
    /// Bytes per second, one direction, to a GPU in the same node (NVLink or Infinity Fabric) and to another node.
    pub intra_bw: f64,
    pub inter_bw: f64,
    pub price: HourPrice,
    pub source: String,
    pub price_source: String,
}

impl Gpu {
    /// The FLOP/s of a matrix multiply with weights at `p`: formats the card lacks run at the widest one it has
    /// below them (4-bit weights on Hopper are dequantised to 16 bits, as Marlin kernels do).
    pub fn flops(&self, p: Precision) -> f64 {
        match p {
            Precision::Bf16 | Precision::Int4 => self.bf16_flops,
            Precision::Fp8 => self.fp8_flops.unwrap_or(self.bf16_flops),
            Precision::Fp4 => self.fp4_flops.unwrap_or(self.bf16_flops),
        }
    }

    /// The link between `n` GPUs working together: within a node, or across nodes.
    pub fn link_bw(&self, n: u64) -> f64 {
        if n <= self.gpus_per_node {
            self.intra_bw
        } else {
            self.inter_bw
        }
    }

    pub fn matches(&self, name: &str) -> bool {
        let n = name.trim().to_ascii_lowercase();
        self.id == n || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(&n))
    }
}

/// One GPU as written in YAML, in the units of data sheets.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GpuDef {
    id: String,
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    hbm_tb_s: f64,
    hbm_gb: f64,
    bf16_tflops: f64,
    fp8_tflops: Option<f64>,
    fp4_tflops: Option<f64>,
    gpus_per_node: u64,
    /// GB/s one way, GPU to GPU in a node.
    link_gb_s: f64,
    /// GB/s one way, to another node.
    network_gb_s: f64,
    usd_per_hour: Option<PriceDef>,
    /// For a card you own: the price is what it costs per hour over its life, with its power.
    amortised: Option<Amortised>,
    source: String,
    price_source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PriceDef {
    owned: f64,
    rental: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Amortised {
    purchase_usd: f64,
    years: f64,
    power_kw: f64,
    usd_per_kwh: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GpuFile {
    gpus: Vec<GpuDef>,
}

/// The GPU profiles in force: the bundled ones with the user's files on top.
#[derive(Debug, Clone)]
pub struct Gpus {
    pub list: Vec<Gpu>,
}

impl Gpus {
    /// The bundled profiles (valid by test).
    pub fn bundled() -> Gpus {
        Gpus {
            list: parse("serving/gpus.yaml", BUNDLED).unwrap_or_default(),
        }
    }

    /// The bundled profiles and each user file, later ones replacing earlier ones of the same id.
    pub fn load(files: &[std::path::PathBuf]) -> Result<Gpus, String> {
        let mut gpus = Gpus::bundled();
        for path in files {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            for g in parse(&path.display().to_string(), &text)? {
                gpus.list.retain(|old| old.id != g.id);
                gpus.list.push(g);
            }
        }
        Ok(gpus)
    }

    pub fn find(&self, name: &str) -> Result<&Gpu, String> {
        self.list.iter().find(|g| g.matches(name)).ok_or_else(|| {
            let known: Vec<&str> = self.list.iter().map(|g| g.id.as_str()).collect();
            format!("no GPU `{name}`; known: {} (more with --gpus FILE)", known.join(", "))
        })
    }
}

/// A file's profiles, or every problem in it with its line.
pub fn parse(file: &str, text: &str) -> Result<Vec<Gpu>, String> {
    let parsed: GpuFile = serde_yaml::from_str(text).map_err(|e| match e.location() {
        Some(l) => format!("{file}:{}: {e}", l.line()),
        None => format!("{file}: {e}"),
    })?;
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for d in parsed.gpus {
        let line = text
            .lines()
            .position(|l| l.contains(&format!("id: {}", d.id)))
            .map_or(0, |i| i + 1);
        let mut bad = |what: String| problems.push(format!("{file}:{line}: gpu `{}`: {what}", d.id));
        let positive = |v: f64| v.is_finite() && v > 0.0;
        for (name, v) in [
            ("hbm_tb_s", d.hbm_tb_s),
            ("hbm_gb", d.hbm_gb),
            ("bf16_tflops", d.bf16_tflops),
            ("link_gb_s", d.link_gb_s),
            ("network_gb_s", d.network_gb_s),
        ] {
            if !positive(v) {
                bad(format!("`{name}` must be a number above 0, got {v}"));
            }
        }
        for (name, v) in [("fp8_tflops", d.fp8_tflops), ("fp4_tflops", d.fp4_tflops)] {
            if v.is_some_and(|v| !positive(v)) {
                bad(format!("`{name}` must be above 0 when given"));
            }
        }
        if d.gpus_per_node == 0 {
            bad("`gpus_per_node` must be at least 1".into());
        }
        let price = match (&d.usd_per_hour, &d.amortised) {
            (Some(p), None) if positive(p.owned) && positive(p.rental) => Some(HourPrice {
                owned: p.owned,
                rental: p.rental,
            }),
            (None, Some(a))
                if positive(a.purchase_usd) && positive(a.years) && a.power_kw >= 0.0 && a.usd_per_kwh >= 0.0 =>
            {
                let hourly = a.purchase_usd / (a.years * 8766.0) + a.power_kw * a.usd_per_kwh;
                Some(HourPrice {
                    owned: hourly,
                    rental: hourly,
                })
            }
            _ => {
                bad(
                    "give `usd_per_hour: {owned, rental}` (each above 0) or `amortised: {purchase_usd, years, \
                     power_kw, usd_per_kwh}`, not both"
                        .into(),
                );
                None
            }
        };
        let price_source = match (&d.price_source, &d.amortised) {
            (Some(s), _) => s.clone(),
            (None, Some(a)) => format!(
                "amortised: ${} over {} years, plus {} kW at ${}/kWh",
                a.purchase_usd, a.years, a.power_kw, a.usd_per_kwh
            ),
            (None, None) => {
                bad("`price_source` says where `usd_per_hour` comes from".into());
                String::new()
            }
        };
        let Some(price) = price else { continue };
        out.push(Gpu {
            id: d.id.to_ascii_lowercase(),
            name: d.name,
            aliases: d.aliases,
            mem_bw: d.hbm_tb_s * 1e12,
            mem_bytes: d.hbm_gb * f64::from(1u32 << 30),
            bf16_flops: d.bf16_tflops * 1e12,
            fp8_flops: d.fp8_tflops.map(|t| t * 1e12),
            fp4_flops: d.fp4_tflops.map(|t| t * 1e12),
            gpus_per_node: d.gpus_per_node,
            intra_bw: d.link_gb_s * 1e9,
            inter_bw: d.network_gb_s * 1e9,
            price,
            source: d.source,
            price_source,
        });
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_profiles_are_valid_and_complete() {
        let gpus = parse("serving/gpus.yaml", BUNDLED).expect("valid");
        let ids: Vec<&str> = gpus.iter().map(|g| g.id.as_str()).collect();
        for want in [
            "a100", "h100", "h200", "h800", "b200", "b300", "gb200", "gb300", "l40s", "mi300x",
        ] {
            assert!(ids.contains(&want), "{want} missing from {ids:?}");
        }
        let all = Gpus::bundled();
        // The measurements' system names resolve.
        for sys in ["h100_sxm", "b200_sxm", "b300_sxm", "gb200", "gb300"] {
            assert!(all.find(sys).is_ok(), "{sys}");
        }
        // NVIDIA's data sheet: H100 SXM, 3.35 TB/s and 989 dense BF16 TFLOP/s.
        let h100 = all.find("H100").unwrap();
        assert_eq!((h100.mem_bw, h100.bf16_flops), (3.35e12, 989e12));
    }

    #[test]
    fn a_user_card_is_amortised_and_problems_name_their_line() {
        let text = "gpus:\n  - id: rtx-home\n    name: A card at home\n    hbm_tb_s: 1.0\n    hbm_gb: 24\n    \
                    bf16_tflops: 165\n    gpus_per_node: 1\n    link_gb_s: 32\n    network_gb_s: 1\n    \
                    amortised: {purchase_usd: 1753.2, years: 2, power_kw: 0.45, usd_per_kwh: 0.2}\n    \
                    source: my card\n";
        let g = &parse("home.yaml", text).unwrap()[0];
        // 1753.2 / (2 x 8766 hours) = 0.1 per hour, plus 0.45 kW x $0.2 = 0.09: 0.19.
        assert!((g.price.owned - 0.19).abs() < 1e-9, "{}", g.price.owned);
        let bad = text.replace("hbm_tb_s: 1.0", "hbm_tb_s: -1");
        let e = parse("home.yaml", &bad).unwrap_err();
        assert!(e.starts_with("home.yaml:2: gpu `rtx-home`: `hbm_tb_s`"), "{e}");
        let e = parse("home.yaml", "gpus:\n  - id: x\n    colour: red\n").unwrap_err();
        assert!(e.starts_with("home.yaml:3"), "{e}");
    }
}
