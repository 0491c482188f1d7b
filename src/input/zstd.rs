//! Zstandard input (Codex CLI compresses old rollouts to `.jsonl.zst`), decoded on the fly by a pure-Rust decoder:
//! no system library, nothing built from C. A file may hold several frames one after the other (as `cat a.zst
//! b.zst` or a parallel compressor writes): each is decoded in turn, so no data after the first frame is lost.

use ruzstd::decoding::{FrameDecoder, StreamingDecoder};
use std::io::{self, BufRead, BufReader, Read};

/// The first bytes of every zstd frame.
pub const MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// Decodes every frame of `R` in order.
pub struct Frames<R: Read> {
    current: Option<StreamingDecoder<BufReader<R>, FrameDecoder>>,
}

impl<R: Read> Frames<R> {
    pub fn new(inner: R) -> io::Result<Self> {
        let decoder = StreamingDecoder::new(BufReader::with_capacity(1 << 20, inner)).map_err(io::Error::other)?;
        Ok(Frames { current: Some(decoder) })
    }
}

impl<R: Read> Read for Frames<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(dec) = self.current.as_mut() else {
                return Ok(0);
            };
            let n = dec.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // This frame is done: another may follow.
            let Some(dec) = self.current.take() else {
                return Ok(0);
            };
            let (mut source, frame) = dec.into_parts();
            if source.fill_buf()?.is_empty() {
                return Ok(0);
            }
            self.current = Some(StreamingDecoder::new_with_decoder(source, frame).map_err(io::Error::other)?);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruzstd::encoding::{CompressionLevel, compress_to_vec};

    #[test]
    fn every_frame_is_read_in_turn() {
        let mut data = compress_to_vec(&b"one\ntwo\n"[..], CompressionLevel::Fastest);
        data.extend(compress_to_vec(&b"three\n"[..], CompressionLevel::Fastest));
        assert!(data.starts_with(&MAGIC));
        let mut out = String::new();
        Frames::new(&data[..]).unwrap().read_to_string(&mut out).unwrap();
        assert_eq!(out, "one\ntwo\nthree\n");
        // A cut frame is an error, never a quiet end.
        let cut = &data[..data.len() - 3];
        assert!(Frames::new(cut).unwrap().read_to_string(&mut String::new()).is_err());
    }
}
