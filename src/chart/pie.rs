//! Pie charts: each category's share of one year, clockwise from twelve o'clock in
//! the order of the data. Every slice is labelled directly (name, count, share) at the
//! end of a leader line, so no reader has to match shades against a legend.

use super::bar::{text, title};
use super::{Anchor, Colour, Drawing, GRID, INK, Item, LABEL_SIZE, Mark, Stroke, TextRole};
use super::{centred_baseline, text_width};
use crate::figures::format;
use crate::model::{Chart, Lang};

/// The radius, unless long labels leave less room (never below `MIN_RADIUS`).
const RADIUS: f32 = 78.0;
const MIN_RADIUS: f32 = 40.0;
/// From the rim to the elbow of a leader line, and from the elbow to the label.
const LEADER: f32 = 10.0;
/// From one label to the next, and between the lines of a two-line label.
const LABEL_PITCH: f32 = LABEL_SIZE * 1.35;
const LINE_HEIGHT: f32 = LABEL_SIZE * 1.15;
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

    // Each slice: where it starts, how far it sweeps, and its label.
    let mut slices = Vec::new();
    let mut start = 0.0f32;
    for (i, category) in chart.categories.iter().enumerate() {
        let share = if total == 0 {
            0.0
        } else {
            series.values[i] as f32 / total as f32
        };
        let sweep = share * std::f32::consts::TAU;
        let share_text = format::percent(f64::from(share), 1);
        let figures = match chart.lang {
            Lang::Zh => format!("{}（{share_text}）", series.value_labels[i]),
            Lang::En => format!("{} ({share_text})", series.value_labels[i]),
        };
        slices.push((start, sweep, category.label.clone(), figures));
        start += sweep;
    }
    // A label is one line ("民事41956（39.6%）"), or two where one would crowd the pie.
    let one_line = |name: &str, figures: &str| match chart.lang {
        Lang::Zh => vec![format!("{name}{figures}")],
        Lang::En => vec![format!("{name} {figures}")],
    };
    let reach = 2.0 * LEADER + 3.0;
    let room = |lines: &dyn Fn(&str, &str) -> Vec<String>, right: bool| {
        slices
            .iter()
            .filter(|(start, sweep, ..)| ((start + sweep / 2.0).sin() >= 0.0) == right)
            .flat_map(|(_, _, name, figures)| lines(name, figures))
            .map(|line| text_width(&line, LABEL_SIZE))
            .fold(0.0, f32::max)
    };
    let two_lines = |name: &str, figures: &str| vec![name.to_string(), figures.to_string()];
    let fits = d.width - room(&one_line, false) - room(&one_line, true) - 2.0 * reach
        >= 2.0 * RADIUS * 0.75;
    let lines: &dyn Fn(&str, &str) -> Vec<String> = if fits { &one_line } else { &two_lines };
    // The pie sits where the widest label of each side fits; it shrinks if they cannot.
    let (left_room, right_room) = (room(lines, false), room(lines, true));
    let radius = ((d.width - left_room - right_room) / 2.0 - reach).clamp(MIN_RADIUS, RADIUS);
    let slack = d.width - left_room - right_room - 2.0 * (radius + reach);
    let cx = left_room + reach + radius + slack / 2.0;
    // Room above and below the pie for labels that crowd at the poles.
    let cy = y + LABEL_PITCH * 2.0 + radius;

    let mut labels: Vec<(bool, f32, f32, f32, Vec<String>)> = Vec::new(); // (right, rim x, rim y, wanted y, lines)
    for (i, ((start, sweep, name, figures), category)) in
        slices.iter().zip(&chart.categories).enumerate()
    {
        let mut points = vec![(cx, cy)];
        let steps = (sweep / ARC_STEP).ceil().max(1.0) as usize;
        for k in 0..=steps {
            let angle = start + sweep * k as f32 / steps as f32;
            points.push((cx + radius * angle.sin(), cy - radius * angle.cos()));
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
        let (sin, cos) = (start + sweep / 2.0).sin_cos();
        labels.push((
            sin >= 0.0,
            cx + radius * sin,
            cy - radius * cos,
            cy - (radius + LEADER) * cos,
            lines(name, figures),
        ));
    }

    // Labels on each side, spread so that none overlaps the one above it.
    let mut leaders = Vec::new();
    let mut bottom = cy + radius + LABEL_PITCH;
    for right in [true, false] {
        let mut side: Vec<_> = labels.iter().filter(|l| l.0 == right).collect();
        side.sort_by(|a, b| a.3.total_cmp(&b.3));
        let mut placed: Vec<f32> = Vec::new();
        for (k, l) in side.iter().enumerate() {
            // Centres far enough apart for the lines of both labels.
            let floor = placed.last().map_or(f32::MIN, |p| {
                p + (side[k - 1].4.len() + l.4.len()) as f32 / 2.0 * LABEL_PITCH
            });
            placed.push(l.3.max(floor));
        }
        for (l, label_y) in side.iter().zip(placed) {
            let (_, rim_x, rim_y, _, label) = l;
            let sign = if right { 1.0 } else { -1.0 };
            let elbow_x = cx + sign * (radius + LEADER);
            let end_x = elbow_x + sign * LEADER;
            leaders.push([(*rim_x, *rim_y), (elbow_x, label_y)]);
            leaders.push([(elbow_x, label_y), (end_x, label_y)]);
            let anchor = if right { Anchor::Start } else { Anchor::End };
            let first = label_y - (label.len() - 1) as f32 / 2.0 * LINE_HEIGHT;
            for (k, line) in label.iter().enumerate() {
                d.items.push(text(
                    end_x + sign * 3.0,
                    centred_baseline(first + k as f32 * LINE_HEIGHT, LABEL_SIZE),
                    line,
                    LABEL_SIZE,
                    anchor,
                    TextRole::Value,
                ));
            }
            bottom = bottom.max(label_y + label.len() as f32 * LABEL_PITCH);
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
            (cx + radius * a.sin(), cy - radius * a.cos())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::{Item, draw};
    use crate::model::{ChartCategory, ChartKind, ChartSeries, SourceSpan};

    fn pie(lang: Lang, labels: &[&str], values: &[u64]) -> Chart {
        Chart {
            id: "p".into(),
            kind: ChartKind::Pie,
            lang,
            title: "T".into(),
            desc: String::new(),
            unit: None,
            categories: labels
                .iter()
                .map(|l| ChartCategory {
                    id: l.to_lowercase(),
                    label: l.to_string(),
                })
                .collect(),
            series: vec![ChartSeries {
                label: "2023".into(),
                values: values.to_vec(),
                value_labels: values.iter().map(|v| format::count(*v, lang)).collect(),
            }],
            changes: Vec::new(),
            change_heading: None,
            span: SourceSpan::new("t.md", 0..0),
        }
    }

    #[test]
    fn labels_stay_inside_the_drawing_and_apart() {
        let chart = pie(
            Lang::En,
            &[
                "Criminal",
                "Civil",
                "Commercial",
                "IP",
                "Administrative",
                "Enforcement",
            ],
            &[1857, 41956, 19489, 2910, 1387, 38291],
        );
        // As wide as the PDF's 156 mm text block.
        let drawing = draw(&chart, 156.0 * 72.0 / 25.4);
        let texts: Vec<_> = drawing
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Text(t) if t.role == TextRole::Value => Some(t),
                _ => None,
            })
            .collect();
        assert!(
            texts.len() == 6 || texts.len() == 12,
            "one or two lines each"
        );
        for t in &texts {
            let w = text_width(&t.text, t.size);
            let (left, right) = match t.anchor {
                Anchor::Start => (t.x, t.x + w),
                Anchor::End => (t.x - w, t.x),
                Anchor::Middle => (t.x - w / 2.0, t.x + w / 2.0),
            };
            assert!(left >= -0.01 && right <= drawing.width + 0.01, "{}", t.text);
            assert!(t.baseline <= drawing.height);
        }
        for a in &texts {
            for b in &texts {
                if a != b && a.anchor == b.anchor {
                    assert!(
                        (a.baseline - b.baseline).abs() >= LABEL_SIZE,
                        "{} / {}",
                        a.text,
                        b.text
                    );
                }
            }
        }
        let slices = drawing
            .items
            .iter()
            .filter(|i| matches!(i, Item::Polygon { .. }))
            .count();
        assert_eq!(slices, 6);
    }
}
