//! Number formats of weights and caches: how many bytes an element takes, and which tensor-core rate a matrix
//! multiply in that format runs at on a given GPU.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Precision {
    Bf16,
    Fp8,
    /// NVFP4 or MXFP4: 4-bit values with a shared scale per small block.
    Fp4,
    /// 4-bit integer weights (AWQ, GPTQ), multiplied in 16-bit after dequantisation.
    Int4,
}

impl Precision {
    /// Reads the names the measurements and engines use: `bf16`, `fp8`, `fp8_block`, `nvfp4`, `mxfp4`, `int4`...
    /// An empty name is the checkpoint's own 16-bit format.
    pub fn parse(s: &str) -> Option<Precision> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "bf16" | "fp16" | "float16" | "bfloat16" | "half" => Some(Precision::Bf16),
            "fp8" | "fp8_block" | "fp8_e4m3" | "float8" | "w8a8" | "fp8_static" => Some(Precision::Fp8),
            "fp4" | "nvfp4" | "mxfp4" | "w4a4" => Some(Precision::Fp4),
            "int4" | "awq" | "gptq" | "w4a16" | "int4_awq" => Some(Precision::Int4),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Precision::Bf16 => "bf16",
            Precision::Fp8 => "fp8",
            Precision::Fp4 => "fp4",
            Precision::Int4 => "int4",
        }
    }

    /// Bytes per weight, block scales included (one 8-bit scale per 16 values for NVFP4, per 128 for int4 groups).
    pub fn weight_bytes(self) -> f64 {
        match self {
            Precision::Bf16 => 2.0,
            Precision::Fp8 => 1.0,
            Precision::Fp4 => 0.5625,
            Precision::Int4 => 0.5 + 2.0 / 128.0,
        }
    }

    /// Bytes per element of the KV cache when weights run at this precision: 8-bit caches go with 8- and 4-bit
    /// floating-point checkpoints, 16-bit otherwise.
    pub fn cache_bytes(self) -> f64 {
        match self {
            Precision::Fp8 | Precision::Fp4 => 1.0,
            Precision::Bf16 | Precision::Int4 => 2.0,
        }
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
