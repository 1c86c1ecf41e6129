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

pub mod git_driver;
mod redline;
mod terminal;
pub mod text;
pub mod version;

use std::path::Path;

use similar::{Algorithm, DiffTag, capture_diff_slices};

use crate::Checked;
use crate::figures::{self, format};
use crate::model::{Block, Case, GlossaryEntry, Report, SourceSpan, Table, plain_text};
use crate::source::{Caseload, Sources};
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

/// The kind and the text of a body block, as compared.
fn block_text(block: &Block) -> (&'static str, String) {
    match block {
        Block::Heading(h) => ("heading", plain_text(&h.content)),
        Block::Paragraph(p) => {
            let lead = p.lead.as_deref().map(plain_text).unwrap_or_default();
            ("paragraph", lead + &plain_text(&p.content))
        }
        Block::List(l) => (
            "list",
            l.items
                .iter()
                .map(|i| plain_text(i))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Block::Table(t) => ("table", table_text(t)),
        Block::Figure(f) => ("figure", f.caption.clone()),
        // A chart's numbers are compared as data; its words are its title and description.
        Block::Chart(c) => ("chart", format!("{}\n{}", c.title, c.desc)),
        Block::Glossary(_) => ("glossary", String::new()),
        Block::Cases(_) => ("cases", String::new()),
        Block::Notes(notes) => (
            "notes",
            notes
                .iter()
                .map(|n| plain_text(&n.content))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    }
}

/// A block of the body with the line it starts on.
type Lined = (Block, usize);

fn table_text(t: &Table) -> String {
    std::iter::once(&t.header)
        .chain(&t.rows)
        .map(|row| {
            row.iter()
                .map(|c| c.text.as_str())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn path_name(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Sections matched by file name, in the new order; removed ones where they stood.
fn sections(
    (old_files, old_sources, old): (&[String], &Sources, &Report),
    (new_files, new_sources, new): (&[String], &Sources, &Report),
) -> Vec<SectionDiff> {
    let blocks_of = |report: &Report, file: &str| -> Vec<Lined> {
        let sources = if std::ptr::eq(report, old) {
            old_sources
        } else {
            new_sources
        };
        report
            .body
            .iter()
            .filter_map(|b| {
                let span = body_span(b)?;
                (path_name(&span.file) == file).then(|| {
                    let line = sources.line_index(&span.file).line_of(span.range.start);
                    (b.clone(), line)
                })
            })
            .collect()
    };
    let whole = |report: &Report, file: &str, mark: Mark| -> Vec<BlockDiff> {
        blocks_diff(&[], &blocks_of(report, file))
            .into_iter()
            .map(|mut b| {
                for s in &mut b.segments {
                    s.mark = mark;
                }
                b
            })
            .collect()
    };
    let mut result = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, old_files, new_files) {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            for (file, _) in new_files[new_range].iter().zip(old_range) {
                let blocks = blocks_diff(&blocks_of(old, file), &blocks_of(new, file));
                result.push(SectionDiff {
                    file: file.clone(),
                    status: Status::Kept,
                    blocks,
                });
            }
            continue;
        }
        for i in old_range {
            let file = &old_files[i];
            if !new_files.contains(file) {
                result.push(SectionDiff {
                    file: file.clone(),
                    status: Status::Removed,
                    blocks: whole(old, file, Mark::Deleted),
                });
            }
        }
        for i in new_range {
            let file = &new_files[i];
            match old_files.iter().position(|f| f == file) {
                Some(from) => result.push(SectionDiff {
                    file: file.clone(),
                    status: Status::Moved {
                        from: from + 1,
                        to: i + 1,
                    },
                    blocks: blocks_diff(&blocks_of(old, file), &blocks_of(new, file)),
                }),
                None => result.push(SectionDiff {
                    file: file.clone(),
                    status: Status::Added,
                    blocks: whole(new, file, Mark::Inserted),
                }),
            }
        }
    }
    result.retain(|s| s.status != Status::Kept || !s.blocks.is_empty());
    result
}

fn body_span(block: &Block) -> Option<&SourceSpan> {
    match block {
        Block::Heading(h) => Some(&h.span),
        Block::Paragraph(p) => Some(&p.span),
        Block::List(l) => Some(&l.span),
        Block::Table(t) => Some(&t.span),
        _ => None,
    }
}

/// Blocks aligned by a sequence diff on their text; a replaced block that still
/// resembles its counterpart is diffed inline, otherwise it is removed and added.
fn blocks_diff(old: &[Lined], new: &[Lined]) -> Vec<BlockDiff> {
    let old_keys: Vec<(&str, String)> = old.iter().map(|(b, _)| block_text(b)).collect();
    let new_keys: Vec<(&str, String)> = new.iter().map(|(b, _)| block_text(b)).collect();
    let heading_before = |blocks: &[Lined], i: usize| {
        blocks[..i].iter().rev().find_map(|(b, _)| match b {
            Block::Heading(h) => Some(plain_text(&h.content)),
            _ => None,
        })
    };
    let mut result = Vec::new();
    let removed = |i: usize| BlockDiff {
        kind: old_keys[i].0,
        line: old[i].1,
        under: heading_before(old, i),
        segments: vec![Segment {
            mark: Mark::Deleted,
            text: old_keys[i].1.clone(),
        }],
    };
    let added = |j: usize| BlockDiff {
        kind: new_keys[j].0,
        line: new[j].1,
        under: heading_before(new, j),
        segments: vec![Segment {
            mark: Mark::Inserted,
            text: new_keys[j].1.clone(),
        }],
    };
    for op in capture_diff_slices(Algorithm::Myers, &old_keys, &new_keys) {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => {}
            DiffTag::Delete => result.extend(old_range.map(removed)),
            DiffTag::Insert => result.extend(new_range.map(added)),
            DiffTag::Replace => {
                let pairs = old_range.len().min(new_range.len());
                for k in 0..pairs.max(old_range.len()).max(new_range.len()) {
                    let (i, j) = (old_range.start + k, new_range.start + k);
                    if k < pairs && old_keys[i].0 == new_keys[j].0 {
                        let segments = text::diff(&old_keys[i].1, &new_keys[j].1);
                        if similarity(&segments) >= 0.4 {
                            result.push(BlockDiff {
                                kind: new_keys[j].0,
                                line: new[j].1,
                                under: heading_before(new, j),
                                segments,
                            });
                            continue;
                        }
                    }
                    if i < old_range.end {
                        result.push(removed(i));
                    }
                    if j < new_range.end {
                        result.push(added(j));
                    }
                }
            }
        }
    }
    result
}

/// Share of the characters that stayed.
fn similarity(segments: &[Segment]) -> f64 {
    let count = |m: Mark| -> usize {
        segments
            .iter()
            .filter(|s| s.mark == m)
            .map(|s| s.text.chars().count())
            .sum()
    };
    let same = count(Mark::Same);
    let longest = (same + count(Mark::Deleted)).max(same + count(Mark::Inserted));
    if longest == 0 {
        1.0
    } else {
        same as f64 / longest as f64
    }
}

/// Values of both sides, in the new side's order, then those only the old side has.
fn compare_values(old: Vec<(String, String)>, new: Vec<(String, String)>) -> Vec<ValueChange> {
    let find = |list: &[(String, String)], name: &str| {
        list.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    };
    let mut changes: Vec<ValueChange> = new
        .iter()
        .map(|(name, value)| ValueChange {
            name: name.clone(),
            old: find(&old, name),
            new: Some(value.clone()),
        })
        .collect();
    changes.extend(
        old.iter()
            .filter(|(name, _)| find(&new, name).is_none())
            .map(|(name, value)| ValueChange {
                name: name.clone(),
                old: Some(value.clone()),
                new: None,
            }),
    );
    changes.retain(|c| c.old != c.new);
    changes
}

/// Every raw figure of `data/caseload.yaml`, named as a reader says it.
fn caseload_values(c: &Caseload) -> Vec<(String, String)> {
    let mut values = Vec::new();
    for category in &c.categories {
        values.push((
            format!("category {} short", category.id),
            category.short.clone(),
        ));
        values.push((
            format!("category {} name", category.id),
            category.name.clone(),
        ));
    }
    for (series, by_year) in [("received", &c.received), ("closed", &c.closed)] {
        for (year, counts) in by_year {
            let keys = c.categories.iter().map(|c| c.id.as_str()).chain(["total"]);
            for key in keys.chain(counts.keys().map(String::as_str)) {
                let name = format!("{series} {year} {key}");
                if let Some(count) = counts.get(key)
                    && !values.iter().any(|(n, _)| *n == name)
                {
                    values.push((name, count.to_string()));
                }
            }
        }
    }
    for (year, v) in &c.pending {
        values.push((format!("pending {year}"), v.to_string()));
    }
    for (year, v) in &c.first_instance_acceptance_percent {
        values.push((
            format!("first_instance_acceptance_percent {year}"),
            v.to_string(),
        ));
    }
    for (year, v) in &c.closed_per_judge {
        values.push((format!("closed_per_judge {year}"), v.to_string()));
    }
    values
}

/// The derived figures, named as templates name them (`received.change.total`), formatted
/// to two decimals. The raw counts they come from are in [`caseload_values`].
fn figure_values(sources: &Sources) -> Vec<(String, String)> {
    let spans = sources.yaml(Path::new(crate::source::CASELOAD));
    let Ok(figures) = figures::compute(&sources.caseload, sources.manifest.year, spans) else {
        return Vec::new();
    };
    let Ok(value) = serde_yaml::to_value(&figures) else {
        return Vec::new();
    };
    let mut values = Vec::new();
    flatten(&value, String::new(), &mut values);
    values.retain(|(name, _)| {
        let raw = [
            "received.current.",
            "received.previous.",
            "closed.current.",
            "closed.previous.",
        ];
        !raw.iter().any(|r| name.starts_with(r)) && name != "year" && name != "previous_year"
    });
    values
}

fn flatten(value: &serde_yaml::Value, path: String, out: &mut Vec<(String, String)>) {
    use serde_yaml::Value;
    match value {
        Value::Mapping(map) => {
            for (key, inner) in map {
                let key = key
                    .as_str()
                    .map_or_else(|| format!("{key:?}"), str::to_string);
                let path = if path.is_empty() {
                    key
                } else {
                    format!("{path}.{key}")
                };
                flatten(inner, path, out);
            }
        }
        Value::Number(n) => {
            let text = match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => i.to_string(),
                (None, Some(f)) if path.ends_with("change_points") => {
                    format!("{} pts", format::fixed(f, 2))
                }
                (None, Some(f)) => format::percent(f, 2),
                _ => n.to_string(),
            };
            out.push((path, text));
        }
        other => out.push((path, format!("{other:?}"))),
    }
}

fn annex_tables(report: &Report) -> Vec<&Table> {
    report
        .annexes
        .iter()
        .flat_map(|a| &a.blocks)
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .collect()
}

/// Annex tables by id, cell by cell.
fn tables(old: &Report, new: &Report) -> Vec<TableDiff> {
    let old_tables = annex_tables(old);
    let new_tables = annex_tables(new);
    let caption = |t: &Table| {
        t.caption
            .clone()
            .or_else(|| t.title.clone())
            .unwrap_or_else(|| t.id.clone())
    };
    let mut result = Vec::new();
    for (position, table) in new_tables.iter().enumerate() {
        let Some(from) = old_tables.iter().position(|t| t.id == table.id) else {
            result.push(TableDiff {
                id: table.id.clone(),
                caption: caption(table),
                status: Status::Added,
                changes: Vec::new(),
            });
            continue;
        };
        let before = old_tables[from];
        let status = if from == position {
            Status::Kept
        } else {
            Status::Moved {
                from: from + 1,
                to: position + 1,
            }
        };
        let changes = compare_values(table_values(before), table_values(table));
        if status != Status::Kept || !changes.is_empty() {
            result.push(TableDiff {
                id: table.id.clone(),
                caption: caption(table),
                status,
                changes,
            });
        }
    }
    for table in old_tables {
        if !new_tables.iter().any(|t| t.id == table.id) {
            result.push(TableDiff {
                id: table.id.clone(),
                caption: caption(table),
                status: Status::Removed,
                changes: Vec::new(),
            });
        }
    }
    result
}

/// A table's texts named by position, so that a header that changes with the year
/// ("2023年收案数" → "2024年收案数") still lines its column up. The names shown are
/// the row and column labels.
fn table_values(t: &Table) -> Vec<(String, String)> {
    let mut values = vec![
        ("title".to_string(), t.title.clone().unwrap_or_default()),
        ("unit".to_string(), t.unit.clone().unwrap_or_default()),
        ("caption".to_string(), t.caption.clone().unwrap_or_default()),
    ];
    for (c, cell) in t.header.iter().enumerate().skip(1) {
        values.push((format!("column {}", c), cell.text.clone()));
    }
    for (r, row) in t.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            values.push((format!("{r}:{c}"), cell.text.clone()));
        }
    }
    values
        .into_iter()
        .map(|(key, text)| (cell_name(t, &key), text))
        .collect()
}

/// "刑事案件 / 2023年收案数" for a cell at "r:c"; other keys as they are.
fn cell_name(t: &Table, key: &str) -> String {
    let Some((r, c)) = key.split_once(':') else {
        return key.to_string();
    };
    let (Ok(r), Ok(c)) = (r.parse::<usize>(), c.parse::<usize>()) else {
        return key.to_string();
    };
    let row = t.rows[r].first().map_or("", |c| c.text.as_str());
    let column = t.header.get(c).map_or("", |c| c.text.as_str());
    match (c, row.is_empty()) {
        (0, _) => format!("row {}", r + 1),
        (_, true) => format!("row {} / {column}", r + 1),
        _ => format!("{row} / {column}"),
    }
}

/// An entry compared field by field: (id, label, fields).
type Entry = (String, String, Vec<(&'static str, String)>);

fn glossary_entries(report: &Report) -> Vec<Entry> {
    let entry = |e: &GlossaryEntry| {
        let figure = e
            .figure
            .as_ref()
            .map(|f| f.caption.clone())
            .unwrap_or_default();
        (
            e.id.clone(),
            e.term.clone(),
            vec![
                ("term", e.term.clone()),
                ("definition", plain_text(&e.definition)),
                ("figure", figure),
            ],
        )
    };
    annex_entries(report, |b| match b {
        Block::Glossary(entries) => Some(entries.iter().map(entry).collect()),
        _ => None,
    })
}

fn case_entries(report: &Report) -> Vec<Entry> {
    let entry = |c: &Case| {
        let figure = c
            .figure
            .as_ref()
            .map(|f| f.caption.clone())
            .unwrap_or_default();
        (
            c.id.clone(),
            c.title.clone(),
            vec![
                ("title", c.title.clone()),
                ("body", plain_text(&c.body)),
                ("figure", figure),
            ],
        )
    };
    annex_entries(report, |b| match b {
        Block::Cases(cases) => Some(cases.iter().map(entry).collect()),
        _ => None,
    })
}

fn annex_entries(report: &Report, pick: impl Fn(&Block) -> Option<Vec<Entry>>) -> Vec<Entry> {
    report
        .annexes
        .iter()
        .flat_map(|a| &a.blocks)
        .filter_map(pick)
        .flatten()
        .collect()
}

/// Entries by id, in the new order; removed ones last.
fn entries(old: &[Entry], new: &[Entry]) -> Vec<EntryDiff> {
    let mut result = Vec::new();
    for (position, (id, label, fields)) in new.iter().enumerate() {
        let Some(from) = old.iter().position(|(o, _, _)| o == id) else {
            result.push(EntryDiff {
                id: id.clone(),
                label: label.clone(),
                status: Status::Added,
                fields: whole_fields(fields, Mark::Inserted),
            });
            continue;
        };
        let changed: Vec<TextChange> = old[from]
            .2
            .iter()
            .zip(fields)
            .filter_map(|((what, o), (_, n))| text_change(what, o, n))
            .collect();
        // Only the entry itself moving counts, not its neighbours' shifting.
        let moved_itself = old
            .iter()
            .filter(|(o, _, _)| new.iter().any(|(n, _, _)| n == o))
            .position(|(o, _, _)| o == id)
            != new
                .iter()
                .filter(|(n, _, _)| old.iter().any(|(o, _, _)| o == n))
                .position(|(n, _, _)| n == id);
        let status = if moved_itself {
            Status::Moved {
                from: from + 1,
                to: position + 1,
            }
        } else {
            Status::Kept
        };
        if status != Status::Kept || !changed.is_empty() {
            result.push(EntryDiff {
                id: id.clone(),
                label: label.clone(),
                status,
                fields: changed,
            });
        }
    }
    for (id, label, fields) in old {
        if !new.iter().any(|(n, _, _)| n == id) {
            result.push(EntryDiff {
                id: id.clone(),
                label: label.clone(),
                status: Status::Removed,
                fields: whole_fields(fields, Mark::Deleted),
            });
        }
    }
    result
}

fn whole_fields(fields: &[(&'static str, String)], mark: Mark) -> Vec<TextChange> {
    fields
        .iter()
        .filter(|(_, text)| !text.is_empty())
        .map(|(what, text)| TextChange {
            what: what.to_string(),
            segments: vec![Segment {
                mark,
                text: text.clone(),
            }],
        })
        .collect()
}
