//! A placed chart's shapes as PDF path operators: rectangles (`re`), polygons and
//! stroked segments, in RGB. Its texts are lines of glyphs like any other (see
//! `layout::chart`), so nothing here sets type.

use printpdf::{
    Color, Line as PdfLine, LinePoint, Op, PaintMode, Point, Polygon, PolygonRing, Pt, Rect, Rgb,
    WindingOrder,
};

use super::layout::{PAGE_HEIGHT, PlacedDrawing};
use crate::chart::{Colour, Item, Stroke};

/// The operators that draw `placed`'s shapes, in the drawing's order, wrapped in a
/// saved graphics state.
pub fn ops(placed: &PlacedDrawing) -> Vec<Op> {
    // Drawing coordinates (top-left origin, y down) to PDF points (bottom-left, y up).
    let point = |(x, y): (f32, f32)| Point {
        x: Pt(placed.left + x),
        y: Pt(PAGE_HEIGHT - (placed.top + y)),
    };
    let mut ops = vec![Op::SaveGraphicsState];
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
                ops.push(fill_colour(*fill));
                let mode = stroke_ops(stroke.as_ref(), &mut ops);
                let bottom_left = point((*x, y + height));
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: bottom_left.x,
                        y: bottom_left.y,
                        width: Pt(*width),
                        height: Pt(*height),
                        mode: Some(mode),
                        winding_order: Some(WindingOrder::NonZero),
                    },
                });
            }
            Item::Polygon {
                points,
                fill,
                stroke,
                ..
            } => {
                ops.push(fill_colour(*fill));
                let mode = stroke_ops(stroke.as_ref(), &mut ops);
                ops.push(Op::DrawPolygon {
                    polygon: Polygon {
                        rings: vec![PolygonRing {
                            points: points
                                .iter()
                                .map(|&p| LinePoint {
                                    p: point(p),
                                    bezier: false,
                                })
                                .collect(),
                        }],
                        mode,
                        winding_order: WindingOrder::NonZero,
                    },
                });
            }
            Item::Lines { segments, stroke } => {
                stroke_ops(Some(stroke), &mut ops);
                for [a, b] in segments {
                    ops.push(Op::DrawLine {
                        line: PdfLine {
                            points: [a, b]
                                .iter()
                                .map(|&&p| LinePoint {
                                    p: point(p),
                                    bezier: false,
                                })
                                .collect(),
                            is_closed: false,
                        },
                    });
                }
            }
            Item::Text(_) => {}
        }
    }
    ops.push(Op::RestoreGraphicsState);
    ops
}

fn rgb(colour: Colour) -> Color {
    let channel = |c: u8| f32::from(c) / 255.0;
    Color::Rgb(Rgb {
        r: channel(colour.0),
        g: channel(colour.1),
        b: channel(colour.2),
        icc_profile: None,
    })
}

fn fill_colour(colour: Colour) -> Op {
    Op::SetFillColor { col: rgb(colour) }
}

/// Sets the stroke, if any, and says how to paint a shape with it.
fn stroke_ops(stroke: Option<&Stroke>, ops: &mut Vec<Op>) -> PaintMode {
    match stroke {
        Some(s) if s.width > 0.0 => {
            ops.push(Op::SetOutlineColor { col: rgb(s.colour) });
            ops.push(Op::SetOutlineThickness { pt: Pt(s.width) });
            PaintMode::FillStroke
        }
        _ => PaintMode::Fill,
    }
}
