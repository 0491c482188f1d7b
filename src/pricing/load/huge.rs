//! Integers too large for YAML's 64-bit integers. serde_yaml reads `79000000000000000000000000000` as a u128 that
//! no value type takes, and fails the whole file with a type error about u128. Such a number is read instead as the
//! float it stands for, so that the price checks say what is wrong with it, at its line, beside every other problem.

use serde_yaml::Value;

/// Numbers rewritten before giving up: each try parses the file again.
const MAX_REWRITES: usize = 16;

/// The file as a YAML value, each integer beyond 64 bits read as a float.
pub(super) fn parse(text: &str) -> Result<Value, serde_yaml::Error> {
    let mut err = match serde_yaml::from_str(text) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let mut fixed = text.to_string();
    for _ in 0..MAX_REWRITES {
        let Some(at) = err
            .location()
            .filter(|_| is_wide(&err.to_string()))
            .and_then(|l| offset(&fixed, l))
        else {
            break;
        };
        let digits = fixed.get(at..).map_or(0, |r| {
            r.bytes()
                .take_while(|b| b.is_ascii_digit() || *b == b'-' || *b == b'+')
                .count()
        });
        if digits == 0 {
            break;
        }
        // `123` becomes `123.0`: the same number, and a float YAML reads on any platform.
        fixed.insert_str(at + digits, ".0");
        err = match serde_yaml::from_str(&fixed) {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
    }
    Err(err)
}

/// The byte offset of a 1-based line and character column.
fn offset(text: &str, at: serde_yaml::Location) -> Option<usize> {
    let line_start = if at.line() <= 1 {
        0
    } else {
        text.match_indices('\n').nth(at.line() - 2)?.0 + 1
    };
    let line = &text[line_start..];
    let col = line.char_indices().nth(at.column().checked_sub(1)?)?.0;
    Some(line_start + col)
}

fn is_wide(msg: &str) -> bool {
    msg.contains(" as u128") || msg.contains(" as i128")
}

/// A plain message for a wide integer that was not rewritten (past the limit): the field and the number, in the
/// words the price checks use.
pub(super) fn message(err: &str) -> Option<String> {
    if !is_wide(err) {
        return None;
    }
    let (path, rest) = err.split_once(": ")?;
    let field = path.rsplit(['.', ']']).next().filter(|f| !f.is_empty()).unwrap_or(path);
    let start = rest.find('`')? + 1;
    let number = &rest[start..start + rest[start..].find('`')?];
    Some(if number.starts_with('-') {
        format!("`{field}` must be a finite price of 0 or more, got {number}")
    } else {
        format!("`{field}` is too large: {number}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_integers_read_as_floats() {
        let v = parse("a: 79000000000000000000000000000\nb: [1, -79000000000000000000000000000]\n").unwrap();
        assert_eq!(v["a"].as_f64(), Some(7.9e28));
        assert_eq!(v["b"][1].as_f64(), Some(-7.9e28));
    }

    #[test]
    fn past_the_limit_the_message_names_the_field() {
        let err = "models[0].prices[0].input: invalid type: integer `79000000000000000000000000000` as u128, \
                   expected any YAML value at line 7 column 16";
        assert_eq!(
            message(err).as_deref(),
            Some("`input` is too large: 79000000000000000000000000000")
        );
        assert_eq!(message("invalid type: string"), None);
    }
}
