//! Annex tables: a spec from `data/tables.yaml` plus the figures → a model table.

use std::path::Path;

use tera::{Context, Tera};

use super::template_problem;
use crate::check::{Diagnostic, Location};
use crate::figures::{Figures, format};
use crate::model::{Align, Cell, Lang, SourceSpan, Table};
use crate::source::{self, Labels, SeriesSpec, Sources, TableLayout, YearRef};

/// The key of the published total among a year's counts.
const TOTAL: &str = "total";

/// What a table is drawn from: the data, the language's texts, and Tera to render them.
pub struct TableInputs<'a> {
    /// The language counts are written in (`105890`, `105,890`).
    pub lang: Lang,
    pub sources: &'a Sources,
    pub labels: &'a Labels,
    pub figures: &'a Figures,
    pub tera: &'a Tera,
    pub context: &'a Context,
}

/// The table `id`, named in `report.yaml` at `listed_at`.
pub fn build(
    id: &str,
    listed_at: &Location,
    inputs: &TableInputs,
    problems: &mut Vec<Diagnostic>,
) -> Option<Table> {
    let TableInputs {
        lang,
        sources,
        labels,
        figures,
        tera,
        context,
    } = *inputs;
    let Some(spec) = sources.tables.iter().find(|t| t.id == id) else {
        problems.push(
            Diagnostic::error(
                listed_at.clone(),
                format!("there is no table `{id}` in {}", source::TABLES),
            )
            .with_length(id.len())
            .with_hint("correct the id, or define the table in data/tables.yaml"),
        );
        return None;
    };
    let Some(texts) = labels.tables.get(id) else {
        problems.push(
            Diagnostic::error(
                listed_at.clone(),
                format!("table `{id}` has no texts in this language"),
            )
            .with_length(id.len())
            .with_hint(format!(
                "add `{id}:` under `tables:` in the language's {}",
                source::LABELS
            )),
        );
        return None;
    };
    let file = Path::new(source::TABLES);
    let text = sources.text(file);
    let offset = text.find(&format!("id: {id}")).unwrap_or(0);
    let at = Location::new(file, offset);
    if spec.rows.is_empty() && spec.columns.is_empty() {
        problems.push(
            Diagnostic::error(at.clone(), format!("table `{id}` has no rows or columns"))
                .with_hint(
                    "add `rows:` (categories-as-columns) or `columns:` (categories-as-rows)",
                ),
        );
    }
    for series in spec.rows.iter().chain(&spec.columns) {
        if series.series.is_some() == series.change.is_some() {
            problems.push(
                Diagnostic::error(
                    at.clone(),
                    format!(
                        "`{}` in table `{id}` needs either `series` or `change`",
                        series.label
                    ),
                )
                .with_hint("write `series: received` with `year: current`, or `change: received`"),
            );
        }
    }

    let mut render = |s: &str| match tera.render_str(s, context, false) {
        Ok(r) => r,
        Err(e) => {
            let mut problem = template_problem(file, &e);
            problem.location = at.clone();
            problems.push(problem);
            s.to_string()
        }
    };

    let categories = &sources.caseload.categories;
    let category = |id: &str| labels.categories.get(id).cloned().unwrap_or_default();
    let series_label = |i: usize| texts.labels.get(i).cloned().unwrap_or_default();
    let (header, rows) = match spec.layout {
        TableLayout::CategoriesAsColumns => {
            let mut header = vec![text_cell(String::new())];
            header.extend(categories.iter().map(|c| text_cell(category(&c.id).short)));
            header.push(text_cell(texts.total_label.clone()));
            let mut rows = Vec::new();
            for (i, row) in spec.rows.iter().enumerate() {
                let mut cells = vec![text_cell(render(&series_label(i)))];
                for key in categories.iter().map(|c| c.id.as_str()).chain([TOTAL]) {
                    cells.push(number_cell(value(row, key, figures, lang)));
                }
                rows.push(cells);
            }
            (header, rows)
        }
        TableLayout::CategoriesAsRows => {
            let mut header = vec![text_cell(String::new())];
            header.extend((0..spec.columns.len()).map(|i| text_cell(render(&series_label(i)))));
            let mut rows = Vec::new();
            let labelled = categories
                .iter()
                .map(|c| (category(&c.id).name, c.id.as_str()))
                .chain([(texts.total_label.clone(), TOTAL)]);
            for (label, key) in labelled {
                let mut cells = vec![text_cell(label)];
                for column in &spec.columns {
                    cells.push(number_cell(value(column, key, figures, lang)));
                }
                rows.push(cells);
            }
            (header, rows)
        }
    };
    Some(Table {
        id: spec.id.clone(),
        title: texts.title.as_deref().map(&mut render),
        unit: texts.unit.as_deref().map(&mut render),
        caption: texts.caption.as_deref().map(&mut render),
        header,
        rows,
        span: SourceSpan {
            file: file.to_path_buf(),
            line: text[..offset].matches('\n').count() + 1,
        },
    })
}

/// The text of one cell: a count, or a change as a percentage; empty where the data
/// has no figure (check reports the missing count).
fn value(spec: &SeriesSpec, key: &str, figures: &Figures, lang: Lang) -> String {
    if let Some(series) = spec.series {
        let figures = figures.series(series);
        let counts = match spec.year.unwrap_or(YearRef::Current) {
            YearRef::Current => &figures.current,
            YearRef::Previous => &figures.previous,
        };
        return counts
            .get(key)
            .map_or_else(String::new, |&c| format::count(c, lang));
    }
    let change = spec.change.and_then(|s| figures.series(s).change.get(key));
    change.map_or_else(String::new, |c| {
        format::percent(*c, spec.digits.unwrap_or(2))
    })
}

fn text_cell(text: String) -> Cell {
    Cell {
        text,
        align: Align::Left,
    }
}

fn number_cell(text: String) -> Cell {
    Cell {
        text,
        align: Align::Right,
    }
}
