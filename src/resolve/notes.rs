//! Notes (Markdown footnotes) of one section or entry: `[^label]` markers and their
//! `[^label]: …` definitions. Labels are local to the text they stand in; numbers run
//! through the whole report (1, 2, 3 … in order of the first marker), so that the web
//! page and the PDF print the same number for the same note.

use std::ops::Range;

use super::markdown::Counters;
use crate::diag::{Diagnostic, Location};
use crate::model::{Inline, Note, SourceSpan};

/// The markers and definitions met so far in one text.
#[derive(Debug, Default)]
pub(super) struct NoteBook {
    referred: Vec<Referred>,
    defined: Vec<Defined>,
}

#[derive(Debug)]
struct Referred {
    label: String,
    number: u32,
    count: u32,
}

#[derive(Debug)]
struct Defined {
    label: String,
    content: Vec<Inline>,
    span: SourceSpan,
}

/// Labels match as CommonMark link labels do: without regard to case.
fn key(label: &str) -> String {
    label.trim().to_lowercase()
}

impl NoteBook {
    /// A marker for `label`; the first marker of a label gives its note the next number.
    pub fn refer(&mut self, label: &str, counters: &mut Counters) -> Inline {
        let label = key(label);
        if let Some(r) = self.referred.iter_mut().find(|r| r.label == label) {
            r.count += 1;
            return Inline::NoteRef {
                number: r.number,
                occurrence: r.count,
            };
        }
        counters.notes += 1;
        let number = counters.notes;
        self.referred.push(Referred {
            label,
            number,
            count: 1,
        });
        Inline::NoteRef {
            number,
            occurrence: 1,
        }
    }

    pub fn define(&mut self, label: String, content: Vec<Inline>, span: SourceSpan) {
        self.defined.push(Defined {
            label,
            content,
            span,
        });
    }

    /// The notes, in the order of their numbers. `rendered` is the text parsed (a
    /// marker whose note is missing stays in it as `[^label]`); `locate` turns a range
    /// of it into a location of the source.
    pub fn finish(
        self,
        rendered: &str,
        locate: impl Fn(Range<usize>) -> Location,
        problems: &mut Vec<Diagnostic>,
    ) -> Vec<Note> {
        let mut notes: Vec<Note> = Vec::new();
        let mut seen: Vec<(String, &SourceSpan)> = Vec::new();
        for d in &self.defined {
            let label = key(&d.label);
            let at = Location::new(&d.span.file, d.span.range.clone());
            if let Some((_, first)) = seen.iter().find(|(l, _)| *l == label) {
                let first = first.range.start;
                problems.push(
                    Diagnostic::error(
                        "duplicate-note",
                        at,
                        format!("the note `[^{}]` is defined twice", d.label),
                    )
                    .with_hint(format!(
                        "give this note a label of its own, or remove it (the first definition is at byte {first})"
                    )),
                );
                continue;
            }
            seen.push((label.clone(), &d.span));
            match self.referred.iter().find(|r| r.label == label) {
                Some(r) => notes.push(Note {
                    number: r.number,
                    label: d.label.clone(),
                    content: d.content.clone(),
                    span: d.span.clone(),
                }),
                None => problems.push(
                    Diagnostic::warning(
                        "unused-note",
                        at,
                        format!("the note `[^{}]` is never referred to", d.label),
                    )
                    .with_hint(format!(
                        "put the marker `[^{}]` where the note belongs in the text, or remove the note",
                        d.label
                    )),
                ),
            }
        }
        for (range, label) in bare_markers(rendered) {
            if seen.iter().any(|(l, _)| *l == key(label)) {
                continue;
            }
            problems.push(
                Diagnostic::error(
                    "missing-note",
                    locate(range),
                    format!("the marker `[^{label}]` has no note"),
                )
                .with_hint(format!(
                    "add the note below the paragraph, after a blank line: `[^{label}]: …`, or remove the marker"
                )),
            );
        }
        notes.sort_by_key(|n| n.number);
        notes
    }
}

/// Every `[^label]` of `text` that is not a definition (`[^label]:`), with its range.
fn bare_markers(text: &str) -> Vec<(Range<usize>, &str)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("[^") {
        let start = from + i;
        from = start + 2;
        let Some(len) = text[from..].find(']') else {
            break;
        };
        let label = &text[from..from + len];
        if label.is_empty() || label.contains(char::is_whitespace) || label.contains('[') {
            continue;
        }
        let end = from + len + 1;
        from = end;
        if !text[end..].starts_with(':') {
            found.push((start..end, label));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_markers_skip_definitions() {
        let text = "正文[^a]，又[^b]。\n\n[^a]: 注释";
        let found: Vec<&str> = bare_markers(text).into_iter().map(|(_, l)| l).collect();
        assert_eq!(found, ["a", "b"]);
    }
}
