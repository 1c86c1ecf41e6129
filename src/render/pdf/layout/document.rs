//! The layout's output and the PDF writer's input: pages of placed lines of glyphs,
//! rules and chart drawings, and the outline. All coordinates are in pt from the
//! page's top-left corner; nothing here knows PDF syntax.

use crate::chart::Drawing;
use crate::model::SourceSpan;
use crate::render::pdf::GlyphProblem;
use crate::render::pdf::fonts::Face;

/// The laid-out report.
#[derive(Debug, Clone)]
pub struct Document {
    pub pages: Vec<Page>,
    /// Bookmarks in document order; `level` gives the nesting.
    pub outline: Vec<OutlineEntry>,
    /// Characters set in the fallback face.
    pub fallbacks: Vec<GlyphProblem>,
    /// Characters no bundled face covers; they are left out of the layout.
    pub uncovered: Vec<GlyphProblem>,
}

#[derive(Debug, Clone)]
pub struct Page {
    /// 1-based, as printed.
    pub number: usize,
    pub lines: Vec<Line>,
    pub rules: Vec<Rule>,
    /// Charts: their shapes, for the writer to draw (their texts are in `lines`).
    pub drawings: Vec<PlacedDrawing>,
}

/// A chart's drawing on a page; its origin is `left`, `top` from the page's top-left
/// corner.
#[derive(Debug, Clone)]
pub struct PlacedDrawing {
    pub left: f32,
    pub top: f32,
    pub drawing: Drawing,
}

impl Page {
    /// Left edge of the text block: the binding margin alternates sides.
    pub fn block_left(&self) -> f32 {
        super::block_left(self.number)
    }
}

/// What a line is, for styling checks in tests and for nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Title,
    Occasion,
    Speaker,
    Salutation,
    Heading(u8),
    Body,
    AnnexLabel,
    AnnexTitle,
    TableTitle,
    TableUnit,
    TableCell,
    /// A text of a chart: a title, a label, a value or a tick.
    ChartText,
    Caption,
    /// A note at the foot of the page.
    Note,
    PageNumber,
}

/// One line of text. All coordinates are in pt from the page's top-left corner.
#[derive(Debug, Clone)]
pub struct Line {
    pub role: Role,
    /// The block the line was set from; `None` for what has no source of its own
    /// (the title block, annex titles, page numbers).
    pub span: Option<SourceSpan>,
    pub baseline: f32,
    /// Where the line's measure starts.
    pub left: f32,
    pub measure: f32,
    /// From `left` to the end of the last glyph that does not hang.
    pub width: f32,
    pub justified: bool,
    /// Its last mark stands past the measure.
    pub hanging: bool,
    /// First line of its paragraph (or cell, or heading).
    pub first: bool,
    /// Last line of its paragraph.
    pub last: bool,
    pub glyphs: Vec<Glyph>,
}

impl Line {
    pub fn text(&self) -> String {
        self.glyphs.iter().map(|g| g.ch).collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub ch: char,
    pub face: Face,
    pub size: f32,
    pub gid: u16,
    /// The glyph origin on the baseline.
    pub x: f32,
    /// How far the glyph stands above the line's baseline (a note's marker).
    pub rise: f32,
}

/// A straight rule (table lines), from the page's top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub x1: f32,
    pub y1: f32,
    pub x2: f32,
    pub y2: f32,
    pub width: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    pub title: String,
    /// 1: a part of the speech or an annex; 2: a section within a part.
    pub level: u8,
    /// 0-based page index.
    pub page: usize,
    /// Top of the entry's first line, from the page's top edge.
    pub top: f32,
}
