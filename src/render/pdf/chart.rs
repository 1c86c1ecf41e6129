//! A placed chart's shapes as PDF path operators: rectangles (`re`), polygons and
//! stroked segments, in RGB. Its texts are lines of glyphs like any other (see
//! `layout::chart`), so nothing here sets type.

use super::content::Content;
use super::layout::{PAGE_HEIGHT, PlacedDrawing};
use crate::chart::{Colour, Item, Stroke};

/// Draws `placed`'s shapes, in the drawing's order, inside a saved graphics state.
pub fn draw(placed: &PlacedDrawing, out: &mut Content) {
    // Drawing coordinates (top-left origin, y down) to PDF points (bottom-left, y up).
    let point = |(x, y): (f32, f32)| (placed.left + x, PAGE_HEIGHT - (placed.top + y));
    out.save();
    for item in &placed.drawing.items {
        match item {
            Item::Rect {
                x,
                y,
                width,
                height,
                fill,
                stroke,
                ..
            } => {
                out.fill_rgb(rgb(*fill));
                let stroked = set_stroke(stroke.as_ref(), out);
                let (left, bottom) = point((*x, y + height));
                out.rect(left, bottom, *width, *height);
                paint(stroked, out);
            }
            Item::Polygon {
                points,
                fill,
                stroke,
                ..
            } => {
                out.fill_rgb(rgb(*fill));
                let stroked = set_stroke(stroke.as_ref(), out);
                for (i, &p) in points.iter().enumerate() {
                    let (x, y) = point(p);
                    if i == 0 {
                        out.move_to(x, y);
                    } else {
                        out.line_to(x, y);
                    }
                }
                out.close_path();
                paint(stroked, out);
            }
            Item::Lines { segments, stroke } => {
                set_stroke(Some(stroke), out);
                for [a, b] in segments {
                    let (ax, ay) = point(*a);
                    let (bx, by) = point(*b);
                    out.move_to(ax, ay);
                    out.line_to(bx, by);
                }
                out.stroke();
            }
            Item::Text(_) => {}
        }
    }
    out.restore();
}

fn rgb(colour: Colour) -> [f32; 3] {
    let channel = |c: u8| f32::from(c) / 255.0;
    [channel(colour.0), channel(colour.1), channel(colour.2)]
}

/// Sets the stroke, if the shape has a visible one, and says whether it does.
fn set_stroke(stroke: Option<&Stroke>, out: &mut Content) -> bool {
    match stroke {
        Some(s) if s.width > 0.0 => {
            out.stroke_rgb(rgb(s.colour));
            out.line_width(s.width);
            true
        }
        _ => false,
    }
}

fn paint(stroked: bool, out: &mut Content) {
    if stroked {
        out.fill_and_stroke();
    } else {
        out.fill();
    }
}
