//! `--format` and `-o` together: the format a file's extension names is the format written, so `-o out.json`
//! never holds a table, and a `--format` that disagrees with the extension is refused.

use anyhow::{Result, bail};

use crate::cli::{FormatArg, OutputArgs};
use crate::output::{Destination, Format};

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Csv => Format::Csv,
            FormatArg::Json => Format::Json,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Html => Format::Html,
            FormatArg::Jsonl => Format::Jsonl,
        }
    }
}

/// Where output goes and in which format; `format` is None when neither `--format` nor the extension names one
/// (the command's default applies).
pub struct Target {
    pub format: Option<Format>,
    pub to: Destination,
}

impl Target {
    pub fn new(args: &OutputArgs) -> Result<Target> {
        let to = match &args.output {
            Some(p) if p.as_os_str() != "-" => Destination::File(p.clone()),
            _ => Destination::Stdout,
        };
        let given = args.format.map(Format::from);
        let named = match &to {
            Destination::File(p) => Format::of_path(p),
            Destination::Stdout => None,
        };
        if let (Some(g), Some(n), Destination::File(p)) = (given, named, &to)
            && g != n
        {
            bail!(
                "--format {} does not match -o {}, whose extension says {}; drop --format or rename the file",
                g.name(),
                p.display(),
                n.name()
            );
        }
        Ok(Target {
            format: given.or(named),
            to,
        })
    }

    /// The format, table unless something else was asked for.
    pub fn or_table(&self) -> Format {
        self.format.unwrap_or(Format::Table)
    }
}
