//! The SVG backend of `crate::chart`: a [`Drawing`] as inline SVG, an accessible image (`role="img"`, `<title>`,
//! `<desc>`), scaled by the page to its column. Inline SVG in HTML needs no `xmlns`
//! (and the page names no other host). Texts name no font: the page's
//! stylesheet sets them in its own font stack (`svg.chart text`).

use std::fmt::Write as _;

use super::escape::escape;
use crate::chart::{Anchor, Drawing, Item, Mark, Stroke, TextRole};

/// Writes the drawing as an `<svg>` element whose ids start with `id`.
pub(super) fn write(drawing: &Drawing, id: &str, out: &mut String) {
    let id = escape(id);
    let _ = writeln!(
        out,
        "<svg class=\"chart\" id=\"{id}\" role=\"img\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" aria-labelledby=\"{id}-title\" aria-describedby=\"{id}-desc\">",
        num(drawing.width),
        num(drawing.height),
        num(drawing.width),
        num(drawing.height),
    );
    let _ = writeln!(
        out,
        "<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>",
        escape(&drawing.title),
        escape(&drawing.desc)
    );
    for item in &drawing.items {
        item_svg(item, out);
    }
    out.push_str("</svg>\n");
}

/// The class and `data-` attributes that let tests and scripts find a shape's
/// category and series.
fn mark_attributes(class: &str, mark: Option<&Mark>) -> String {
    mark.map_or(String::new(), |m| {
        format!(
            " class=\"{class}\" data-category=\"{}\" data-series=\"{}\"",
            escape(&m.category),
            m.series
        )
    })
}

fn item_svg(item: &Item, out: &mut String) {
    match item {
        Item::Rect {
            x,
            y,
            width,
            height,
            fill,
            stroke,
            mark,
        } => {
            let data = mark_attributes("bar", mark.as_ref());
            let _ = writeln!(
                out,
                "<rect{data} x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"{}/>",
                num(*x),
                num(*y),
                num(*width),
                num(*height),
                fill.hex(),
                stroke_attributes(stroke.as_ref()),
            );
        }
        Item::Lines { segments, stroke } => {
            if segments.is_empty() {
                return;
            }
            let mut d = String::new();
            for [(x1, y1), (x2, y2)] in segments {
                let _ = write!(d, "M{} {}L{} {}", num(*x1), num(*y1), num(*x2), num(*y2));
            }
            let _ = writeln!(
                out,
                "<path d=\"{d}\" fill=\"none\"{}/>",
                stroke_attributes(Some(stroke))
            );
        }
        Item::Polygon {
            points,
            fill,
            stroke,
            mark,
        } => {
            let data = mark_attributes("slice", mark.as_ref());
            let points: Vec<String> = points
                .iter()
                .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
                .collect();
            let _ = writeln!(
                out,
                "<polygon{data} points=\"{}\" fill=\"{}\"{}/>",
                points.join(" "),
                fill.hex(),
                stroke_attributes(stroke.as_ref())
            );
        }
        Item::Text(t) => {
            let anchor = match t.anchor {
                Anchor::Start => "start",
                Anchor::Middle => "middle",
                Anchor::End => "end",
            };
            let class = match t.role {
                TextRole::Title => "title",
                TextRole::Legend => "legend",
                TextRole::Unit => "unit",
                TextRole::Category => "category",
                TextRole::Value => "value",
                TextRole::Change => "change",
                TextRole::Tick => "tick",
            };
            let _ = writeln!(
                out,
                "<text class=\"{class}\" x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{anchor}\">{}</text>",
                num(t.x),
                num(t.baseline),
                num(t.size),
                escape(&t.text)
            );
        }
    }
}

fn stroke_attributes(stroke: Option<&Stroke>) -> String {
    match stroke {
        Some(s) if s.width > 0.0 => format!(
            " stroke=\"{}\" stroke-width=\"{}\"",
            s.colour.hex(),
            num(s.width)
        ),
        _ => String::new(),
    }
}

/// A coordinate with at most two decimals and no trailing zeros.
fn num(value: f32) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" || text.is_empty() {
        "0".to_string()
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::{Colour, Text};

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.345), "12.35");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(0.5), "0.5");
    }

    #[test]
    fn an_accessible_image_with_escaped_texts() {
        let drawing = Drawing {
            width: 100.0,
            height: 50.0,
            title: "A & B".into(),
            desc: "<x>".into(),
            items: vec![
                Item::Rect {
                    x: 1.0,
                    y: 2.0,
                    width: 30.0,
                    height: 5.0,
                    fill: Colour(0, 0, 0),
                    stroke: None,
                    mark: Some(Mark {
                        category: "civil".into(),
                        series: 1,
                    }),
                },
                Item::Text(Text {
                    x: 0.0,
                    baseline: 10.0,
                    text: "1,857".into(),
                    size: 9.0,
                    anchor: Anchor::End,
                    role: TextRole::Value,
                }),
            ],
        };
        let mut svg = String::new();
        write(&drawing, "chart-x", &mut svg);
        assert!(svg.starts_with("<svg class=\"chart\""));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"chart-x-title\">A &amp; B</title>"));
        assert!(svg.contains("<desc id=\"chart-x-desc\">&lt;x&gt;</desc>"));
        assert!(
            svg.contains("data-category=\"civil\" data-series=\"1\" x=\"1\" y=\"2\" width=\"30\"")
        );
        assert!(svg.contains("text-anchor=\"end\">1,857</text>"));
    }
}
