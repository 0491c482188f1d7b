//! GitHub Actions workflow commands (`::warning ...::`, `::error ...::`), escaped as the runner reads them: `%`, CR
//! and LF in the message, and also `:` and `,` in a property, so no text in a message can end the command early or
//! start another on a new line.

/// The message part of a command.
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A property's value (`title=...`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `::warning title=...::message`.
pub fn warning(title: &str, message: &str) -> String {
    format!("::warning title={}::{}", property(title), data(message))
}

/// `::error title=...::message`.
pub fn error(title: &str, message: &str) -> String {
    format!("::error title={}::{}", property(title), data(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_and_line_breaks_are_escaped() {
        assert_eq!(
            error("tokencost diff", "+19.44% vs main\r\n::error::x"),
            "::error title=tokencost diff::+19.44%25 vs main%0D%0A::error::x"
        );
        assert_eq!(warning("a: b, c", "50%"), "::warning title=a%3A b%2C c::50%25");
    }
}
