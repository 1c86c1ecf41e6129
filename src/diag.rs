//! Ground floor, **diagnostics**: what every stage reports a problem with, and how a
//! person or a tool reads it.
//!
//! A [`Diagnostic`] points at a byte range of a file of the report folder, names the
//! rule it breaks with a stable code (for tools: `published-total`, `raw-html`), says
//! what is wrong and how to fix it. Line and column are computed only when a problem
//! is shown, from one [`LineIndex`] per file.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A byte range in a file of the report folder. An empty range stands before the
/// character at its start (the one character a terminal underlines there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Relative to the report folder.
    pub file: PathBuf,
    pub range: Range<usize>,
}

impl Location {
    pub fn new(file: &Path, range: Range<usize>) -> Location {
        Location {
            file: file.to_path_buf(),
            range,
        }
    }

    /// The position `offset` of `file`, with nothing in particular to underline.
    pub fn at(file: &Path, offset: usize) -> Location {
        Location::new(file, offset..offset)
    }
}

/// One problem of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The rule broken, as a stable code that tools may match on (`yaml`,
    /// `published-total`, `unknown-filter`).
    pub rule: &'static str,
    pub location: Location,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(rule: &'static str, location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            rule,
            location,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(
        rule: &'static str,
        location: Location,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(rule, location, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }
}

/// Errors first, then warnings; each group in file order.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.severity, &a.location.file, a.location.range.start).cmp(&(
            b.severity,
            &b.location.file,
            b.location.range.start,
        ))
    });
}

pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

/// Where each line of a text starts: line and column of an offset by binary search.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineIndex {
    /// Byte offset of the start of each line; the first is 0.
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        LineIndex {
            starts: std::iter::once(0)
                .chain(text.match_indices('\n').map(|(at, _)| at + 1))
                .collect(),
            len: text.len(),
        }
    }

    /// The 1-based line holding `offset` (the last line for an offset past the end).
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset).max(1)
    }

    /// Byte offset where the 1-based `line` starts (the end of the text past the last).
    pub fn offset_of_line(&self, line: usize) -> usize {
        match line.checked_sub(1) {
            Some(i) => self.starts.get(i).copied().unwrap_or(self.len),
            None => 0,
        }
    }

    /// 1-based line and column (in characters) of `offset` in `text`, the text this
    /// index was made from.
    pub fn line_column(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.offset_of_line(line).min(offset);
        (line, text[start..offset].chars().count() + 1)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The range a terminal underlines: at least one character, inside the text.
fn shown_range(text: &str, range: &Range<usize>) -> Range<usize> {
    let start = floor_char_boundary(text, range.start.min(text.len()));
    let end = floor_char_boundary(text, range.end.clamp(start, text.len()));
    if end > start {
        return start..end;
    }
    let next = text[start..].chars().next().map_or(0, char::len_utf8);
    start..start + next
}

/// The texts of the files problems point at, by path relative to the report folder.
pub type Files = BTreeMap<PathBuf, String>;

/// Render diagnostics for a terminal with ariadne: the message, `file:line:column`, the
/// source line with the span underlined, and the hint; then a count. `color` adds ANSI
/// colours (for a terminal; never for a pipe, a file or a web page).
pub fn render(diagnostics: &[Diagnostic], root: &Path, files: &Files, color: bool) -> String {
    use ariadne::{Config, IndexType, Label, Report, ReportKind, Source};

    let mut out = Vec::new();
    // ariadne indexes a file's lines when it is wrapped: once per file, not per problem.
    let mut sources: BTreeMap<&Path, Source<&str>> = BTreeMap::new();
    for d in diagnostics {
        let name = root.join(&d.location.file).display().to_string();
        let text = files.get(&d.location.file).map_or("", String::as_str);
        let range = shown_range(text, &d.location.range);
        let kind = match d.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
        };
        let mut report = Report::build(kind, (name.clone(), range.clone()))
            .with_config(
                Config::default()
                    .with_color(color)
                    .with_index_type(IndexType::Byte),
            )
            .with_code(d.rule)
            .with_message(&d.message)
            .with_label(Label::new((name.clone(), range)).with_message("here"));
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

/// Whether problems written to standard error should be coloured: on a terminal, unless
/// `NO_COLOR` is set (<https://no-color.org>).
pub fn stderr_wants_color() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Diagnostics for machines: a JSON array of objects with `severity`, `rule`, `file`,
/// `line`, `column`, `end_line`, `end_column` (1-based, columns in characters, the end
/// exclusive), `message` and `hint`.
pub fn to_json(diagnostics: &[Diagnostic], root: &Path, files: &Files) -> String {
    let mut indexes: BTreeMap<&Path, LineIndex> = BTreeMap::new();
    let items: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            let text = files.get(&d.location.file).map_or("", String::as_str);
            let index = indexes
                .entry(d.location.file.as_path())
                .or_insert_with(|| LineIndex::new(text));
            let range = shown_range(text, &d.location.range);
            let (line, column) = index.line_column(text, range.start);
            let (end_line, end_column) = index.line_column(text, range.end);
            serde_json::json!({
                "severity": d.severity.name(),
                "rule": d.rule,
                "file": root.join(&d.location.file).display().to_string(),
                "line": line,
                "column": column,
                "end_line": end_line,
                "end_column": end_column,
                "message": d.message,
                "hint": d.hint,
            })
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_by_binary_search() {
        let text = "ab\n甲乙c\n\nd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_column(text, 0), (1, 1));
        assert_eq!(index.line_column(text, 2), (1, 3));
        assert_eq!(index.line_column(text, 3), (2, 1));
        // Columns count characters, not bytes; an offset inside a character rounds down.
        assert_eq!(index.line_column(text, 9), (2, 3));
        assert_eq!(index.line_column(text, 7), (2, 2));
        assert_eq!(index.line_column(text, text.len()), (4, 2));
        assert_eq!(index.offset_of_line(3), 11);
        assert_eq!(index.offset_of_line(9), text.len());
        assert_eq!(index.line_of(11), 3);
    }

    #[test]
    fn json_gives_the_end_of_the_span_and_the_rule() {
        let mut files = Files::new();
        files.insert("a.yaml".into(), "x: 1\ntotal: 12\n".into());
        let d = Diagnostic::error(
            "published-total",
            Location::new(Path::new("a.yaml"), 12..14),
            "m",
        );
        let json: serde_json::Value =
            serde_json::from_str(&to_json(&[d], Path::new("r"), &files)).unwrap();
        assert_eq!(json[0]["rule"], "published-total");
        assert_eq!(
            (json[0]["line"].as_u64(), json[0]["column"].as_u64()),
            (Some(2), Some(8))
        );
        assert_eq!(json[0]["end_column"], 10);
    }

    #[test]
    fn plain_rendering_has_no_escape_codes_and_coloured_rendering_has() {
        let mut files = Files::new();
        files.insert("a.md".into(), "text\n".into());
        let d = [Diagnostic::warning(
            "x",
            Location::at(Path::new("a.md"), 1),
            "m",
        )];
        assert!(!render(&d, Path::new("r"), &files, false).contains('\u{1b}'));
        assert!(render(&d, Path::new("r"), &files, true).contains('\u{1b}'));
    }
}
