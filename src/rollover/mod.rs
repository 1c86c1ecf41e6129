//! `nianbao new YEAR`: next year's report from the current one.
//!
//! Everything that carries over (structure, templates, glossary, tables, wording) is
//! kept; what must be redone is left for `check` to list:
//!
//! - `report.yaml`: `year:` becomes the new year. The occasion is left as it was, and
//!   `check` warns that its date is not in the year after the report's.
//! - `data/caseload.yaml`: the current year becomes the comparison year, older years
//!   are dropped (they stay in git history), and the new year is added with every
//!   figure empty (`criminal:`), so that `check` names each one still to fill in.
//! - every Markdown section gets a first line `<!-- draft: … -->`, so that `check`
//!   lists the sections not yet rewritten; the author deletes the line when done.
//!
//! The YAML files are edited as text, line by line, so that their comments survive.

use std::path::{Path, PathBuf};

use crate::check::DRAFT_MARKER;
use crate::source::files::{copy_dir, prose_files};
use crate::source::{self, Category};

/// What `new` did, for the command to report.
#[derive(Debug)]
pub struct Rolled {
    pub report_dir: PathBuf,
    pub from_year: i32,
    pub year: i32,
    /// Section files marked as drafts, relative to the report folder.
    pub drafts: Vec<PathBuf>,
}

/// Roll the report in `report_dir` over to `year`: in place, or into a new folder `to`.
pub fn new_year(report_dir: &Path, year: i32, to: Option<&Path>) -> Result<Rolled, String> {
    let sources = source::load(report_dir).map_err(|problems| {
        format!(
            "{} cannot be read ({} problem(s)); run `nianbao check` first",
            report_dir.display(),
            problems.len()
        )
    })?;
    let from_year = sources.manifest.year;
    if year != from_year + 1 {
        return Err(format!(
            "the report covers {from_year}: `nianbao new` makes the report for {}, not {year}",
            from_year + 1
        ));
    }
    let target = match to {
        Some(to) => {
            if to.exists() {
                return Err(format!("{} already exists", to.display()));
            }
            copy_dir(report_dir, to).map_err(|e| format!("cannot write {}: {e}", to.display()))?;
            to.to_path_buf()
        }
        None => report_dir.to_path_buf(),
    };

    let edit = |file: &str, change: &dyn Fn(&str) -> String| -> Result<(), String> {
        let path = target.join(file);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        // A byte-order mark says nothing; the file is rewritten without it.
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        std::fs::write(&path, change(text))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    edit(source::MANIFEST, &|text| set_year(text, year))?;
    edit(source::CASELOAD, &|text| {
        roll_caseload(text, year, &sources.caseload.categories)
    })?;
    let drafts =
        prose_files(&target).map_err(|e| format!("cannot read {}: {e}", target.display()))?;
    for file in &drafts {
        edit(&file.to_string_lossy(), &|text| mark_draft(text, year))?;
    }
    Ok(Rolled {
        report_dir: target,
        from_year,
        year,
        drafts,
    })
}

/// `year: 2023   # comment` → `year: 2024   # comment`.
fn set_year(text: &str, year: i32) -> String {
    text.split_inclusive('\n')
        .map(|line| match line.strip_prefix("year:") {
            Some(rest) => {
                let value = rest.trim_start();
                let digits = value.chars().take_while(char::is_ascii_digit).count();
                let pad = &rest[..rest.len() - value.len()];
                format!("year:{pad}{year}{}", &value[digits..])
            }
            None => line.to_string(),
        })
        .collect()
}

/// Put the draft marker on the first line, replacing an older one.
fn mark_draft(text: &str, year: i32) -> String {
    let rest = match text.lines().next() {
        Some(first) if first.trim_start().starts_with(DRAFT_MARKER) => {
            &text[text.find('\n').map_or(text.len(), |i| i + 1)..]
        }
        _ => text,
    };
    format!("{DRAFT_MARKER}: not yet rewritten for {year}; delete this line once it is -->\n{rest}")
}

/// Every top-level block of `data/caseload.yaml` keyed by year (`received:`,
/// `pending:`, …): drop the years before the comparison year and add the new year
/// with empty figures, in the shape the previous year has.
fn roll_caseload(text: &str, year: i32, categories: &[Category]) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        out.push_str(lines[i]);
        let opens_block = indent(lines[i]) == 0
            && !lines[i].trim_start().starts_with('#')
            && lines[i].trim_end().ends_with(':');
        i += 1;
        if !opens_block {
            continue;
        }
        let start = i;
        while i < lines.len() && !is_top_level(lines[i]) {
            i += 1;
        }
        let block = &lines[start..i];
        // Blank lines after the block's last entry stay after the new one.
        let end = block
            .iter()
            .rposition(|l| !l.trim().is_empty())
            .map_or(0, |p| p + 1);
        match roll_block(&block[..end], year, categories) {
            Some(rolled) => out.push_str(&rolled),
            None => block[..end].iter().for_each(|l| out.push_str(l)),
        }
        block[end..].iter().for_each(|l| out.push_str(l));
    }
    out
}

/// The entries of a block keyed by year, rolled; `None` if the block is not keyed by year.
fn roll_block(block: &[&str], year: i32, categories: &[Category]) -> Option<String> {
    let content = |l: &&&str| !l.trim().is_empty() && !l.trim_start().starts_with('#');
    let child_indent = indent(block.iter().find(content)?);
    // (year of the entry, its lines); lines before the first entry have no year.
    let mut entries: Vec<(Option<i32>, Vec<&str>)> = vec![(None, Vec::new())];
    for line in block {
        let key = line.trim_start().split(':').next().unwrap_or("");
        if content(&line) && indent(line) == child_indent {
            entries.push((Some(key.trim().parse().ok()?), Vec::new()));
        }
        entries.last_mut()?.1.push(line);
    }
    let last = entries.last()?.1.clone();
    let mut out = String::new();
    for (entry_year, lines) in &entries {
        if entry_year.is_none_or(|y| y >= year - 1) {
            lines.iter().for_each(|l| out.push_str(l));
        }
    }
    if entries.iter().any(|(y, _)| *y == Some(year)) {
        return Some(out);
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    let pad = " ".repeat(child_indent);
    out.push_str(&format!("{pad}{year}:\n"));
    // A year of counts per category gets every category and the total, empty.
    if let Some(inner) = last.iter().skip(1).find(content) {
        let pad = " ".repeat(indent(inner));
        for id in categories.iter().map(|c| c.id.as_str()).chain(["total"]) {
            out.push_str(&format!("{pad}{id}:\n"));
        }
    }
    Some(out)
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_top_level(line: &str) -> bool {
    !line.trim().is_empty() && indent(line) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn categories() -> Vec<Category> {
        ["a", "b"]
            .iter()
            .map(|id| Category {
                id: id.to_string(),
                short: String::new(),
                name: String::new(),
            })
            .collect()
    }

    #[test]
    fn caseload_keeps_the_comparison_year_and_adds_the_new_one_empty() {
        let text = "# head\ncategories:\n  - id: a\n\n# counts\nreceived:\n  2022:\n    a: 1\n    total: 1\n  2023:\n    a: 2   # note\n    total: 2\n\npending:\n  2023: 5\nrate:\n  2022: 1.5\n  2023: 2.5";
        let rolled = roll_caseload(text, 2024, &categories());
        assert_eq!(
            rolled,
            "# head\ncategories:\n  - id: a\n\n# counts\nreceived:\n  2023:\n    a: 2   # note\n    total: 2\n  2024:\n    a:\n    b:\n    total:\n\npending:\n  2023: 5\n  2024:\nrate:\n  2023: 2.5\n  2024:\n"
        );
    }

    #[test]
    fn year_keeps_its_comment_and_drafts_are_marked_once() {
        assert_eq!(
            set_year("title: x\nyear: 2023    # covered\n", 2024),
            "title: x\nyear: 2024    # covered\n"
        );
        let once = mark_draft("# 标题\n", 2024);
        assert!(once.starts_with("<!-- draft: not yet rewritten for 2024"));
        assert_eq!(mark_draft(&once, 2025).matches(DRAFT_MARKER).count(), 1);
    }
}
