//! What lies between an input's bytes and its lines: gzip and zstd (recognised by their magic bytes), a byte-order mark
//! (UTF-8's is dropped, UTF-16 is turned into UTF-8, UTF-32 is refused by name), UTF-16 without a mark (recognised
//! by the NULs beside its first characters), pretty-printed JSON put back on lines (`pretty`), and for a regular
//! file a check that it did not shrink while it was read, which would silently cut its calls short.

use std::io::{self, BufReader, Cursor, Read};

use super::gzip::Members;
use super::utf16::Utf16;
use super::zstd::{Frames, MAGIC};

const GZIP: [u8; 2] = [0x1f, 0x8b];
const ZSTD: [u8; 4] = MAGIC;

/// The text of an input as UTF-8 bytes, decompressed; and its first bytes, already read from it.
pub(super) type Text = (Box<dyn Read + Send>, Vec<u8>);

/// How text is encoded, as its first bytes (a byte-order mark, or none) say.
#[derive(Debug, PartialEq)]
enum Encoding {
    Utf8,
    /// UTF-8 after a byte-order mark of 3 bytes.
    Utf8Marked,
    /// UTF-16, after a byte-order mark of 2 bytes or without one.
    Utf16 {
        big_endian: bool,
        marked: bool,
    },
    /// Not read; the message names it.
    Refused(&'static str),
}

fn encoding(head: &[u8]) -> Encoding {
    match head {
        [0xff, 0xfe, 0, 0, ..] => Encoding::Refused("the file is UTF-32 (little-endian): convert it to UTF-8"),
        [0, 0, 0xfe, 0xff, ..] => Encoding::Refused("the file is UTF-32 (big-endian): convert it to UTF-8"),
        [0xef, 0xbb, 0xbf, ..] => Encoding::Utf8Marked,
        [0xff, 0xfe, ..] => Encoding::Utf16 {
            big_endian: false,
            marked: true,
        },
        [0xfe, 0xff, ..] => Encoding::Utf16 {
            big_endian: true,
            marked: true,
        },
        // Without a mark, two ASCII characters each beside a NUL: no UTF-8 log begins so, and every UTF-16 log of
        // JSON does (`{"`, or whitespace before it).
        [a, 0, b, 0, ..] if ascii(*a) && ascii(*b) => Encoding::Utf16 {
            big_endian: false,
            marked: false,
        },
        [0, a, 0, b, ..] if ascii(*a) && ascii(*b) => Encoding::Utf16 {
            big_endian: true,
            marked: false,
        },
        _ => Encoding::Utf8,
    }
}

fn ascii(b: u8) -> bool {
    b != 0 && b.is_ascii()
}

/// True when the first bytes of a file say it must be read in order, as a stream: gzip, zstd, or text that is not
/// UTF-8. A UTF-8 byte-order mark does not: every line is read without one.
pub fn needs_stream(head: &[u8]) -> bool {
    head.starts_with(&GZIP)
        || head.starts_with(&ZSTD)
        || !matches!(encoding(head), Encoding::Utf8 | Encoding::Utf8Marked)
        || pretty_start(head)
}

/// Pretty-printed JSON (a lone `{` or `[` on the first line) is rewritten as it is read, so in order.
fn pretty_start(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let head = head.trim_ascii_start();
    matches!(head, [b'{' | b'[', b'\n', ..] | [b'{' | b'[', b'\r', b'\n', ..])
}

/// Reads up to `n` more bytes of `r` into `head`: fewer only at the end of the input.
fn read_head(r: &mut dyn Read, head: &mut Vec<u8>, n: usize) -> io::Result<()> {
    r.take(n as u64).read_to_end(head).map(drop)
}

/// The text of `inner`: decompressed when it is gzip, without its byte-order mark, as UTF-8. `size` is the size of
/// a regular file when it was opened: reading fewer bytes than that is an error.
pub(super) fn text(inner: Box<dyn Read + Send>, size: Option<u64>) -> io::Result<Text> {
    let mut raw: Box<dyn Read + Send> = match size {
        Some(size) => Box::new(SizeChecked { inner, size, read: 0 }),
        None => inner,
    };
    let mut head = Vec::with_capacity(4);
    read_head(&mut raw, &mut head, 4)?;
    let mut text: Box<dyn Read + Send> = if head.starts_with(&GZIP) {
        let raw = BufReader::with_capacity(1 << 20, Cursor::new(std::mem::take(&mut head)).chain(raw));
        Box::new(Members::new(raw))
    } else if head == ZSTD {
        Box::new(Frames::new(Cursor::new(std::mem::take(&mut head)).chain(raw))?)
    } else {
        raw
    };
    let more = 4 - head.len();
    read_head(&mut text, &mut head, more)?;
    // Pretty-printed JSON is put back on lines (`pretty`), whatever it was compressed or encoded as.
    match encoding(&head) {
        Encoding::Utf8 => super::pretty::lines(text, head),
        Encoding::Utf8Marked => super::pretty::lines(text, head.split_off(3)),
        Encoding::Utf16 { big_endian, marked } => {
            let rest = Cursor::new(head.split_off(if marked { 2 } else { 0 })).chain(text);
            super::pretty::lines(Box::new(Utf16::new(rest, big_endian)), Vec::new())
        }
        Encoding::Refused(what) => Err(io::Error::new(io::ErrorKind::InvalidData, what)),
    }
}

/// A regular file that must give as many bytes as it had when opened: fewer means it shrank while it was read (it
/// was truncated or rewritten), and the calls read from it would be silently short.
struct SizeChecked {
    inner: Box<dyn Read + Send>,
    size: u64,
    read: u64,
}

impl Read for SizeChecked {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if n == 0 && !buf.is_empty() && self.read < self.size {
            return Err(shrank(self.size, self.read));
        }
        Ok(n)
    }
}

/// The error of a file that ended after `read` bytes, though it had at least `size` when opened.
pub fn shrank(size: u64, read: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("the file shrank while it was read: it ended after {read} of {size} bytes"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_by_their_first_bytes() {
        let utf16 = |big_endian, marked| Encoding::Utf16 { big_endian, marked };
        for (head, want) in [
            (&b"{\"mo"[..], Encoding::Utf8),
            (b"\xef\xbb\xbf{", Encoding::Utf8Marked),
            (b"\xff\xfe{\0", utf16(false, true)),
            (b"\xfe\xff\0{", utf16(true, true)),
            (b"{\0\"\0", utf16(false, false)),
            (b"\0{\0\"", utf16(true, false)),
            (b" \0\n\0", utf16(false, false)),
            // NUL padding before UTF-8 text, and UTF-32 without a mark, are not UTF-16.
            (b"\0\0{\"", Encoding::Utf8),
            (b"\0\0\0{", Encoding::Utf8),
            (b"{\0\0\0", Encoding::Utf8),
            (b"\xc3\0\xa9\0", Encoding::Utf8),
            (b"{", Encoding::Utf8),
        ] {
            assert_eq!(encoding(head), want, "{head:?}");
        }
        assert!(matches!(encoding(b"\xff\xfe\0\0"), Encoding::Refused(_)));
    }
}
