//! Larger reports made from a real one, for the benchmarks (`benches/`,
//! `bench/run`): the same sections repeated, and annex tables with many rows, so
//! that the growth of time and memory with the length of a report can be measured.
//!
//! The copy is made by editing text, not by re-serialising YAML: the result reads
//! like a report an author could have written, comments included. It relies on the
//! shape of the sample report (`report/`): section files in the language folders,
//! categories in `data/caseload.yaml`, their English names in `en/labels.yaml`.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use crate::check::translation::segments;
use crate::source::files::copy_dir;

/// The sample's source language and its translation.
const SOURCE: &str = "zh";
const TRANSLATION: &str = "en";

/// How much larger than the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    /// Each section file holds its text this many times (headings get new anchors).
    pub times: usize,
    /// Case categories, hence rows of the annex tables that list categories; `None`
    /// keeps the report's own. With more categories, the annex keeps only its
    /// category-per-row tables: a table or chart with a column or bar per category
    /// would be meaningless at 2,000.
    pub categories: Option<usize>,
}

/// Writes the scaled copy of `project_dir`'s `report/` under `to` (with `templates/`
/// copied and `fonts/` linked beside it) and returns the new report folder.
pub fn scaled_copy(project_dir: &Path, to: &Path, scale: Scale) -> io::Result<PathBuf> {
    let report = to.join("report");
    if to.exists() {
        std::fs::remove_dir_all(to)?;
    }
    copy_dir(&project_dir.join("report"), &report)?;
    copy_dir(&project_dir.join("templates"), &to.join("templates"))?;
    std::os::unix::fs::symlink(
        std::path::absolute(project_dir.join("fonts"))?,
        to.join("fonts"),
    )?;
    if scale.times > 1 {
        for file in std::fs::read_dir(report.join(SOURCE))? {
            let file = file?.path();
            if file.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let source = std::fs::read_to_string(&file)?;
            std::fs::write(&file, repeated(&source, scale.times, None))?;
            let translation = report
                .join(TRANSLATION)
                .join(file.file_name().unwrap_or_default());
            if translation.exists() {
                let text = std::fs::read_to_string(&translation)?;
                std::fs::write(&translation, repeated(&text, scale.times, Some(&source)))?;
            }
        }
    }
    if let Some(categories) = scale.categories {
        add_categories(&report, categories)?;
    }
    Ok(report)
}

/// `text` `times` over; the copies' heading anchors `{ #id }` become `{ #id-2 }`, ….
/// A translation (`source` is the text it translates) also gets the markers of
/// those headings updated, so that it stays current.
fn repeated(text: &str, times: usize, source: Option<&str>) -> String {
    let mut out = String::with_capacity((text.len() + 1) * times);
    for copy in 1..=times {
        if copy == 1 {
            out.push_str(text);
            continue;
        }
        out.push('\n');
        let mut copied = renamed(text, copy);
        for (old, new) in source.map(|s| heading_hashes(s, copy)).unwrap_or_default() {
            copied = copied.replace(&format!("<!-- zh {old} -->"), &format!("<!-- zh {new} -->"));
        }
        out.push_str(&copied);
    }
    out
}

/// `text` with every `{ #id }` made `{ #id-copy }`.
fn renamed(text: &str, copy: usize) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(at) = rest.find("{ #") {
        let Some(end) = rest[at..].find(" }") else {
            break;
        };
        out.push_str(&rest[..at + end]);
        let _ = write!(out, "-{copy}");
        rest = &rest[at + end..];
    }
    out.push_str(rest);
    out
}

/// For each block of `source` whose hash renaming changes (those with an anchor):
/// the hash before and after. Renaming edits text within lines, so the blocks of
/// both versions pair up one to one.
fn heading_hashes(source: &str, copy: usize) -> Vec<(String, String)> {
    segments(source)
        .into_iter()
        .zip(segments(&renamed(source, copy)))
        .filter(|(old, new)| old.hash != new.hash)
        .map(|(old, new)| (old.hash, new.hash))
        .collect()
}

/// Grows the category list to `count` with made-up categories, and each year's
/// published totals with their counts, so that the copy still checks clean.
fn add_categories(report: &Path, count: usize) -> io::Result<()> {
    let caseload_path = report.join("data/caseload.yaml");
    let caseload = std::fs::read_to_string(&caseload_path)?;
    let existing = caseload.matches("\n  - id: ").count();
    let added: Vec<usize> = (existing + 1..=count).collect();
    let shape_error = |what: &str| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: {what}", caseload_path.display()),
        )
    };

    let mut entries = String::new();
    for &n in &added {
        let _ = write!(
            entries,
            "  - id: c{n:04}\n    short: 类{n}\n    name: 第{n}类案件\n"
        );
    }
    let at = caseload
        .find("\nreceived:")
        .ok_or_else(|| shape_error("no `received:` after the categories"))?;
    let mut text = format!("{}\n{entries}{}", &caseload[..at], &caseload[at..]);

    // Each `    total: N` (received and closed, both years) gets the new counts
    // before it and their sum added to it.
    let mut out = String::with_capacity(text.len() + added.len() * 80);
    for (block, line) in text.split_inclusive('\n').enumerate() {
        match line.strip_prefix("    total: ") {
            Some(total) => {
                let total: u64 = total
                    .trim()
                    .parse()
                    .map_err(|_| shape_error("a total that is not a number"))?;
                let mut sum = 0;
                for &n in &added {
                    let cases = 5 + ((n * 7 + block * 3) % 40) as u64;
                    sum += cases;
                    let _ = writeln!(out, "    c{n:04}: {cases}");
                }
                let _ = writeln!(out, "    total: {}", total + sum);
            }
            None => out.push_str(line),
        }
    }
    text = out;
    std::fs::write(&caseload_path, text)?;

    let labels_path = report.join("en/labels.yaml");
    let labels = std::fs::read_to_string(&labels_path)?;
    let mut english = String::new();
    for &n in &added {
        let _ = write!(
            english,
            "  c{n:04}:\n    short: C{n}\n    name: Category {n} cases\n"
        );
    }
    let labels = labels.replacen("\ncategories:\n", &format!("\ncategories:\n{english}"), 1);
    std::fs::write(&labels_path, labels)?;

    // Only the tables with a row per category stay in the annex.
    let manifest_path = report.join("report.yaml");
    let manifest = std::fs::read_to_string(&manifest_path)?;
    let manifest = manifest
        .replace(
            "tables: [closed-by-category, received-compared, closed-compared]",
            "tables: [received-compared, closed-compared]",
        )
        .replace(
            "charts: [closed-by-category, received-compared, closed-compared]",
            "charts: []",
        );
    std::fs::write(&manifest_path, manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_get_their_own_anchors() {
        let text = "# 标题 { #review }\n\n正文。\n";
        assert_eq!(
            repeated(text, 3, None),
            "# 标题 { #review }\n\n正文。\n\n# 标题 { #review-2 }\n\n正文。\n\n# 标题 { #review-3 }\n\n正文。\n"
        );
    }
}
