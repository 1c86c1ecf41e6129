//! Charts in the page: the chart's [`Drawing`] at the width of the text block, set
//! as one piece that fills whole grid lines. Its texts become lines of glyphs in
//! 黑体 (so they are embedded, subset and extractable like every other line); its
//! shapes stay in the drawing, which the writer turns into path operators.

use crate::chart::{self, Anchor, Item};
use crate::model::Chart;
use crate::render::pdf::fonts::Face;

use super::LINE_PITCH;
use super::atom::{Align, Style};
use super::build::Builder;
use super::cjk;
use super::document::Role;
use super::piece::{BoxLine, ChartBox, GridLine, PieceKind};

pub(super) fn chart(b: &mut Builder, c: &Chart) {
    let drawing = chart::draw(c, crate::render::CHART_WIDTH);
    let lines_needed = (drawing.height / LINE_PITCH).ceil().max(1.0);
    let height = lines_needed * LINE_PITCH;
    let top = (height - drawing.height) / 2.0;
    let mut lines = Vec::new();
    for item in &drawing.items {
        let Item::Text(t) = item else { continue };
        let style = Style {
            face: Face::Hei,
            size: t.size,
        };
        let atoms = b.shape(&[(t.text.clone(), style)], Some(&c.span));
        // One line, however long: the chart measured its texts with room to spare.
        let Some(set) = cjk::compose(&atoms, 0.0, f32::MAX, Align::Left)
            .into_iter()
            .next()
        else {
            continue;
        };
        let offset = match t.anchor {
            Anchor::Start => t.x,
            Anchor::Middle => t.x - set.width / 2.0,
            Anchor::End => t.x - set.width,
        };
        let line = GridLine {
            role: Role::ChartText,
            span: Some(c.span.clone()),
            measure: set.width,
            set,
            offset,
            size: t.size,
            first: true,
            last: true,
            outline: None,
        };
        lines.push(BoxLine {
            line,
            baseline: top + t.baseline,
        });
    }
    b.push(
        PieceKind::Chart(ChartBox {
            height,
            drawing,
            top,
            lines,
        }),
        false,
    );
    b.blank(false);
}
