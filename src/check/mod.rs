//! Stage 3, **check**: problems and their rendering.
//!
//! Every stage reports problems as [`Diagnostic`]s that point into a source file;
//! [`check`] adds the checks that need both the sources and the resolved report
//! (published totals, term references, inconsistent rounding). All problems of a
//! run are gathered and shown together, errors first.

pub mod translation;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::figures::{Figures, RoundingNote};
use crate::model::{Block, Inline, Report};
use crate::source::{self, Sources};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A byte position in a file of the report folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Relative to the report folder.
    pub file: PathBuf,
    pub offset: usize,
}

impl Location {
    pub fn new(file: &Path, offset: usize) -> Location {
        Location {
            file: file.to_path_buf(),
            offset,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub location: Location,
    /// How many bytes from `location` to underline (at least one character is).
    pub length: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            location,
            length: 0,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(location, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_length(mut self, length: usize) -> Diagnostic {
        self.length = length;
        self
    }
}

/// Errors first, then warnings; each group in file order.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.severity, &a.location.file, a.location.offset).cmp(&(
            b.severity,
            &b.location.file,
            b.location.offset,
        ))
    });
}

pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..offset].matches('\n').count() + 1;
    (line, text[line_start..offset].chars().count() + 1)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Render diagnostics for a terminal with ariadne: the message, `file:line:column`,
/// the source line with the span underlined, and the hint; then a count.
pub fn render(
    diagnostics: &[Diagnostic],
    root: &Path,
    files: &BTreeMap<PathBuf, String>,
) -> String {
    use ariadne::{Config, IndexType, Label, Report, ReportKind, Source};

    let mut out = Vec::new();
    // ariadne indexes a file's lines when it is wrapped: once per file, not per problem.
    let mut sources: BTreeMap<&Path, Source<&str>> = BTreeMap::new();
    for d in diagnostics {
        let name = root.join(&d.location.file).display().to_string();
        let text = files.get(&d.location.file).map_or("", String::as_str);
        let start = floor_char_boundary(text, d.location.offset.min(text.len()));
        let end = floor_char_boundary(text, (start + d.length.max(1)).min(text.len()));
        // At least one character is underlined, even at the end of a file.
        let end = if end > start {
            end
        } else {
            text[start..]
                .chars()
                .next()
                .map_or(start, |c| start + c.len_utf8())
        };
        let kind = match d.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
        };
        let mut report = Report::build(kind, (name.clone(), start..end))
            .with_config(
                Config::default()
                    .with_color(false)
                    .with_index_type(IndexType::Byte),
            )
            .with_message(&d.message)
            .with_label(Label::new((name.clone(), start..end)).with_message("here"));
        if let Some(hint) = &d.hint {
            report = report.with_help(hint);
        }
        let source = sources
            .entry(d.location.file.as_path())
            .or_insert_with(|| Source::from(text));
        let _ = report.finish().write((name, &*source), &mut out);
        out.push(b'\n');
    }
    let mut out = String::from_utf8_lossy(&out).into_owned();
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    let _ = writeln!(out, "{errors} error(s), {warnings} warning(s)");
    out
}

/// Diagnostics for machines: a JSON array of objects with `severity`, `file`, `line`,
/// `column` (1-based, in characters), `message` and `hint`.
pub fn to_json(
    diagnostics: &[Diagnostic],
    root: &Path,
    files: &BTreeMap<PathBuf, String>,
) -> String {
    let items: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            let text = files.get(&d.location.file).map_or("", String::as_str);
            let (line, column) = line_column(text, d.location.offset);
            serde_json::json!({
                "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "file": root.join(&d.location.file).display().to_string(),
                "line": line,
                "column": column,
                "message": d.message,
                "hint": d.hint,
            })
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_string())
}

/// How a prose file marked as a draft begins its marker line: `nianbao new` writes
/// `<!-- draft: not yet rewritten for 2024; … -->` at the top of every section, and
/// the author deletes the line once the section is rewritten. Being an HTML comment,
/// the marker never reaches the output.
pub const DRAFT_MARKER: &str = "<!-- draft";

/// The checks that need only the sources, so that they run even when the figures
/// cannot be computed (after `nianbao new`, with the new year's figures still empty).
pub fn sources(sources: &Sources) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    check_drafts(sources, &mut problems);
    check_occasion_date(sources, &mut problems);
    problems
}

/// Every Markdown file still carrying the draft marker is a section not yet rewritten.
fn check_drafts(sources: &Sources, problems: &mut Vec<Diagnostic>) {
    let year = sources.manifest.year;
    for (file, text) in &sources.files {
        if file.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            if line.trim_start().starts_with(DRAFT_MARKER) {
                problems.push(
                    Diagnostic::warning(
                        Location::new(file, offset + line.len() - line.trim_start().len()),
                        format!("section not yet rewritten for {year}"),
                    )
                    .with_length(line.trim_end().len())
                    .with_hint(format!(
                        "rewrite the section for {year}, then delete this line"
                    )),
                );
            }
            offset += line.len();
        }
    }
}

/// A report is delivered early in the year after the one it covers; a date in another
/// year is most likely last year's occasion, left over by `nianbao new`.
fn check_occasion_date(sources: &Sources, problems: &mut Vec<Diagnostic>) {
    let manifest = &sources.manifest;
    let expected = manifest.year + 1;
    let date = &manifest.occasion.date;
    if date.starts_with(&expected.to_string()) {
        return;
    }
    let text = sources.text(Path::new(source::MANIFEST));
    let offset = source::locate_key(text, &["occasion", "date"]).unwrap_or(0);
    problems.push(
        Diagnostic::warning(
            Location::new(Path::new(source::MANIFEST), offset),
            format!(
                "the report covers {} but is delivered on {date}, not in {expected}",
                manifest.year
            ),
        )
        .with_length(date.len())
        .with_hint(format!(
            "set `occasion.date` and the occasion `lines` to the {expected} session"
        )),
    );
}

/// The checks that need the resolved reports: every problem, not just the first.
/// `strict` makes untranslated and stale translations errors rather than warnings.
pub fn check(
    sources: &Sources,
    figures: &Figures,
    reports: &[Report],
    strict: bool,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    check_published_totals(sources, &mut problems);
    for report in reports {
        check_term_references(sources, report, &mut problems);
    }
    check_rounding(sources, &figures.rounding_notes(), &mut problems);
    let severity = if strict {
        Severity::Error
    } else {
        Severity::Warning
    };
    problems.extend(translation::check(sources, severity));
    problems
}

/// Each published total must equal the sum of its categories.
fn check_published_totals(sources: &Sources, problems: &mut Vec<Diagnostic>) {
    let text = sources.text(Path::new(source::CASELOAD));
    let caseload = &sources.caseload;
    let known: std::collections::HashSet<&str> =
        caseload.categories.iter().map(|c| c.id.as_str()).collect();
    for (series, by_year) in [
        ("received", &caseload.received),
        ("closed", &caseload.closed),
    ] {
        for (year, counts) in by_year {
            let year_key = year.to_string();
            let located = |key: &str| {
                let offset = source::locate_key(text, &[series, &year_key, key]).unwrap_or(0);
                Location::new(Path::new(source::CASELOAD), offset)
            };
            for category in &caseload.categories {
                if !counts.contains_key(&category.id) {
                    problems.push(
                        Diagnostic::error(
                            located(""),
                            format!(
                                "{series} {year} has no count for category `{}`",
                                category.id
                            ),
                        )
                        .with_hint(format!(
                            "add `{}: <count>` under `{series}: {year}:`",
                            category.id
                        )),
                    );
                }
            }
            for key in counts.keys() {
                if key != "total" && !known.contains(key.as_str()) {
                    problems.push(
                        Diagnostic::error(located(key), format!("`{key}` is not a category"))
                            .with_hint(
                                "use one of the ids listed under `categories:`, or add it there",
                            ),
                    );
                }
            }
            let sum: u64 = caseload
                .categories
                .iter()
                .filter_map(|c| counts.get(&c.id))
                .sum();
            match counts.get("total") {
                Some(&total) if total != sum => {
                    let at = located("total");
                    problems.push(
                        Diagnostic::error(
                            at,
                            format!(
                                "the published total of cases {series} in {year}, {total}, is not the sum of its categories, {sum}"
                            ),
                        )
                        .with_length(total.to_string().len())
                        .with_hint("correct the total or the category count that is wrong"),
                    );
                }
                Some(_) => {}
                None => problems.push(
                    Diagnostic::error(
                        located(""),
                        format!("{series} {year} has no published `total`"),
                    )
                    .with_hint(format!("add `total: {sum}` as the report prints it")),
                ),
            }
        }
    }
}

/// Every `[words](term:ID)` must name a glossary entry.
fn check_term_references(sources: &Sources, report: &Report, problems: &mut Vec<Diagnostic>) {
    let defined: BTreeSet<&str> = report
        .annexes
        .iter()
        .flat_map(|a| &a.blocks)
        .filter_map(|b| match b {
            Block::Glossary(entries) => Some(entries),
            _ => None,
        })
        .flatten()
        .map(|e| e.id.as_str())
        .collect();
    for block in &report.body {
        let (span, inlines): (_, Vec<&[Inline]>) = match block {
            Block::Paragraph(p) => (
                &p.span,
                p.lead
                    .iter()
                    .map(Vec::as_slice)
                    .chain([p.content.as_slice()])
                    .collect(),
            ),
            Block::Heading(h) => (&h.span, vec![h.content.as_slice()]),
            Block::List(l) => (&l.span, l.items.iter().map(Vec::as_slice).collect()),
            _ => continue,
        };
        let mut referenced = Vec::new();
        for inline in inlines {
            collect_term_ids(inline, &mut referenced);
        }
        for id in referenced {
            if defined.contains(id.as_str()) {
                continue;
            }
            let text = sources.text(&span.file);
            let needle = format!("term:{id}");
            let line_start: usize = text
                .split_inclusive('\n')
                .take(span.line - 1)
                .map(str::len)
                .sum();
            let offset = text[line_start..]
                .find(&needle)
                .map_or(line_start, |i| line_start + i);
            problems.push(
                Diagnostic::error(
                    Location::new(&span.file, offset),
                    format!("the glossary has no term `{id}`"),
                )
                .with_length(needle.len())
                .with_hint("add the term to the glossary, or correct the id after `term:`"),
            );
        }
    }
}

fn collect_term_ids(inlines: &[Inline], out: &mut Vec<String>) {
    for inline in inlines {
        match inline {
            Inline::TermRef { term_id, content } => {
                out.push(term_id.clone());
                collect_term_ids(content, out);
            }
            Inline::Emphasis(c) | Inline::Strong(c) | Inline::Link { content: c, .. } => {
                collect_term_ids(c, out)
            }
            Inline::Text(_) | Inline::LineBreak => {}
        }
    }
}

/// A figure written with `rounding="down"` where rounding would print something else is
/// published text we keep, but the reader should know the report is inconsistent.
fn check_rounding(sources: &Sources, notes: &[RoundingNote], problems: &mut Vec<Diagnostic>) {
    for note in notes {
        let text = sources.text(&note.file);
        let offset = text
            .match_indices("rounding=\"down\"")
            .nth(note.occurrence)
            .map_or(0, |(i, _)| i);
        problems.push(
            Diagnostic::warning(
                Location::new(&note.file, offset),
                format!(
                    "{} truncates {}; rounding, as the report's other figures do, gives {}",
                    note.printed, note.value, note.rounded
                ),
            )
            .with_length("rounding=\"down\"".len())
            .with_hint("this reproduces the published text; drop `rounding=\"down\"` to print the rounded figure"),
        );
    }
}
