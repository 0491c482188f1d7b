//! UTF-16 input, recognised by its byte-order mark (Windows PowerShell 5 writes redirected output so), turned into
//! UTF-8 as it is read, so that every reader after this sees the same bytes a UTF-8 log would give. A unit that is
//! half of a surrogate pair without its other half, and an odd last byte, become U+FFFD.

use std::io::{self, Read};

/// Bytes read from the input at a time.
const RAW: usize = 64 << 10;

pub(super) struct Utf16<R> {
    inner: R,
    big_endian: bool,
    /// UTF-8 decoded and not yet handed out, from `at`.
    out: Vec<u8>,
    at: usize,
    /// A byte of a unit whose other byte has not been read yet.
    odd: Option<u8>,
    /// The first half of a surrogate pair, waiting for its second.
    high: Option<u16>,
    eof: bool,
    /// Bytes read from `inner`, reused.
    raw: Vec<u8>,
}

impl<R: Read> Utf16<R> {
    pub(super) fn new(inner: R, big_endian: bool) -> Self {
        Utf16 {
            inner,
            big_endian,
            out: Vec::new(),
            at: 0,
            odd: None,
            high: None,
            eof: false,
            raw: vec![0; RAW],
        }
    }

    fn push(&mut self, c: char) {
        let mut b = [0; 4];
        self.out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
    }

    fn unit(&mut self, u: u16) {
        if let Some(high) = self.high.take() {
            if (0xDC00..=0xDFFF).contains(&u) {
                let c = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(u) - 0xDC00);
                self.push(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
                return;
            }
            self.push(char::REPLACEMENT_CHARACTER);
        }
        match u {
            0xD800..=0xDBFF => self.high = Some(u),
            0xDC00..=0xDFFF => self.push(char::REPLACEMENT_CHARACTER),
            _ => self.push(char::from_u32(u32::from(u)).unwrap_or(char::REPLACEMENT_CHARACTER)),
        }
    }

    /// Reads and decodes more input.
    fn more(&mut self) -> io::Result<()> {
        self.out.clear();
        self.at = 0;
        let mut raw = std::mem::take(&mut self.raw);
        let read = loop {
            match self.inner.read(&mut raw) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                other => break other,
            }
        };
        let result = read.map(|n| self.decode(&raw[..n]));
        self.raw = raw;
        result
    }

    /// Decodes `bytes`, the next ones read; none at the end of the input, where whatever is left half-read becomes
    /// U+FFFD.
    fn decode(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            self.eof = true;
            if self.high.take().is_some() || self.odd.take().is_some() {
                self.push(char::REPLACEMENT_CHARACTER);
            }
            return;
        }
        let mut bytes = self.odd.take().into_iter().chain(bytes.iter().copied());
        while let Some(a) = bytes.next() {
            let Some(b) = bytes.next() else {
                self.odd = Some(a);
                break;
            };
            let pair = [a, b];
            self.unit(if self.big_endian {
                u16::from_be_bytes(pair)
            } else {
                u16::from_le_bytes(pair)
            });
        }
    }
}

impl<R: Read> Read for Utf16<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.out.len() && !self.eof {
            self.more()?;
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `bytes` as UTF-16 through a reader that hands out `step` bytes at a time.
    fn decode(bytes: &[u8], big_endian: bool, step: usize) -> String {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut out = String::new();
        Utf16::new(Trickle(bytes, step), big_endian)
            .read_to_string(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn pairs_lone_halves_and_odd_bytes() {
        let text = "{\"a\":\"caf\u{e9} \u{1F600}\"}\r\n";
        for big_endian in [false, true] {
            let bytes: Vec<u8> = text
                .encode_utf16()
                .flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() })
                .collect();
            for step in [1, 2, 3, 1 << 20] {
                assert_eq!(decode(&bytes, big_endian, step), text, "step {step}");
            }
        }
        // A lone high half, a lone low half, then an odd last byte.
        let units: Vec<u8> = [0xD83D, 0x0041, 0xDE00]
            .iter()
            .flat_map(|u: &u16| u.to_le_bytes())
            .collect();
        let mut bytes = units;
        bytes.push(0x41);
        assert_eq!(decode(&bytes, false, 1), "\u{fffd}A\u{fffd}\u{fffd}");
    }
}
