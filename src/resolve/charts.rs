//! Annex charts: a spec from `data/charts.yaml`, the language's texts and the figures
//! → a model chart whose texts and numbers are final. Drawing it is `crate::chart`'s job.

use super::context::{Catalog, RenderContext};
use crate::diag::{Diagnostic, Location};
use crate::figures::format;
use crate::model::{Chart, ChartCategory, ChartKind, ChartSeries, Lang};
use crate::source::{self, CategoryLabel, ChartSpec, YearRef};

/// Decimals of the change labels ("+32.39%"), as the tables print them.
const CHANGE_DIGITS: usize = 2;

/// The chart `id`, named in `report.yaml` at `listed_at`.
pub fn build(
    id: &str,
    listed_at: &Location,
    ctx: &RenderContext,
    problems: &mut Vec<Diagnostic>,
) -> Option<Chart> {
    let (sources, labels, figures, lang) = (ctx.sources, ctx.labels, ctx.figures, ctx.lang);
    let catalog = Catalog {
        kind: "chart",
        file: source::CHARTS,
        specs: &sources.charts,
        texts: &labels.charts,
        id_of: |c| &c.id,
    };
    let exhibit = ctx.exhibit(catalog, id, listed_at, problems)?;
    let (spec, texts, at) = (exhibit.spec, exhibit.texts, &exhibit.at);
    let names = (source::CHARTS, "charts", id);
    let before = problems.len();
    // The spec is checked once, with the source language; the legend in every language.
    if ctx.is_source() {
        let years = ctx.text_location(&exhibit, names, &["years"], &[]);
        check_years(spec, &years, problems);
    }
    let legend_at = ctx.text_location(&exhibit, names, &["legend"], &["legend"]);
    check_legend(spec, texts.legend.len(), &legend_at, problems);

    let mut render = |s: &str, path: &[&str]| {
        let at = ctx.text_location(&exhibit, names, path, path);
        ctx.render_value(s, &at, problems)
    };
    let title = render(&texts.title, &["title"]);
    let unit = texts.unit.as_deref().map(|u| render(u, &["unit"]));
    let legend: Vec<String> = texts
        .legend
        .iter()
        .enumerate()
        .map(|(i, l)| render(l, &["legend", &i.to_string()]))
        .collect();
    let change_heading = texts.change.as_deref().map(|c| render(c, &["change"]));

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
                    "unknown-category",
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
        span: exhibit.span,
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
                "chart-years",
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
                "chart-legend",
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
