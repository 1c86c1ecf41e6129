//! Stage 2b, **resolve**: sources and figures → the document model.
//!
//! Each section runs through Tera with the figures as context, then through
//! pulldown-cmark into our blocks; tables and charts are drawn from the figures by their
//! specs; the glossary and the cases become their blocks. Problems are collected, not thrown.

mod charts;
mod markdown;
mod tables;

use std::path::Path;

use tera::{Context, ErrorKind, Tera};

use crate::check::{Diagnostic, Location};
use crate::figures::{self, Figures};
use crate::model::{Annex, Block, Case, Figure, GlossaryEntry, Lang, Meta, Report, SourceSpan};
use crate::source::{self, AnnexContent, Edition, ExhibitKind, Sources};

pub use markdown::is_wide;

/// Build the report of one edition (language). Always returns a report (possibly with
/// holes where a section failed), with every problem found on the way.
pub fn resolve(
    sources: &Sources,
    figures: &Figures,
    edition: &Edition,
) -> (Report, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut tera = Tera::new();
    // Sections are Markdown: escaping belongs to the HTML renderer, not here.
    tera.autoescape_on(Vec::<&str>::new());
    figures::format::register(&mut tera, figures.notes(), edition.lang);
    let context = match Context::from_serialize(figures) {
        Ok(context) => context,
        Err(e) => {
            problems.push(Diagnostic::error(
                Location::new(Path::new(source::CASELOAD), 0),
                format!("the figures cannot be handed to templates: {e}"),
            ));
            Context::new()
        }
    };

    let mut body = Vec::new();
    let mut heading_count = 0;
    for file in &edition.sections {
        let text = sources.text(file);
        figures.notes().start_file(file);
        match tera.render_str(text, &context, false) {
            Ok(rendered) => body.extend(markdown::parse(
                &rendered,
                file,
                &mut heading_count,
                &mut problems,
            )),
            Err(e) => problems.push(template_problem(file, &e)),
        }
    }

    let table_inputs = tables::TableInputs {
        lang: edition.lang,
        sources,
        labels: &edition.labels,
        figures,
        tera: &tera,
        context: &context,
    };
    let chart_inputs = charts::ChartInputs {
        sources,
        labels: &edition.labels,
        figures,
        lang: edition.lang,
        tera: &tera,
        context: &context,
    };
    let mut annexes = Vec::new();
    for (index, annex) in edition.annexes.iter().enumerate() {
        let number = index as u32 + 1;
        let blocks = match &annex.content {
            AnnexContent::Exhibits(exhibits) => exhibits
                .iter()
                .filter_map(|e| match e.kind {
                    ExhibitKind::Table => {
                        tables::build(&e.id, &e.listed_at, &table_inputs, &mut problems)
                            .map(Block::Table)
                    }
                    ExhibitKind::Chart => {
                        charts::build(&e.id, &e.listed_at, &chart_inputs, &mut problems)
                            .map(Block::Chart)
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
                        span: entry_span(sources, file, &e.id),
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
                        span: entry_span(sources, file, &c.id),
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

/// Where a glossary term or case `id:` stands.
fn entry_span(sources: &Sources, file: &Path, id: &str) -> SourceSpan {
    let text = sources.text(file);
    let needle = format!("id: {id}");
    let offset = text.find(&needle).unwrap_or(0);
    SourceSpan {
        file: file.to_path_buf(),
        line: text[..offset].matches('\n').count() + 1,
    }
}

/// A Tera error as a diagnostic in the template's own file.
pub(crate) fn template_problem(file: &Path, error: &tera::Error) -> Diagnostic {
    match error.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let span = report.span();
            let mut message = report.message().to_string();
            let mut cause = std::error::Error::source(error);
            while let Some(inner) = cause {
                message.push_str(": ");
                message.push_str(&inner.to_string());
                cause = inner.source();
            }
            let hint = if message.contains("is not defined") {
                "check the spelling; the figures a section can use are listed in report/README.md"
            } else if message.contains("comment") {
                "`{#` starts a template comment: write a heading anchor as `{ #id }`, with spaces"
            } else {
                "a figure is written {{ name | filter(arg=value) }}; see report/README.md"
            };
            Diagnostic::error(
                Location::new(file, span.range.start),
                format!("template: {message}"),
            )
            .with_length(span.range.len())
            .with_hint(hint)
        }
        _ => Diagnostic::error(Location::new(file, 0), format!("template: {error}")),
    }
}
