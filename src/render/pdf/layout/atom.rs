//! What both composers share: the style of a run, the atoms shaping makes of its
//! characters, the characters a face lacked, and the lines composing makes of the
//! atoms. The Chinese composer is `cjk`, the English one `latin`; both take and give
//! these.

use crate::render::pdf::fonts::Face;

/// Type face and size of a run of text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub face: Face,
    pub size: f32,
}

/// One character, resolved to a glyph and a cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Atom {
    pub ch: char,
    /// The face that actually draws it (may be the fallback).
    pub face: Face,
    pub size: f32,
    pub gid: u16,
    /// Width of the character's cell in pt: one grid cell for full-width
    /// characters, the glyph's own advance for Latin letters and digits.
    pub width: f32,
    /// Where the glyph's origin sits inside its cell; non-zero when a font draws
    /// a Chinese mark (“ ” —) narrower than the cell it must fill.
    pub ink_dx: f32,
    pub full_width: bool,
}

impl Atom {
    pub fn is_space(&self) -> bool {
        self.ch.is_whitespace()
    }
}

/// Characters a face lacks, found while shaping; the caller attaches a source span.
#[derive(Debug, Default)]
pub struct Coverage {
    /// Set in the fallback face instead.
    pub fell_back: Vec<(Face, char)>,
    /// Covered by no bundled face.
    pub uncovered: Vec<char>,
}

/// How a composed line is aligned within its measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Body text: every line but the last justified to the measure.
    Justify,
    Left,
    Center,
    Right,
}

/// A line of atoms with their x positions, relative to the start of the measure.
#[derive(Debug, Clone, PartialEq)]
pub struct SetLine {
    pub atoms: Vec<(Atom, f32)>,
    /// Stretched to exactly fill the measure.
    pub justified: bool,
    /// Its last mark stands past the measure.
    pub hanging: bool,
    /// From the start of the measure to the end of the last atom that does
    /// not hang: the measure itself for a justified line.
    pub width: f32,
}
