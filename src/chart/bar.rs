//! Bar charts with horizontal bars, one band per category: long category names
//! ("Administrative") stay readable, and so does a phone-width page.
//!
//! ```text
//!                         title
//! [▨] 2022年  [■] 2023年                    单位：件        同比
//!   刑事 ▨▨ 1337
//!        ■■■ 1770                                           +32.39%
//!   民事 ▨▨▨▨▨▨▨▨▨▨▨▨▨ 28683
//!        ■■■■■■■■■■■■■■■■■ 38151                            +33.01%
//!        |        |        |        |
//!        0      10000    20000    30000
//! ```
//!
//! The first series is the year compared with (light, hatched); the last is the
//! year in focus (dark, solid). A chart of one year draws solid bars only.

use super::{
    Anchor, Colour, DARK, Drawing, GRID, INK, Item, LABEL_SIZE, LIGHT, Mark, NUMBER_SIZE, Stroke,
    TITLE_SIZE, Text, TextRole, axis, centred_baseline, hatch, text_width, wrap,
};
use crate::figures::format;
use crate::model::Chart;

/// Space between a label and what it labels.
const GAP: f32 = 5.0;
/// Bar thickness, and the space between the bands of two categories.
const BAR: f32 = 11.0;
const SINGLE_BAR: f32 = 14.0;
const BAND_GAP: f32 = 10.0;
/// Space between the two bars of a pair.
const PAIR_GAP: f32 = 2.0;
const HATCH_SPACING: f32 = 3.2;
const LEGEND_SWATCH: f32 = 9.0;
/// About this many intervals on the value axis.
const TICK_TARGET: u64 = 5;

pub(super) fn draw(chart: &Chart, d: &mut Drawing) {
    let width = d.width;
    let mut y = title(chart, d);

    // The legend (when years are compared), the unit and the change heading share a row.
    let compared = chart.series.len() > 1;
    let row = y + LABEL_SIZE;
    let baseline = centred_baseline(row - LABEL_SIZE / 2.0, LABEL_SIZE);
    let change_width = if compared {
        chart
            .changes
            .iter()
            .chain(&chart.change_heading)
            .map(|t| text_width(t, NUMBER_SIZE))
            .fold(0.0, f32::max)
            + 2.0 * GAP
    } else {
        0.0
    };
    let label_width = chart
        .categories
        .iter()
        .map(|c| text_width(&c.label, LABEL_SIZE))
        .fold(0.0, f32::max);
    let x0 = label_width + GAP;
    // The last tick label is centred on the end of the axis: leave it half its width.
    let max = chart
        .series
        .iter()
        .flat_map(|s| &s.values)
        .copied()
        .max()
        .unwrap_or(0);
    let step = axis::step(max, TICK_TARGET);
    let widest_tick = format::count(max.div_ceil(step).max(1) * step * 2, chart.lang);
    let x1 = width - change_width.max(text_width(&widest_tick, NUMBER_SIZE) / 2.0);
    if compared {
        let mut x = x0;
        for (i, series) in chart.series.iter().enumerate() {
            let swatch_top = row - LABEL_SIZE / 2.0 - LEGEND_SWATCH / 2.0;
            let swatch = Area {
                x,
                y: swatch_top,
                width: LEGEND_SWATCH,
                height: LEGEND_SWATCH,
            };
            bar(d, swatch, i, chart, None);
            x += LEGEND_SWATCH + GAP * 0.8;
            d.items.push(text(
                x,
                baseline,
                &series.label,
                LABEL_SIZE,
                Anchor::Start,
                TextRole::Legend,
            ));
            x += text_width(&series.label, LABEL_SIZE) + 3.0 * GAP;
        }
    }
    if let Some(unit) = &chart.unit {
        d.items.push(text(
            x1,
            baseline,
            unit,
            NUMBER_SIZE,
            Anchor::End,
            TextRole::Unit,
        ));
    }
    if let (true, Some(heading)) = (compared, &chart.change_heading) {
        d.items.push(text(
            width,
            baseline,
            heading,
            NUMBER_SIZE,
            Anchor::End,
            TextRole::Change,
        ));
    }
    y = row + GAP * 1.6;

    // The value axis: round ticks, extended until every bar's label fits beside it.
    let mut end = max.div_ceil(step).max(1) * step;
    let scale = loop {
        let scale = (x1 - x0) / end as f32;
        let fits = chart.series.iter().all(|s| {
            s.values.iter().zip(&s.value_labels).all(|(&v, label)| {
                x0 + v as f32 * scale + GAP + text_width(label, NUMBER_SIZE) <= x1
            })
        });
        if fits || end > max.saturating_mul(4) {
            break scale;
        }
        end += step;
    };
    let ticks = axis::ticks(step, end);

    let (bar_height, pair_gap) = if compared {
        (BAR, PAIR_GAP)
    } else {
        (SINGLE_BAR, 0.0)
    };
    let bars = chart.series.len() as f32;
    let band = bars * bar_height + (bars - 1.0) * pair_gap + BAND_GAP;
    let plot_top = y;
    let plot_bottom = plot_top + band * chart.categories.len() as f32;

    // Grid lines under the bars.
    let grid = ticks
        .iter()
        .skip(1)
        .map(|&t| {
            let x = x0 + t as f32 * scale;
            [(x, plot_top), (x, plot_bottom)]
        })
        .collect();
    d.items.push(Item::Lines {
        segments: grid,
        stroke: Stroke {
            colour: GRID,
            width: 0.5,
        },
    });

    for (i, category) in chart.categories.iter().enumerate() {
        let top = plot_top + i as f32 * band + BAND_GAP / 2.0;
        let middle = top + (band - BAND_GAP) / 2.0;
        d.items.push(text(
            x0 - GAP,
            centred_baseline(middle, LABEL_SIZE),
            &category.label,
            LABEL_SIZE,
            Anchor::End,
            TextRole::Category,
        ));
        for (s, series) in chart.series.iter().enumerate() {
            let bar_top = top + s as f32 * (bar_height + pair_gap);
            let length = series.values[i] as f32 * scale;
            let mark = Mark {
                category: category.id.clone(),
                series: s,
            };
            let area = Area {
                x: x0,
                y: bar_top,
                width: length,
                height: bar_height,
            };
            bar(d, area, s, chart, Some(mark));
            d.items.push(text(
                x0 + length + GAP * 0.6,
                centred_baseline(bar_top + bar_height / 2.0, NUMBER_SIZE),
                &series.value_labels[i],
                NUMBER_SIZE,
                Anchor::Start,
                TextRole::Value,
            ));
        }
        if let Some(change) = chart.changes.get(i).filter(|c| !c.is_empty()) {
            // At the end of the row, level with the middle of its pair.
            d.items.push(text(
                width,
                centred_baseline(middle, NUMBER_SIZE),
                change,
                NUMBER_SIZE,
                Anchor::End,
                TextRole::Change,
            ));
        }
    }

    // The axis line and the tick labels.
    let tick_length = 3.0;
    let mut axis_lines = vec![
        [(x0, plot_top), (x0, plot_bottom)],
        [(x0, plot_bottom), (x1, plot_bottom)],
    ];
    for &t in &ticks {
        let x = x0 + t as f32 * scale;
        axis_lines.push([(x, plot_bottom), (x, plot_bottom + tick_length)]);
        d.items.push(text(
            x,
            plot_bottom + tick_length + 0.95 * NUMBER_SIZE,
            &format::count(t, chart.lang),
            NUMBER_SIZE,
            Anchor::Middle,
            TextRole::Tick,
        ));
    }
    d.items.push(Item::Lines {
        segments: axis_lines,
        stroke: Stroke {
            colour: INK,
            width: 0.7,
        },
    });
    d.height = plot_bottom + tick_length + 1.3 * NUMBER_SIZE;
}

/// The title, centred, wrapped if it must be; returns the depth below it.
pub(super) fn title(chart: &Chart, d: &mut Drawing) -> f32 {
    let mut y = 0.0;
    for line in wrap(&chart.title, TITLE_SIZE, d.width) {
        y += TITLE_SIZE * 1.35;
        d.items.push(text(
            d.width / 2.0,
            y - 0.3 * TITLE_SIZE,
            &line,
            TITLE_SIZE,
            Anchor::Middle,
            TextRole::Title,
        ));
    }
    y + GAP
}

/// Where a bar stands: its top-left corner and its size, in the drawing's points.
#[derive(Debug, Clone, Copy)]
struct Area {
    x: f32,
    y: f32,
    width: f32,
    height: f32,
}

/// A bar (or legend swatch) of series `s`: the last series solid and dark, the
/// others light and hatched, all outlined so that a light bar keeps its edge in print.
fn bar(d: &mut Drawing, area: Area, s: usize, chart: &Chart, mark: Option<Mark>) {
    let Area {
        x,
        y,
        width,
        height,
    } = area;
    let focus = s + 1 == chart.series.len();
    let fill: Colour = if focus { DARK } else { LIGHT };
    d.items.push(Item::Rect {
        x,
        y,
        width,
        height,
        fill,
        stroke: Some(Stroke {
            colour: DARK,
            width: 0.6,
        }),
        mark,
    });
    if !focus {
        d.items.push(Item::Lines {
            segments: hatch(x, y, width, height, HATCH_SPACING),
            stroke: Stroke {
                colour: DARK,
                width: 0.6,
            },
        });
    }
}

pub(super) fn text(
    x: f32,
    baseline: f32,
    text: &str,
    size: f32,
    anchor: Anchor,
    role: TextRole,
) -> Item {
    Item::Text(Text {
        x,
        baseline,
        text: text.to_string(),
        size,
        anchor,
        role,
    })
}
