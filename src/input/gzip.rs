//! Gzip input: every member in turn, as `gzip -d` reads them, with zero padding after the last accepted (tape and
//! block-device tools write it, and `gzip -t` passes it), and as little decoded text lost to damage as can be.

use flate2::bufread::GzDecoder;
use std::io::{self, BufRead, Read};

/// Decoded bytes asked of the decoder at a time. flate2 drops what it decoded in a call that ends in an error, so
/// a small call loses little to damage: less than `zcat`, which loses its 32 KiB window.
const PIECE: usize = 16 << 10;

/// The members of a gzip stream, decoded one after another.
pub(super) struct Members<R: BufRead> {
    /// The member being read; none once the stream has ended.
    member: Option<GzDecoder<R>>,
}

impl<R: BufRead> Members<R> {
    pub(super) fn new(raw: R) -> Self {
        Members {
            member: Some(GzDecoder::new(raw)),
        }
    }
}

impl<R: BufRead> Read for Members<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let len = buf.len().min(PIECE);
        loop {
            let Some(member) = self.member.as_mut() else {
                return Ok(0);
            };
            let n = member.read(&mut buf[..len])?;
            if n > 0 || len == 0 {
                return Ok(n);
            }
            // The member ended, its checksum good: another member may follow, or padding, or nothing.
            let Some(member) = self.member.take() else {
                return Ok(0);
            };
            let mut raw = member.into_inner();
            let next = raw.fill_buf()?;
            match next.first() {
                None => return Ok(0),
                Some(0) => {
                    skip_zeros(&mut raw)?;
                    return Ok(0);
                }
                // A new member; a bad header is its error.
                Some(_) => self.member = Some(GzDecoder::new(raw)),
            }
        }
    }
}

/// Reads to the end of `raw`, which must hold only zeros.
fn skip_zeros(raw: &mut impl BufRead) -> io::Result<()> {
    loop {
        let bytes = raw.fill_buf()?;
        if bytes.is_empty() {
            return Ok(());
        }
        if bytes.iter().any(|&b| b != 0) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "bytes after the gzip data that are neither a gzip member nor zero padding",
            ));
        }
        let n = bytes.len();
        raw.consume(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(text: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(text).unwrap();
        e.finish().unwrap()
    }

    fn read(bytes: &[u8]) -> (Vec<u8>, Option<io::Error>) {
        let mut out = Vec::new();
        let err = Members::new(io::BufReader::with_capacity(7, bytes))
            .read_to_end(&mut out)
            .err();
        (out, err)
    }

    #[test]
    fn members_padding_and_garbage() {
        let mut two = gz(b"one\n");
        two.extend(gz(b""));
        two.extend(gz(b"two\n"));
        assert_eq!(read(&two).0, b"one\ntwo\n");
        let mut padded = two.clone();
        padded.extend([0; 1000]);
        let (text, err) = read(&padded);
        assert_eq!((text, err.map(|e| e.to_string())), (b"one\ntwo\n".to_vec(), None));
        let mut garbage = padded;
        garbage.push(1);
        let (text, err) = read(&garbage);
        assert_eq!(text, b"one\ntwo\n");
        assert!(
            err.unwrap()
                .to_string()
                .contains("neither a gzip member nor zero padding")
        );
    }
}
