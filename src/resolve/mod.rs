//! Stage 2b, **resolve**: sources and figures → the document model.
//!
//! Each section runs through Tera with the figures as context, then through
//! pulldown-cmark into our blocks; tables and charts are drawn from the figures by their
//! specs; the glossary and the cases become their blocks. Problems are collected, not thrown.

mod charts;
pub mod context;
pub mod filters;
mod markdown;
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
    let mut heading_count = 0;
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
                &mut heading_count,
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
                    .map(|(i, e)| GlossaryEntry {
                        id: e.id.clone(),
                        number: i as u32 + 1,
                        term: e.term.clone(),
                        definition: markdown::inline(&e.definition),
                        figure: e.figure.as_ref().map(|f| Figure {
                            caption: f.caption.clone(),
                            image: f.image.clone(),
                        }),
                        span: entry_span(sources, file, i),
                    })
                    .collect(),
            )],
            AnnexContent::Cases { file, entries } => vec![Block::Cases(
                entries
                    .iter()
                    .enumerate()
                    .map(|(i, c)| Case {
                        id: c.id.clone(),
                        number: i as u32 + 1,
                        title: c.title.clone(),
                        body: markdown::inline(&c.body),
                        figure: c.figure.as_ref().map(|f| Figure {
                            caption: f.caption.clone(),
                            image: f.image.clone(),
                        }),
                        span: entry_span(sources, file, i),
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
    let blocks = markdown::parse(&section, &mut 0, &mut Vec::new(), &mut problems);
    (blocks, problems)
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
