//! Pie charts: each category's share of one year, clockwise from twelve o'clock in
//! the order of the data. Every slice is labelled directly (name, count, share) at the
//! end of a leader line, so no reader has to match shades against a legend.

use super::bar::{text, title};
use super::{Anchor, Colour, Drawing, GRID, INK, Item, LABEL_SIZE, Mark, Stroke, TextRole};
use super::{centred_baseline, text_width};
use crate::figures::format;
use crate::model::{Chart, Lang};

const RADIUS: f32 = 78.0;
/// From the rim to the elbow of a leader line, and from the elbow to the label.
const LEADER: f32 = 10.0;
const LABEL_PITCH: f32 = LABEL_SIZE * 1.35;
/// Light to dark and back, so that neighbours differ in lightness as well as hue.
const FILLS: [Colour; 6] = [
    Colour(0x1f, 0x4e, 0x79),
    Colour(0x9e, 0xc0, 0xe0),
    Colour(0x4a, 0x7f, 0xb0),
    Colour(0xd6, 0xe4, 0xf0),
    Colour(0x2e, 0x2e, 0x2e),
    Colour(0xb5, 0xb5, 0xb5),
];
/// Arcs are drawn as polygons with a vertex at least every this many radians.
const ARC_STEP: f32 = 0.04;

pub(super) fn draw(chart: &Chart, d: &mut Drawing) {
    let top = title(chart, d);
    let Some(series) = chart.series.last() else {
        d.height = top;
        return;
    };
    let mut y = top;
    if let Some(unit) = &chart.unit {
        y += LABEL_SIZE;
        d.items.push(text(
            d.width,
            y,
            unit,
            LABEL_SIZE * 0.9,
            Anchor::End,
            TextRole::Unit,
        ));
    }
    let total: u64 = series.values.iter().sum();
    let count = chart.categories.len();
    // Room above and below the pie for labels that crowd at the poles.
    let (cx, cy) = (d.width / 2.0, y + LABEL_PITCH * 2.0 + RADIUS);

    let mut labels: Vec<(bool, f32, f32, f32, String)> = Vec::new(); // (right, rim x, rim y, wanted y, text)
    let mut start = 0.0f32;
    for (i, category) in chart.categories.iter().enumerate() {
        let value = series.values[i];
        let share = if total == 0 {
            0.0
        } else {
            value as f32 / total as f32
        };
        let sweep = share * std::f32::consts::TAU;
        let mut points = vec![(cx, cy)];
        let steps = (sweep / ARC_STEP).ceil().max(1.0) as usize;
        for k in 0..=steps {
            let angle = start + sweep * k as f32 / steps as f32;
            points.push((cx + RADIUS * angle.sin(), cy - RADIUS * angle.cos()));
        }
        d.items.push(Item::Polygon {
            points,
            fill: FILLS[i % FILLS.len()],
            stroke: Some(Stroke {
                colour: Colour(0xff, 0xff, 0xff),
                width: if count > 1 { 1.0 } else { 0.0 },
            }),
            mark: Some(Mark {
                category: category.id.clone(),
                series: chart.series.len() - 1,
            }),
        });
        let middle = start + sweep / 2.0;
        let (sin, cos) = middle.sin_cos();
        let share_text = format::percent(f64::from(share), 1);
        let label = match chart.lang {
            Lang::Zh => format!(
                "{}{}（{share_text}）",
                category.label, series.value_labels[i]
            ),
            Lang::En => format!(
                "{} {} ({share_text})",
                category.label, series.value_labels[i]
            ),
        };
        labels.push((
            sin >= 0.0,
            cx + RADIUS * sin,
            cy - RADIUS * cos,
            cy - (RADIUS + LEADER) * cos,
            label,
        ));
        start += sweep;
    }

    // Labels on each side, spread so that none overlaps the one above it.
    let mut leaders = Vec::new();
    let mut bottom = cy + RADIUS + LABEL_PITCH;
    for right in [true, false] {
        let mut side: Vec<&(bool, f32, f32, f32, String)> =
            labels.iter().filter(|l| l.0 == right).collect();
        side.sort_by(|a, b| a.3.total_cmp(&b.3));
        let mut placed: Vec<f32> = Vec::new();
        for l in &side {
            let floor = placed.last().map_or(f32::MIN, |p| p + LABEL_PITCH);
            placed.push(l.3.max(floor));
        }
        for (l, label_y) in side.iter().zip(placed) {
            let (_, rim_x, rim_y, _, label) = l;
            let sign = if right { 1.0 } else { -1.0 };
            let elbow_x = cx + sign * (RADIUS + LEADER);
            let end_x = elbow_x + sign * LEADER;
            leaders.push([(*rim_x, *rim_y), (elbow_x, label_y)]);
            leaders.push([(elbow_x, label_y), (end_x, label_y)]);
            let anchor = if right { Anchor::Start } else { Anchor::End };
            let x = end_x + sign * 3.0;
            d.items.push(text(
                x,
                centred_baseline(label_y, LABEL_SIZE),
                label,
                LABEL_SIZE,
                anchor,
                TextRole::Value,
            ));
            debug_assert!(text_width(label, LABEL_SIZE) < d.width / 2.0);
            bottom = bottom.max(label_y + LABEL_PITCH);
        }
    }
    d.items.push(Item::Lines {
        segments: leaders,
        stroke: Stroke {
            colour: INK,
            width: 0.5,
        },
    });
    // A hairline circle keeps the pie's edge where a slice is as light as the paper.
    let rim = (0..=96)
        .map(|k| {
            let a = k as f32 / 96.0 * std::f32::consts::TAU;
            (cx + RADIUS * a.sin(), cy - RADIUS * a.cos())
        })
        .collect::<Vec<_>>();
    d.items.push(Item::Lines {
        segments: rim.windows(2).map(|w| [w[0], w[1]]).collect(),
        stroke: Stroke {
            colour: GRID,
            width: 0.5,
        },
    });
    d.height = bottom;
}
