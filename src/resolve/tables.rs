//! Annex tables: a spec from `data/tables.yaml` plus the figures → a model table.

use super::context::{Catalog, RenderContext};
use crate::diag::{Diagnostic, Location};
use crate::figures::{Figures, format};
use crate::model::{Align, Cell, Lang, Table};
use crate::source::{self, SeriesSpec, TableLayout, YearRef};

/// The key of the published total among a year's counts.
const TOTAL: &str = "total";

/// The table `id`, named in `report.yaml` at `listed_at`.
pub fn build(
    id: &str,
    listed_at: &Location,
    ctx: &RenderContext,
    problems: &mut Vec<Diagnostic>,
) -> Option<Table> {
    let (sources, labels, figures, lang) = (ctx.sources, ctx.labels, ctx.figures, ctx.lang);
    let catalog = Catalog {
        kind: "table",
        file: source::TABLES,
        specs: &sources.tables,
        texts: &labels.tables,
        id_of: |t| &t.id,
    };
    let exhibit = ctx.exhibit(catalog, id, listed_at, problems)?;
    let (spec, texts, at) = (exhibit.spec, exhibit.texts, &exhibit.at);
    if spec.rows.is_empty() && spec.columns.is_empty() {
        problems.push(
            Diagnostic::error(
                "table-shape",
                at.clone(),
                format!("table `{id}` has no rows or columns"),
            )
            .with_hint("add `rows:` (categories-as-columns) or `columns:` (categories-as-rows)"),
        );
    }
    for series in spec.rows.iter().chain(&spec.columns) {
        if series.series.is_some() == series.change.is_some() {
            problems.push(
                Diagnostic::error(
                    "table-shape",
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

    let names = (source::TABLES, "tables", id);
    let mut render = |s: &str, spec_path: &[&str], label_path: &[&str]| {
        let at = ctx.text_location(&exhibit, names, spec_path, label_path);
        ctx.render_value(s, &at, problems)
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
                let n = i.to_string();
                let label = render(&series_label(i), &["rows", &n, "label"], &["labels", &n]);
                let mut cells = vec![text_cell(label)];
                for key in categories.iter().map(|c| c.id.as_str()).chain([TOTAL]) {
                    cells.push(number_cell(value(row, key, figures, lang)));
                }
                rows.push(cells);
            }
            (header, rows)
        }
        TableLayout::CategoriesAsRows => {
            let mut header = vec![text_cell(String::new())];
            for i in 0..spec.columns.len() {
                let n = i.to_string();
                let label = render(&series_label(i), &["columns", &n, "label"], &["labels", &n]);
                header.push(text_cell(label));
            }
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
        title: texts
            .title
            .as_deref()
            .map(|t| render(t, &["title"], &["title"])),
        unit: texts
            .unit
            .as_deref()
            .map(|t| render(t, &["unit"], &["unit"])),
        caption: texts
            .caption
            .as_deref()
            .map(|t| render(t, &["caption"], &["caption"])),
        header,
        rows,
        span: exhibit.span,
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
