//! What the builder hands the flow: a flat list of [`Piece`]s, each a composed grid
//! line, a blank grid line, a table row, a chart or a page break, positioned relative
//! to the text block but not yet to a page.

use super::atom::SetLine;
use super::document::{Glyph, Line, Role, Rule};
use crate::chart::Drawing;
use crate::model::SourceSpan;

/// Something the flow places: one grid line, a table row, or a break.
#[derive(Debug, Clone)]
pub(super) struct Piece {
    pub kind: PieceKind,
    /// Must stand on the same page as the piece after it.
    pub keep_with_next: bool,
    /// The lines of the notes whose markers this piece holds: they go to the foot
    /// of the page the piece lands on.
    pub notes: Vec<GridLine>,
}

#[derive(Debug, Clone)]
pub(super) enum PieceKind {
    Line(GridLine),
    /// An empty grid line; dropped at the top of a page.
    Blank,
    PageBreak,
    Row(RowBox),
    Chart(ChartBox),
}

/// A composed line waiting for its grid row.
#[derive(Debug, Clone)]
pub(super) struct GridLine {
    pub role: Role,
    /// The block the line comes from, if it has one.
    pub span: Option<SourceSpan>,
    pub set: SetLine,
    /// Offset of the measure from the left of the text block.
    pub offset: f32,
    pub measure: f32,
    /// Type size that decides where the baseline sits in the grid row.
    pub size: f32,
    pub first: bool,
    pub last: bool,
    /// The outline entry (level, title) this line opens, if any.
    pub outline: Option<(u8, String)>,
}

impl GridLine {
    /// The line placed on a page with its measure at `left`; spaces become glyphs
    /// only if `spaces`.
    pub fn place(&self, left: f32, baseline: f32, spaces: bool) -> Line {
        Line {
            role: self.role,
            span: self.span.clone(),
            baseline,
            left,
            measure: self.measure,
            width: self.set.width,
            justified: self.set.justified,
            hanging: self.set.hanging,
            first: self.first,
            last: self.last,
            glyphs: self
                .set
                .atoms
                .iter()
                .filter(|(a, _)| spaces || !a.ch.is_whitespace())
                .map(|(a, x)| Glyph {
                    ch: a.ch,
                    face: a.face,
                    size: a.size,
                    gid: a.gid,
                    x: left + x + a.ink_dx,
                    rise: super::footnote::rise(a.size, self.size),
                })
                .collect(),
        }
    }
}

/// One table row, positioned relative to the left of the text block and the row's top.
#[derive(Debug, Clone)]
pub(super) struct RowBox {
    pub header: bool,
    pub height: f32,
    pub lines: Vec<BoxLine>,
    pub rules: Vec<Rule>,
}

/// A chart ready for the flow, positioned relative to the left of the text block and
/// the top of its first grid line.
#[derive(Debug, Clone)]
pub(super) struct ChartBox {
    /// Whole grid lines: the next block keeps to the grid.
    pub height: f32,
    /// The drawing, moved down to sit centred in `height`.
    pub drawing: Drawing,
    pub top: f32,
    pub lines: Vec<BoxLine>,
}

/// A line inside a row or a chart: a table cell's line, a chart's text.
#[derive(Debug, Clone)]
pub(super) struct BoxLine {
    pub line: GridLine,
    /// From the top of the row or chart.
    pub baseline: f32,
}
