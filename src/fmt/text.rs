//! Text that came from outside the program (log lines, file names, price tables, the command line), made safe to
//! print: a terminal, a CI log and a document each act on some characters instead of showing them, so those are
//! shown escaped.
//!
//! One model name can carry an ESC sequence that clears the screen or retitles the window, a line break that starts
//! a line with a GitHub Actions workflow command (`::error::`), or a bidi override that makes a line read backwards.
//! Every renderer and every message on stderr passes such text through `shown` where it is printed, so no command
//! can forget it.

use std::borrow::Cow;

/// Characters a terminal or a log viewer may act on rather than print: the C0 controls (line breaks and tabs among
/// them), DEL, the C1 controls, the Unicode line and paragraph separators, and the bidi formatting characters.
fn acts(c: char) -> bool {
    matches!(
        c,
        '\0'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// The GitHub Actions runner reads a line as a workflow command when it begins with `::` after any white space, and
/// wherever it holds `##[` (the older form, still honoured anywhere in a line, on stdout and stderr alike).
const OLD_COMMAND: &str = "##[";

/// `s` as it may be printed: every character of `acts` as `\u{1b}`, a leading `::` and any `##[` broken by escaping
/// one character, so that nothing in it starts a line, runs a terminal sequence or forms a CI command. Text without
/// such characters is returned as it is; escaping escaped text changes nothing.
pub fn shown(s: &str) -> Cow<'_, str> {
    let lead = s.len() - s.trim_start().len();
    let command_at_start = s[lead..].starts_with("::");
    if !command_at_start && !s.contains(OLD_COMMAND) && !s.chars().any(acts) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for (i, c) in s.char_indices() {
        let old_command = c == '#' && s[..i].ends_with('#') && s[i..].starts_with("#[");
        if acts(c) || (command_at_start && i == lead) || old_command {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` as the message of a GitHub Actions workflow command (`::error title=...::message`): `%`, CR and LF
/// percent-encoded as the runner decodes them, so the message keeps its text and cannot end the command's line;
/// any other character a log viewer acts on is escaped as `shown` does.
pub fn annotation(s: &str) -> String {
    let encoded = s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    shown(&encoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_as_it_is() {
        for s in [
            "openai/gpt-4o",
            "run 17: a::b",
            "C:\\logs\\a.jsonl",
            "## heading",
            "naïve 模型",
        ] {
            assert!(matches!(shown(s), Cow::Borrowed(_)), "{s}");
        }
    }

    #[test]
    fn controls_and_bidi_overrides_are_escaped() {
        assert_eq!(shown("a\nb\r\tc"), "a\\u{a}b\\u{d}\\u{9}c");
        assert_eq!(shown("\u{1b}[2J\u{1b}]0;title\u{7}"), "\\u{1b}[2J\\u{1b}]0;title\\u{7}");
        assert_eq!(shown("x\u{8}\u{7f}\u{9b}31m"), "x\\u{8}\\u{7f}\\u{9b}31m");
        assert_eq!(shown("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
        assert_eq!(shown("a\u{2028}b"), "a\\u{2028}b");
    }

    #[test]
    fn workflow_commands_are_broken() {
        assert_eq!(shown("::error::pwned"), "\\u{3a}:error::pwned");
        assert_eq!(shown("  ::warning::x"), "  \\u{3a}:warning::x");
        assert_eq!(shown("\u{a0}::notice::x"), "\u{a0}\\u{3a}:notice::x");
        assert_eq!(shown("model ##[error]x"), "model #\\u{23}[error]x");
        assert_eq!(shown("###[error]"), "##\\u{23}[error]");
        // A `::` further in is no command: left as written.
        assert_eq!(shown("a::b"), "a::b");
    }

    #[test]
    fn escaping_twice_changes_nothing() {
        for s in ["::error::x\n##[warning]y\u{1b}", "\u{202e}", "plain"] {
            let once = shown(s).into_owned();
            assert_eq!(shown(&once), once);
        }
    }

    #[test]
    fn annotations_keep_their_text_on_one_line() {
        assert_eq!(annotation("a\nb\r\nc 50%"), "a%0Ab%0D%0Ac 50%25");
        assert_eq!(annotation("x\u{1b}[31m"), "x\\u{1b}[31m");
    }
}
