//! `nianbao diff`: what changed between two versions of a report, down to the
//! character.
//!
//! Both versions are loaded and resolved as for a build, and compared on the document
//! model, not on the Markdown: a figure that moved because its data moved shows up
//! where it is printed. Entry point: [`diff`]; the result renders as a terminal
//! summary ([`ReportDiff::summary`]) or a self-contained HTML redline
//! ([`ReportDiff::to_html`]). [`version`] turns a command-line argument (a folder or
//! a git revision) into a report folder.
//!
//! What is compared, and how:
//! - sections (by file) are matched by name: added, removed, moved; within a section
//!   blocks are aligned by a sequence diff, and a changed block is diffed inline —
//!   Chinese by character, English by word, a number whole ([`text`]);
//! - the raw data value by value (`received 2023 criminal: 1770 → 1870`), then the
//!   derived figures that changed with it, then the annex tables cell by cell;
//! - glossary terms and cases entry by entry, by id;
//! - the front matter (title, occasion, speaker, annex titles) field by field.

mod data;
mod entries;
pub mod git_driver;
mod redline;
mod sections;
mod tables;
mod terminal;
pub mod text;
pub mod version;

use std::path::Path;

use crate::Checked;
use crate::model::Report;
use crate::source::Sources;
use data::{caseload_values, compare_values, figure_values};
use entries::{case_entries, entries, glossary_entries};
use sections::sections;
use tables::tables;
pub use text::{Mark, Segment};

/// Everything that differs between two versions, in reading order.
#[derive(Debug, Clone, Default)]
pub struct ReportDiff {
    /// How the versions were named on the command line.
    pub old_label: String,
    pub new_label: String,
    pub front: Vec<TextChange>,
    pub sections: Vec<SectionDiff>,
    /// Raw figures from `data/caseload.yaml`.
    pub data: Vec<ValueChange>,
    /// Figures computed from the data (changes, ratios) that changed with it.
    pub figures: Vec<ValueChange>,
    pub tables: Vec<TableDiff>,
    pub glossary: Vec<EntryDiff>,
    pub cases: Vec<EntryDiff>,
}

/// A text field and how it changed.
#[derive(Debug, Clone)]
pub struct TextChange {
    pub what: String,
    pub segments: Vec<Segment>,
}

/// A value and how it changed; `None` where one side does not have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueChange {
    pub name: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Added,
    Removed,
    /// In both, at another place among its siblings (1-based positions).
    Moved {
        from: usize,
        to: usize,
    },
    /// In both, in the same place.
    Kept,
}

/// One section file: its status and its changed blocks.
#[derive(Debug, Clone)]
pub struct SectionDiff {
    pub file: String,
    pub status: Status,
    pub blocks: Vec<BlockDiff>,
}

/// A block added, removed or edited. Added and removed blocks are a single inserted
/// or deleted segment.
#[derive(Debug, Clone)]
pub struct BlockDiff {
    /// "paragraph", "heading", "list", …
    pub kind: &'static str,
    /// Line in the new version (the old one for a removed block).
    pub line: usize,
    /// The heading the block stands under, for orientation.
    pub under: Option<String>,
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone)]
pub struct TableDiff {
    pub id: String,
    /// Caption (or title) of the new version, else of the old.
    pub caption: String,
    pub status: Status,
    /// Cells as "row label / column label", and the title, unit and caption.
    pub changes: Vec<ValueChange>,
}

/// A glossary term or a case, by id.
#[derive(Debug, Clone)]
pub struct EntryDiff {
    pub id: String,
    /// The term or the title, as printed in the new version (else the old).
    pub label: String,
    pub status: Status,
    pub fields: Vec<TextChange>,
}

impl ReportDiff {
    /// How many separate changes: every section added, removed or moved, every block,
    /// value, cell, entry and field.
    pub fn change_count(&self) -> usize {
        let sections: usize = self
            .sections
            .iter()
            .map(|s| usize::from(s.status != Status::Kept) + s.blocks.len())
            .sum();
        let tables: usize = self
            .tables
            .iter()
            .map(|t| usize::from(t.status != Status::Kept) + t.changes.len())
            .sum();
        self.front.len()
            + sections
            + self.data.len()
            + self.figures.len()
            + tables
            + self.glossary.len()
            + self.cases.len()
    }

    pub fn is_empty(&self) -> bool {
        self.change_count() == 0
    }
}

/// Compare two checked reports, every language: prose, front matter, glossary and cases
/// of each edition; data, derived figures and tables once, in the source language.
/// Fails only when a version could not be loaded at all.
pub fn diff(old: &Checked, new: &Checked) -> Result<ReportDiff, String> {
    fn side<'a>(c: &'a Checked, which: &str) -> Result<(&'a Sources, &'a [Report]), String> {
        match (&c.sources, c.reports.as_slice()) {
            (Some(s), reports) if !reports.is_empty() => Ok((s, reports)),
            _ => Err(format!(
                "the {which} version cannot be compared until it loads and its figures compute: run `nianbao check` on it"
            )),
        }
    }
    let (old_sources, old_reports) = side(old, "old")?;
    let (new_sources, new_reports) = side(new, "new")?;
    let mut result = ReportDiff {
        old_label: String::new(),
        new_label: String::new(),
        front: Vec::new(),
        sections: Vec::new(),
        data: compare_values(
            caseload_values(&old_sources.caseload),
            caseload_values(&new_sources.caseload),
        ),
        figures: compare_values(figure_values(old_sources), figure_values(new_sources)),
        tables: tables(&old_reports[0], &new_reports[0]),
        glossary: Vec::new(),
        cases: Vec::new(),
    };
    for (old_report, new_report) in old_reports.iter().zip(new_reports) {
        let old_files = section_files(old_sources, old_report);
        let new_files = section_files(new_sources, new_report);
        result.front.extend(front(old_report, new_report));
        result.sections.extend(sections(
            (&old_files, old_sources, old_report),
            (&new_files, new_sources, new_report),
        ));
        result.glossary.extend(entries(
            &glossary_entries(old_report),
            &glossary_entries(new_report),
        ));
        result.cases.extend(entries(
            &case_entries(old_report),
            &case_entries(new_report),
        ));
    }
    Ok(result)
}

/// The section files of a report's edition, as `zh/01-security.md`.
fn section_files(sources: &Sources, report: &Report) -> Vec<String> {
    sources
        .editions
        .iter()
        .find(|e| e.lang == report.lang)
        .map(|e| e.sections.iter().map(|p| path_name(p)).collect())
        .unwrap_or_default()
}

/// Load, check and compare two versions.
pub fn compare(old: &version::Version, new: &version::Version) -> Result<ReportDiff, String> {
    let old_checked = crate::check(&crate::Project::at(&old.report_dir));
    let new_checked = crate::check(&crate::Project::at(&new.report_dir));
    Ok(diff(&old_checked, &new_checked)?.labelled(&old.label, &new.label))
}

impl ReportDiff {
    /// Name the two versions as the reader gave them.
    pub fn labelled(mut self, old: &str, new: &str) -> ReportDiff {
        self.old_label = old.to_string();
        self.new_label = new.to_string();
        self
    }
}

fn text_change(what: &str, old: &str, new: &str) -> Option<TextChange> {
    let segments = text::diff(old, new);
    text::is_changed(&segments).then(|| TextChange {
        what: what.to_string(),
        segments,
    })
}

fn front(old: &Report, new: &Report) -> Vec<TextChange> {
    let fields = |r: &Report| {
        let m = &r.meta;
        let mut fields = vec![
            ("title", m.title.clone()),
            ("court", m.court.clone()),
            ("year", m.year.to_string()),
            ("date", m.date.clone()),
            ("occasion", m.occasion.join("\n")),
            ("speaker", m.speaker.clone()),
            ("salutation", m.salutation.clone()),
        ];
        let annexes: Vec<String> = r
            .annexes
            .iter()
            .map(|a| format!("{} {}", a.label, a.title))
            .collect();
        fields.push(("annexes", annexes.join("\n")));
        fields
    };
    fields(old)
        .into_iter()
        .zip(fields(new))
        .filter_map(|((what, o), (_, n))| text_change(what, &o, &n))
        .collect()
}

fn path_name(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
