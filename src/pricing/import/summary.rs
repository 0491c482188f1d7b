//! What an import did, counted: every entry of LiteLLM's table once (taken, joined to another key, an alias, or
//! skipped for a reason), then per provider what the merge made of the models. Printed the same for the same inputs.

use std::collections::BTreeMap;
use std::fmt;

/// Per provider: what the merge did with the models LiteLLM priced.
#[derive(Debug, Default, Clone)]
pub struct ProviderTally {
    pub file: String,
    pub imported: usize,
    pub new_models: usize,
    pub new_rows: usize,
    pub replaced_rows: usize,
    pub unchanged: usize,
    /// A new id that an existing model's pattern already prices alike.
    pub covered: usize,
    /// Ids that are aliases of a model LiteLLM also lists under its own id, merged with it.
    pub joined: usize,
    /// Models whose LiteLLM prices could not be merged (listed under conflicts).
    pub conflicts: usize,
    pub models_after: usize,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub input: String,
    pub as_of: String,
    pub label: String,
    pub entries: usize,
    /// Entries taken as models (one per id and provider).
    pub taken: usize,
    /// Reason -> detail -> count ("" when a reason has no details).
    pub skipped: BTreeMap<String, BTreeMap<String, usize>>,
    /// Entries that are another key of a model already taken, at the same prices.
    pub joined: usize,
    /// Entries that became aliases.
    pub aliases: usize,
    /// Regional keys kept as ids of their own, their prices differing from the key without the region.
    pub regional_kept: usize,
    pub moving: Vec<String>,
    pub conflicts: Vec<String>,
    pub ignored: BTreeMap<String, usize>,
    pub zeros: BTreeMap<String, usize>,
    pub malformed: BTreeMap<String, usize>,
    pub providers: BTreeMap<String, ProviderTally>,
    /// Files written beside the providers' ones, unchanged.
    pub copied: Vec<String>,
}

impl Summary {
    pub fn skip(&mut self, reason: &str, detail: &str) {
        *self
            .skipped
            .entry(reason.to_string())
            .or_default()
            .entry(detail.to_string())
            .or_default() += 1;
    }

    pub fn skipped_total(&self) -> usize {
        self.skipped.values().flat_map(|d| d.values()).sum()
    }
}

/// `n` with thousands separators.
fn n(v: usize) -> String {
    let s = v.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `name count` pairs, largest first (then by name), wrapped at about 100 columns.
fn counts(f: &mut fmt::Formatter<'_>, indent: &str, items: &BTreeMap<String, usize>, limit: usize) -> fmt::Result {
    let mut v: Vec<(&String, &usize)> = items.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let more = v.len().saturating_sub(limit);
    let mut parts: Vec<String> = v.iter().take(limit).map(|(k, c)| format!("{k} {}", n(**c))).collect();
    if more > 0 {
        parts.push(format!("and {more} more"));
    }
    let mut line = String::new();
    for p in parts {
        if !line.is_empty() && line.len() + p.len() > 96 {
            writeln!(f, "{indent}{line},")?;
            line.clear();
        }
        if !line.is_empty() {
            line.push_str(", ");
        }
        line.push_str(&p);
    }
    if !line.is_empty() {
        writeln!(f, "{indent}{line}")?;
    }
    Ok(())
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "LiteLLM price table {}: {} entries", self.input, n(self.entries))?;
        writeln!(f, "rows dated {}, source \"{}, key ...\"", self.as_of, self.label)?;
        writeln!(f)?;
        let header = [
            "models",
            "new",
            "new rows",
            "replaced",
            "unchanged",
            "covered",
            "conflicts",
            "total",
        ];
        write!(f, "{:<12}", "provider")?;
        for h in header {
            write!(f, " {h:>9}")?;
        }
        writeln!(f, "  file")?;
        let mut total = ProviderTally::default();
        let cells = |p: &ProviderTally| {
            [
                p.imported,
                p.new_models,
                p.new_rows,
                p.replaced_rows,
                p.unchanged,
                p.covered,
                p.joined,
                p.conflicts,
                p.models_after,
            ]
        };
        for (id, p) in &self.providers {
            write!(f, "{id:<12}")?;
            for c in cells(p) {
                write!(f, " {:>9}", n(c))?;
            }
            writeln!(f, "  {}", p.file)?;
            total.imported += p.imported;
            total.new_models += p.new_models;
            total.new_rows += p.new_rows;
            total.replaced_rows += p.replaced_rows;
            total.unchanged += p.unchanged;
            total.covered += p.covered;
            total.joined += p.joined;
            total.conflicts += p.conflicts;
            total.models_after += p.models_after;
        }
        write!(f, "{:<12}", "all")?;
        for c in cells(&total) {
            write!(f, " {:>9}", n(c))?;
        }
        writeln!(f)?;
        writeln!(
            f,
            "models: LiteLLM's, one per id; new: models added; new rows: dated rows added to models already there \
             (replaced: an earlier import's row of the same date);\nunchanged: the row in force already says so; \
             covered: new ids whose price an existing model's pattern already gives;\naliases: ids that are an existing model's aliases, merged with the key of its own id; total: models in the file after."
        )?;
        if !self.copied.is_empty() {
            writeln!(f, "copied unchanged: {}", self.copied.join(", "))?;
        }
        writeln!(f)?;
        writeln!(f, "entries: {} read", n(self.entries))?;
        writeln!(f, "  {:>6}  models", n(self.taken))?;
        writeln!(
            f,
            "  {:>6}  other keys of those models (the same prices, or fewer of them)",
            n(self.joined)
        )?;
        writeln!(f, "  {:>6}  aliases (alias_of)", n(self.aliases))?;
        writeln!(f, "  {:>6}  skipped:", n(self.skipped_total()))?;
        for (reason, details) in &self.skipped {
            let sum: usize = details.values().sum();
            writeln!(f, "    {:>6}  {reason}", n(sum))?;
            let named: BTreeMap<String, usize> = details
                .iter()
                .filter(|(k, _)| !k.is_empty())
                .map(|(k, v)| (k.clone(), *v))
                .collect();
            if !named.is_empty() {
                counts(f, "              ", &named, 12)?;
            }
        }
        writeln!(
            f,
            "regional keys (bedrock/<region>/..., azure/<zone>/...): {} kept as ids of their own (<region>/<model>), \
             their prices differing from the key without the region; the ones priced alike are skipped above",
            n(self.regional_kept)
        )?;
        if !self.moving.is_empty() {
            writeln!(
                f,
                "\nmoving names ({}): they name newer models over time; an alias follows LiteLLM's target, a model of \
                 its own gets a dated row when its price changes",
                n(self.moving.len())
            )?;
            for m in &self.moving {
                writeln!(f, "  {m}")?;
            }
        }
        if !self.zeros.is_empty() {
            writeln!(
                f,
                "\nrates of 0 left out as placeholders (a free cache write is not a price):"
            )?;
            counts(f, "  ", &self.zeros, usize::MAX)?;
        }
        if !self.malformed.is_empty() {
            writeln!(f, "\nrate fields that are not prices, left out:")?;
            counts(f, "  ", &self.malformed, usize::MAX)?;
        }
        if !self.ignored.is_empty() {
            writeln!(
                f,
                "\nprice fields a token row cannot hold, ignored ({} kinds; entries that had them):",
                n(self.ignored.len())
            )?;
            counts(f, "  ", &self.ignored, usize::MAX)?;
        }
        if !self.conflicts.is_empty() {
            writeln!(f, "\nconflicts ({}), left as they were:", n(self.conflicts.len()))?;
            for c in &self.conflicts {
                writeln!(f, "  {c}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands() {
        assert_eq!(super::n(4878), "4,878");
        assert_eq!(super::n(12), "12");
        assert_eq!(super::n(1234567), "1,234,567");
    }
}
