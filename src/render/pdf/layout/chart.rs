//! Charts in the page: the chart's [`Drawing`] at the width of the text block, set
//! as one piece that fills whole grid lines. Its texts become lines of glyphs in
//! 黑体 (so they are embedded, subset and extractable like every other line); its
//! shapes stay in the drawing, which the writer turns into path operators.

use crate::chart::{self, Anchor, Drawing, Item};
use crate::model::Chart;

use super::text::{self, Align, Style};
use super::{Builder, GridLine, LINE_PITCH, PieceKind, Role};
use crate::render::pdf::fonts::Face;

/// A chart ready for the flow, positioned relative to the left of the text block and
/// the top of its first grid line.
#[derive(Debug, Clone)]
pub(super) struct ChartBox {
    /// Whole grid lines: the next block keeps to the grid.
    pub height: f32,
    /// The drawing, moved down to sit centred in `height`.
    pub drawing: Drawing,
    pub top: f32,
    pub lines: Vec<super::table::CellLine>,
}

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
        let atoms = b.shape(&[(t.text.clone(), style)], &c.span);
        // One line, however long: the chart measured its texts with room to spare.
        let Some(set) = text::compose(&atoms, 0.0, f32::MAX, Align::Left)
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
            span: c.span.clone(),
            measure: set.width,
            set,
            offset,
            size: t.size,
            first: true,
            last: true,
            outline: None,
        };
        lines.push(super::table::CellLine {
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
