//! Stage 2b, **resolve**: sources and figures → the document model.
//!
//! Each section runs through Tera with the figures as context, then through
//! pulldown-cmark into our blocks; tables and charts are drawn from the figures by their
//! specs; the glossary and the cases become their blocks. Problems are collected, not thrown.

mod charts;
pub mod context;
pub mod filters;
mod markdown;
mod notes;
mod tables;

use std::path::Path;

use crate::diag::Diagnostic;
use crate::figures::Figures;
use crate::model::{Annex, Block, Case, Figure, GlossaryEntry, Lang, Meta, Report, SourceSpan};
use crate::source::{AnnexContent, Edition, ExhibitKind, Sources};
use context::{Origin, RenderContext};

/// Build the report of one edition (language). Always returns a report (possibly with
/// holes where a section failed), with every problem found on the way.
pub fn resolve(
    sources: &Sources,
    figures: &Figures,
    edition: &Edition,
) -> (Report, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let ctx = RenderContext::new(sources, figures, edition, &mut problems);

    let mut body = Vec::new();
    let mut counters = markdown::Counters::default();
    let mut terms = Vec::new();
    for file in &edition.sections {
        let text = sources.text(file);
        if let Some(rendered) = ctx.render(text, Origin::File(file), &mut problems) {
            let section = markdown::Section {
                file,
                source: text,
                rendered: &rendered,
            };
            body.extend(markdown::parse(
                &section,
                &mut counters,
                &mut terms,
                &mut problems,
            ));
        }
    }

    let mut annexes = Vec::new();
    for (index, annex) in edition.annexes.iter().enumerate() {
        let number = index as u32 + 1;
        let blocks = match &annex.content {
            AnnexContent::Exhibits(exhibits) => exhibits
                .iter()
                .filter_map(|e| match e.kind {
                    ExhibitKind::Table => {
                        tables::build(&e.id, &e.listed_at, &ctx, &mut problems).map(Block::Table)
                    }
                    ExhibitKind::Chart => {
                        charts::build(&e.id, &e.listed_at, &ctx, &mut problems).map(Block::Chart)
                    }
                })
                .collect(),
            AnnexContent::Glossary { file, entries } => vec![Block::Glossary(
                entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| {
                        let at = [i.to_string(), "definition".into()];
                        warn_missing_picture(sources, file, i, e.figure.as_ref(), &mut problems);
                        let (definition, notes) = entry_text(
                            sources,
                            file,
                            &at,
                            &e.definition,
                            &mut counters,
                            &mut terms,
                            &mut problems,
                        );
                        GlossaryEntry {
                            id: e.id.clone(),
                            number: i as u32 + 1,
                            term: e.term.clone(),
                            definition,
                            figure: e.figure.as_ref().map(|f| Figure {
                                caption: f.caption.clone(),
                                image: f.image.clone(),
                            }),
                            notes,
                            span: entry_span(sources, file, i),
                        }
                    })
                    .collect(),
            )],
            AnnexContent::Cases { file, entries } => vec![Block::Cases(
                entries
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let at = [i.to_string(), "body".into()];
                        warn_missing_picture(sources, file, i, c.figure.as_ref(), &mut problems);
                        let (body, notes) = entry_text(
                            sources,
                            file,
                            &at,
                            &c.body,
                            &mut counters,
                            &mut terms,
                            &mut problems,
                        );
                        Case {
                            id: c.id.clone(),
                            number: i as u32 + 1,
                            title: c.title.clone(),
                            body,
                            figure: c.figure.as_ref().map(|f| Figure {
                                caption: f.caption.clone(),
                                image: f.image.clone(),
                            }),
                            notes,
                            span: entry_span(sources, file, i),
                        }
                    })
                    .collect(),
            )],
        };
        annexes.push(Annex {
            number,
            label: annex.label.clone(),
            title: annex.title.clone(),
            id: format!("annex-{number}"),
            blocks,
        });
    }

    check_terms(&terms, &annexes, &mut problems);

    let labels = &edition.labels;
    let speaker = match edition.lang {
        Lang::Zh => format!("{}  {}", labels.speaker.position, labels.speaker.name),
        Lang::En => format!("{} {}", labels.speaker.position, labels.speaker.name),
    };
    let meta = Meta {
        title: labels.title.clone(),
        court: labels.court.clone(),
        occasion: labels.occasion.clone(),
        speaker,
        salutation: labels.salutation.clone(),
        year: sources.manifest.year,
        date: sources.manifest.occasion.date.clone(),
    };
    let report = Report {
        lang: edition.lang,
        meta,
        body,
        annexes,
    };
    (report, problems)
}

/// Markdown prose, without templates, as a section of `file` becomes blocks: what
/// tools and tests compare when they change a section's text but not its meaning.
pub fn prose(file: &Path, text: &str) -> (Vec<Block>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let section = markdown::Section {
        file,
        source: text,
        rendered: text,
    };
    let blocks = markdown::parse(
        &section,
        &mut markdown::Counters::default(),
        &mut Vec::new(),
        &mut problems,
    );
    (blocks, problems)
}

/// A figure with a caption but no picture prints its caption alone; unless the
/// entry says the picture is lost (`lost: true`), that is likely an oversight.
fn warn_missing_picture(
    sources: &Sources,
    file: &Path,
    index: usize,
    figure: Option<&crate::source::FigureSource>,
    problems: &mut Vec<Diagnostic>,
) {
    let Some(figure) = figure else { return };
    if figure.image.is_some() || figure.lost {
        return;
    }
    let key = sources
        .yaml(file)
        .key(&[&index.to_string(), "figure"])
        .unwrap_or(0..0);
    problems.push(
        Diagnostic::warning(
            "missing-picture",
            crate::diag::Location::new(file, key),
            "this figure has a caption but no picture: only the caption will print",
        )
        .with_hint("add `image: images/NAME.png` (not yet printed), or `lost: true` if the picture is known to be lost"),
    );
}

/// The Markdown of one text field of a glossary or cases file (at key path `at`),
/// with its notes; every problem and span found in it points into the file.
fn entry_text(
    sources: &Sources,
    file: &Path,
    at: &[String],
    text: &str,
    counters: &mut markdown::Counters,
    terms: &mut Vec<markdown::TermUse>,
    problems: &mut Vec<Diagnostic>,
) -> (Vec<crate::model::Inline>, Vec<crate::model::Note>) {
    let path: Vec<&str> = at.iter().map(String::as_str).collect();
    let value = sources.yaml(file).value(&path).unwrap_or(0..0);
    let offsets = ScalarOffsets::new(sources.text(file), value, text);
    let (first_problem, first_term) = (problems.len(), terms.len());
    let (content, mut notes) = markdown::inline(text, file, counters, terms, problems);
    for problem in &mut problems[first_problem..] {
        problem.location.range = offsets.range(&problem.location.range);
    }
    for term in &mut terms[first_term..] {
        term.at.range = offsets.range(&term.at.range);
    }
    for note in &mut notes {
        note.span.range = offsets.range(&note.span.range);
    }
    (content, notes)
}

/// Offsets of a YAML string's value → offsets of the file: each line of the value
/// is found, in order, in the file's text of the scalar (a block scalar only loses
/// its indentation; a line not found falls back to the scalar's start).
struct ScalarOffsets {
    /// Per line of the value: its start in the value and in the file.
    lines: Vec<(usize, usize)>,
    fallback: usize,
}

impl ScalarOffsets {
    fn new(file_text: &str, scalar: std::ops::Range<usize>, value: &str) -> ScalarOffsets {
        let mut lines = Vec::new();
        let mut cursor = scalar.start.min(file_text.len());
        let end = scalar.end.clamp(cursor, file_text.len());
        let mut at = 0;
        for line in value.split_inclusive('\n') {
            let text = line.trim_end_matches('\n');
            let found = if text.is_empty() {
                None
            } else {
                file_text
                    .get(cursor..end)
                    .and_then(|s| s.find(text))
                    .map(|i| cursor + i)
            };
            if let Some(start) = found {
                lines.push((at, start));
                cursor = start + text.len();
            }
            at += line.len();
        }
        ScalarOffsets {
            lines,
            fallback: scalar.start,
        }
    }

    fn offset(&self, offset: usize) -> usize {
        match self.lines.iter().rev().find(|(at, _)| *at <= offset) {
            Some((at, start)) => start + (offset - at),
            None => self.fallback,
        }
    }

    fn range(&self, range: &std::ops::Range<usize>) -> std::ops::Range<usize> {
        let start = self.offset(range.start);
        start..self.offset(range.end).max(start)
    }
}

/// Every `[words](term:ID)` must name an entry of the glossary.
fn check_terms(terms: &[markdown::TermUse], annexes: &[Annex], problems: &mut Vec<Diagnostic>) {
    let defined: std::collections::BTreeSet<&str> = annexes
        .iter()
        .flat_map(|a| &a.blocks)
        .filter_map(|b| match b {
            Block::Glossary(entries) => Some(entries),
            _ => None,
        })
        .flatten()
        .map(|e| e.id.as_str())
        .collect();
    for term in terms.iter().filter(|t| !defined.contains(t.id.as_str())) {
        problems.push(
            Diagnostic::error(
                "unknown-term",
                term.at.clone(),
                format!("the glossary has no term `{}`", term.id),
            )
            .with_hint("add the term to the glossary, or correct the id after `term:`"),
        );
    }
}

/// The `index`th entry of a glossary or cases file, whole.
fn entry_span(sources: &Sources, file: &Path, index: usize) -> SourceSpan {
    let range = sources.yaml(file).value(&[&index.to_string()]);
    SourceSpan::new(file, range.unwrap_or(0..0))
}
