//! Everything one edition is resolved with (as zola's `RenderContext`): the sources,
//! the figures, the language's texts, and Tera with the report's filters. Sections,
//! tables and charts all render their texts through it, so that a template problem or
//! a truncated figure is reported the same way, at the place it was written.

use std::collections::BTreeMap;
use std::path::Path;

use tera::{Context, ErrorKind, Tera};

use super::filters::{self, Truncations};
use crate::diag::{Diagnostic, LineIndex, Location};
use crate::figures::Figures;
use crate::model::{Lang, SourceSpan};
use crate::source::{self, Edition, Labels, Sources};

pub struct RenderContext<'a> {
    pub lang: Lang,
    pub sources: &'a Sources,
    pub labels: &'a Labels,
    pub figures: &'a Figures,
    tera: Tera,
    context: Context,
    truncations: Truncations,
}

/// Where a text given to Tera was written.
#[derive(Clone, Copy)]
pub enum Origin<'a> {
    /// A whole file: an offset in the text is an offset in the file.
    File(&'a Path),
    /// A value of a YAML file: every problem points at the value.
    Value(&'a Location),
}

impl<'a> RenderContext<'a> {
    pub fn new(
        sources: &'a Sources,
        figures: &'a Figures,
        edition: &'a Edition,
        problems: &mut Vec<Diagnostic>,
    ) -> RenderContext<'a> {
        let mut tera = Tera::new();
        // Sections are Markdown: escaping belongs to the HTML renderer, not here.
        tera.autoescape_on(Vec::<&str>::new());
        let truncations = Truncations::default();
        filters::register(&mut tera, &truncations, edition.lang);
        let context = match Context::from_serialize(figures) {
            Ok(context) => context,
            Err(e) => {
                problems.push(Diagnostic::error(
                    "figures",
                    Location::at(Path::new(source::CASELOAD), 0),
                    format!("the figures cannot be handed to templates: {e}"),
                ));
                Context::new()
            }
        };
        RenderContext {
            lang: edition.lang,
            sources,
            labels: &edition.labels,
            figures,
            tera,
            context,
            truncations,
        }
    }

    /// `text` through Tera; `None` (and a problem) when it does not render.
    pub fn render(
        &self,
        text: &str,
        origin: Origin,
        problems: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        let rendered = self.tera.render_str(text, &self.context, false);
        let found = self.truncations.take();
        match rendered {
            Ok(rendered) => {
                for (i, truncation) in found.iter().enumerate() {
                    let at = self
                        .truncations
                        .locate(&self.tera, text, &self.context, i)
                        .map(|range| place(text, range, origin));
                    problems.push(truncation_problem(truncation, at, origin));
                }
                Some(rendered)
            }
            Err(e) => {
                problems.extend(template_problems(text, &e, origin));
                None
            }
        }
    }

    /// A text of a YAML file through Tera; the text itself when it does not render.
    pub fn render_value(
        &self,
        text: &str,
        at: &Location,
        problems: &mut Vec<Diagnostic>,
    ) -> String {
        self.render(text, Origin::Value(at), problems)
            .unwrap_or_else(|| text.to_string())
    }

    /// The spec of the table or chart `id` from `catalog` and its texts in this
    /// language; a problem at `listed_at` (where `report.yaml` names it) when either is
    /// missing.
    pub fn exhibit<'s, S, T>(
        &self,
        catalog: Catalog<'s, S, T>,
        id: &str,
        listed_at: &Location,
        problems: &mut Vec<Diagnostic>,
    ) -> Option<Exhibit<'s, S, T>> {
        let Catalog {
            kind,
            file,
            specs,
            texts,
            id_of,
        } = catalog;
        let Some(index) = specs.iter().position(|s| id_of(s) == id) else {
            problems.push(
                Diagnostic::error(
                    "unknown-exhibit",
                    listed_at.clone(),
                    format!("there is no {kind} `{id}` in {file}"),
                )
                .with_hint(format!("correct the id, or define the {kind} in {file}")),
            );
            return None;
        };
        let Some(texts) = texts.get(id) else {
            problems.push(
                Diagnostic::error(
                    "untranslated-exhibit",
                    listed_at.clone(),
                    format!("{kind} `{id}` has no texts in this language"),
                )
                .with_hint(format!(
                    "add `{id}:` under `{kind}s:` in the language's {}",
                    source::LABELS
                )),
            );
            return None;
        };
        let file = Path::new(file);
        let item = index.to_string();
        let spans = self.sources.yaml(file);
        Some(Exhibit {
            index,
            spec: &specs[index],
            texts,
            at: self.sources.yaml_location(file, &[&item, "id"]),
            span: SourceSpan::new(file, spans.value(&[&item]).unwrap_or(0..0)),
        })
    }

    /// Where a text of an exhibit was written: in the spec (`spec_path` below the
    /// exhibit's entry of `file`) for the source language, in the translation's labels
    /// (`label_path` below `kind_key: id:`) for the others.
    pub fn text_location<S, T>(
        &self,
        exhibit: &Exhibit<S, T>,
        (file, kind_key, id): (&str, &str, &str),
        spec_path: &[&str],
        label_path: &[&str],
    ) -> Location {
        if self.is_source() {
            let item = exhibit.index.to_string();
            let path: Vec<&str> = [item.as_str()]
                .into_iter()
                .chain(spec_path.iter().copied())
                .collect();
            self.sources.yaml_location(Path::new(file), &path)
        } else {
            let labels = Path::new(self.lang.code()).join(source::LABELS);
            let path: Vec<&str> = [kind_key, id]
                .into_iter()
                .chain(label_path.iter().copied())
                .collect();
            self.sources.yaml_location(&labels, &path)
        }
    }

    /// Is this the edition of the source language (whose specs are checked)?
    pub fn is_source(&self) -> bool {
        self.sources
            .editions
            .first()
            .is_none_or(|e| e.lang == self.lang)
    }
}

/// Where the specs of a kind of exhibit are, and their texts in one language.
pub struct Catalog<'s, S, T> {
    /// `table` or `chart`, as messages name it.
    pub kind: &'static str,
    /// The file of the specs.
    pub file: &'static str,
    pub specs: &'s [S],
    pub texts: &'s BTreeMap<String, T>,
    pub id_of: fn(&S) -> &str,
}

/// A table or chart found with [`RenderContext::exhibit`].
pub struct Exhibit<'s, S, T> {
    /// Its place in the file of the specs.
    pub index: usize,
    pub spec: &'s S,
    pub texts: &'s T,
    /// Its `id:` value, where problems of the spec point.
    pub at: Location,
    /// The whole spec.
    pub span: SourceSpan,
}

/// The location of `range` of a text from `origin`.
fn place(_text: &str, range: std::ops::Range<usize>, origin: Origin) -> Location {
    match origin {
        Origin::File(file) => Location::new(file, range),
        Origin::Value(at) => at.clone(),
    }
}

fn truncation_problem(t: &filters::Truncation, at: Option<Location>, origin: Origin) -> Diagnostic {
    let at = at.unwrap_or_else(|| match origin {
        Origin::File(file) => Location::at(file, 0),
        Origin::Value(at) => at.clone(),
    });
    Diagnostic::warning(
        "truncated-figure",
        at,
        format!(
            "{} truncates {}; rounding, as the report's other figures do, gives {}",
            t.printed, t.value, t.rounded
        ),
    )
    .with_hint(
        "this reproduces the published text; drop `rounding=\"down\"` to print the rounded figure",
    )
}

/// A Tera error as diagnostics at the place in the text it names.
pub fn template_problems(text: &str, error: &tera::Error, origin: Origin) -> Vec<Diagnostic> {
    match error.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
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
            vec![
                Diagnostic::error(
                    "template",
                    place(text, report.span().range.clone(), origin),
                    format!("template: {message}"),
                )
                .with_hint(hint),
            ]
        }
        ErrorKind::Msg(message) if message.contains("Unknown ") => {
            unknown_names(text, message, origin)
        }
        _ => vec![Diagnostic::error(
            "template",
            place(text, 0..0, origin),
            format!("template: {error}"),
        )],
    }
}

/// Tera checks the filters, tests and functions a template names before rendering it,
/// and reports the unknown ones as text only: "error: Unknown filter `abss`" and
/// "--> NAME:LINE:COLUMN" with the position of the name. One diagnostic each, at the
/// name, with the closest known filter.
fn unknown_names(text: &str, message: &str, origin: Origin) -> Vec<Diagnostic> {
    let lines = LineIndex::new(text);
    let mut problems = Vec::new();
    for report in message.split("\n\n") {
        let Some(what) = report
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("error: "))
        else {
            continue;
        };
        let name = what.split('`').nth(1).unwrap_or("");
        let position = report
            .lines()
            .find_map(|l| l.trim_start().strip_prefix("--> "))
            .and_then(|at| {
                let mut parts = at.rsplit(':');
                let column: usize = parts.next()?.parse().ok()?;
                let line: usize = parts.next()?.parse().ok()?;
                Some((line, column))
            });
        let range = position.map_or(0..0, |(line, column)| {
            let start = lines.offset_of_line(line);
            let end = lines.offset_of_line(line + 1).min(text.len());
            let within = &text[start..end];
            let offset = within
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(within.len(), |(i, _)| i);
            start + offset..start + offset + name.len()
        });
        let (rule, message, hint) = if what.starts_with("Unknown filter") {
            let hint = match filters::closest(name) {
                Some(known) => format!(
                    "did you mean `{known}`? The report's filters are listed in report/README.md"
                ),
                None => "the report's filters are listed in report/README.md".to_string(),
            };
            (
                "unknown-filter",
                format!("template: there is no filter `{name}`"),
                hint,
            )
        } else {
            (
                "unknown-name",
                format!("template: {}", what.replace("Unknown", "there is no")),
                "see report/README.md for what a section can use".to_string(),
            )
        };
        problems.push(Diagnostic::error(rule, place(text, range, origin), message).with_hint(hint));
    }
    problems
}
