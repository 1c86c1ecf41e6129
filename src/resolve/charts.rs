//! Annex charts: a spec from `data/charts.yaml`, the language's texts and the figures
//! → a model chart whose texts and numbers are final. Drawing it is `crate::chart`'s job.

use std::path::Path;

use tera::{Context, Tera};

use super::template_problem;
use crate::check::{Diagnostic, Location};
use crate::figures::{Figures, format};
use crate::model::{Chart, ChartCategory, ChartKind, ChartSeries, Lang, SourceSpan};
use crate::source::{self, CategoryLabel, ChartSpec, Labels, Sources, YearRef};

/// Decimals of the change labels ("+32.39%"), as the tables print them.
const CHANGE_DIGITS: usize = 2;

/// What a chart is drawn from: the data, the language's texts, and Tera to render them.
pub struct ChartInputs<'a> {
    pub sources: &'a Sources,
    pub labels: &'a Labels,
    pub figures: &'a Figures,
    pub lang: Lang,
    pub tera: &'a Tera,
    pub context: &'a Context,
}

/// The chart `id`, named in `report.yaml` at `listed_at`.
pub fn build(
    id: &str,
    listed_at: &Location,
    inputs: &ChartInputs,
    problems: &mut Vec<Diagnostic>,
) -> Option<Chart> {
    let ChartInputs {
        sources,
        labels,
        figures,
        lang,
        tera,
        context,
    } = *inputs;
    let Some(spec) = sources.charts.iter().find(|c| c.id == id) else {
        problems.push(
            Diagnostic::error(
                listed_at.clone(),
                format!("there is no chart `{id}` in {}", source::CHARTS),
            )
            .with_length(id.len())
            .with_hint("correct the id, or define the chart in data/charts.yaml"),
        );
        return None;
    };
    let Some(texts) = labels.charts.get(id) else {
        problems.push(
            Diagnostic::error(
                listed_at.clone(),
                format!("chart `{id}` has no texts in this language"),
            )
            .with_length(id.len())
            .with_hint(format!(
                "add `{id}:` under `charts:` in the language's {}",
                source::LABELS
            )),
        );
        return None;
    };
    let file = Path::new(source::CHARTS);
    let text = sources.text(file);
    let offset = text.find(&format!("id: {id}")).unwrap_or(0);
    let at = Location::new(file, offset);
    let before = problems.len();
    // The spec is checked once, with the source language; the legend in every language.
    let is_source = sources.editions.first().is_none_or(|e| e.lang == lang);
    if is_source {
        check_years(spec, &at, problems);
    }
    let legend_at = if is_source {
        at.clone()
    } else {
        let file = Path::new(lang.code()).join(source::LABELS);
        let offset = source::locate_key(sources.text(&file), &["charts", id]).unwrap_or(0);
        Location::new(&file, offset)
    };
    check_legend(spec, texts.legend.len(), &legend_at, problems);

    let mut render = |s: &str| match tera.render_str(s, context, false) {
        Ok(r) => r,
        Err(e) => {
            let mut problem = template_problem(file, &e);
            problem.location = at.clone();
            problems.push(problem);
            s.to_string()
        }
    };
    let title = render(&texts.title);
    let unit = texts.unit.as_deref().map(&mut render);
    let legend: Vec<String> = texts.legend.iter().map(|l| render(l)).collect();
    let change_heading = texts.change.as_deref().map(&mut render);

    let ids: Vec<&str> = if spec.categories.is_empty() {
        sources
            .caseload
            .categories
            .iter()
            .map(|c| c.id.as_str())
            .collect()
    } else {
        spec.categories.iter().map(String::as_str).collect()
    };
    let mut categories = Vec::new();
    for category in ids {
        let Some(names) = labels.categories.get(category) else {
            problems.push(
                Diagnostic::error(
                    at.clone(),
                    format!(
                        "chart `{id}` draws `{category}`, which is no category of this language"
                    ),
                )
                .with_hint("use an id of `categories:` in data/caseload.yaml (and en/labels.yaml)"),
            );
            continue;
        };
        let label = match spec.category_label {
            CategoryLabel::Short => names.short.clone(),
            CategoryLabel::Name => names.name.clone(),
        };
        categories.push(ChartCategory {
            id: category.to_string(),
            label,
        });
    }
    if problems.len() > before {
        return None;
    }

    let counts = figures.series(spec.series);
    let series: Vec<ChartSeries> = spec
        .years
        .iter()
        .zip(legend)
        .map(|(year, label)| {
            let by_category = match year {
                YearRef::Current => &counts.current,
                YearRef::Previous => &counts.previous,
            };
            // A missing count draws as 0; `check` reports it in caseload.yaml.
            let values: Vec<u64> = categories
                .iter()
                .map(|c| by_category.get(&c.id).copied().unwrap_or(0))
                .collect();
            ChartSeries {
                label,
                value_labels: values.iter().map(|&v| format::count(v, lang)).collect(),
                values,
            }
        })
        .collect();
    let changes = match (series.first(), series.last()) {
        (Some(first), Some(last)) if series.len() > 1 => first
            .values
            .iter()
            .zip(&last.values)
            .map(|(&from, &to)| change_label(from, to))
            .collect(),
        _ => Vec::new(),
    };
    let kind = match spec.kind {
        source::ChartKind::Bar => ChartKind::Bar,
        source::ChartKind::GroupedBar => ChartKind::GroupedBar,
        source::ChartKind::Pie => ChartKind::Pie,
    };
    let mut chart = Chart {
        id: spec.id.clone(),
        kind,
        lang,
        title,
        desc: String::new(),
        unit,
        categories,
        series,
        changes,
        change_heading,
        span: SourceSpan {
            file: file.to_path_buf(),
            line: text[..offset].matches('\n').count() + 1,
        },
    };
    chart.desc = describe(&chart);
    Some(chart)
}

/// The kind decides how many years a chart draws.
fn check_years(spec: &ChartSpec, at: &Location, problems: &mut Vec<Diagnostic>) {
    let (years, hint) = match spec.kind {
        source::ChartKind::GroupedBar => (2, "write `years: [previous, current]`"),
        source::ChartKind::Bar | source::ChartKind::Pie => (1, "write `years: [current]`"),
    };
    if spec.years.len() != years {
        problems.push(
            Diagnostic::error(
                at.clone(),
                format!(
                    "chart `{}` draws {} year(s); its kind needs {years}",
                    spec.id,
                    spec.years.len()
                ),
            )
            .with_hint(hint),
        );
    }
}

/// The legend names each year drawn.
fn check_legend(spec: &ChartSpec, legend: usize, at: &Location, problems: &mut Vec<Diagnostic>) {
    if legend != spec.years.len() {
        problems.push(
            Diagnostic::error(
                at.clone(),
                format!(
                    "chart `{}` has {legend} legend entries for {} year(s)",
                    spec.id,
                    spec.years.len()
                ),
            )
            .with_hint("give `legend:` one entry per year of `years:`, in the same order"),
        );
    }
}

/// "+32.39%", "-23.46%"; empty when there is nothing to compare with.
fn change_label(from: u64, to: u64) -> String {
    if from == 0 {
        return String::new();
    }
    let ratio = (to as f64 - from as f64) / from as f64;
    let text = format::percent(ratio, CHANGE_DIGITS);
    if ratio > 0.0 && !text.chars().all(|c| matches!(c, '0' | '.' | '%')) {
        format!("+{text}")
    } else {
        text
    }
}

/// The chart in words: what a screen reader says instead of showing it.
fn describe(chart: &Chart) -> String {
    let (kind, colon, sep, end) = match (chart.lang, chart.kind) {
        (Lang::Zh, ChartKind::Bar) => ("条形图", "：", "；", "。"),
        (Lang::Zh, ChartKind::GroupedBar) => ("分组条形图", "：", "；", "。"),
        (Lang::Zh, ChartKind::Pie) => ("饼图", "：", "；", "。"),
        (Lang::En, ChartKind::Bar) => ("Bar chart", ": ", "; ", "."),
        (Lang::En, ChartKind::GroupedBar) => ("Grouped bar chart", ": ", "; ", "."),
        (Lang::En, ChartKind::Pie) => ("Pie chart", ": ", "; ", "."),
    };
    let mut head = kind.to_string();
    if chart.series.len() > 1 {
        let names: Vec<&str> = chart.series.iter().map(|s| s.label.as_str()).collect();
        match chart.lang {
            Lang::Zh => head.push_str(&format!("，比较{}", names.join("与"))),
            Lang::En => head.push_str(&format!(" comparing {}", names.join(" with "))),
        }
    }
    if let Some(unit) = &chart.unit {
        match chart.lang {
            Lang::Zh => head.push_str(&format!("（{unit}）")),
            Lang::En => head.push_str(&format!(" ({unit})")),
        }
    }
    let items: Vec<String> = chart
        .categories
        .iter()
        .enumerate()
        .map(|(i, category)| {
            let values: Vec<&str> = chart
                .series
                .iter()
                .map(|s| s.value_labels[i].as_str())
                .collect();
            let mut item = match chart.lang {
                Lang::Zh => format!("{}{}", category.label, values.join("、")),
                Lang::En => format!("{} {}", category.label, values.join(" and ")),
            };
            if let Some(change) = chart.changes.get(i).filter(|c| !c.is_empty()) {
                match (chart.lang, &chart.change_heading) {
                    (Lang::Zh, Some(h)) => item.push_str(&format!("，{h}{change}")),
                    (Lang::Zh, None) => item.push_str(&format!("，{change}")),
                    (Lang::En, _) => item.push_str(&format!(" ({change})")),
                }
            }
            item
        })
        .collect();
    format!("{head}{colon}{}{end}", items.join(sep))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_carry_their_sign() {
        assert_eq!(change_label(1337, 1770), "+32.39%");
        assert_eq!(change_label(24664, 18879), "-23.46%");
        assert_eq!(change_label(100, 100), "0.00%");
        assert_eq!(change_label(0, 5), "");
    }
}
