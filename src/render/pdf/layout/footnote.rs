//! Notes at the foot of the page.
//!
//! Convention: a note's number is its place among the report's notes (1, 2, 3 …
//! through the whole report, the same number as on the web page), printed as a
//! superscript in the body face after the word it annotates. The note itself stands
//! at the foot of the page that holds its marker, under a short rule, in a smaller
//! size of the body face (Chinese: 小四, 12 pt 仿宋; English: 10 pt), set on a pitch
//! of its own (two note lines to a grid line in Chinese, three to two in English).
//! The notes take whole grid lines from the bottom of the text block, so the text
//! above keeps its grid; a note too long for the room left continues at the foot of
//! the next page.

use super::atom::{SetLine, Style};
use super::document::{Line, Page, Rule};
use super::piece::GridLine;
use super::typography::{Script, Typography};
use super::{BLOCK_HEIGHT, BLOCK_WIDTH, EPS, TOP_MARGIN};

/// A marker's size, as a share of the text it stands in.
pub(super) const MARKER_RATIO: f32 = 0.6;
/// How far a marker's baseline is raised, as a share of the text's size.
const MARKER_RISE: f32 = 0.36;
/// The rule above the notes: a quarter of the measure, hairline.
const RULE_LENGTH: f32 = BLOCK_WIDTH / 4.0;
const RULE_WIDTH: f32 = 0.5;

/// The style of a note's marker in text of style `text`: the body face, smaller.
pub(super) fn marker_style(typo: &Typography, text: Style) -> Style {
    Style {
        face: typo.body.face,
        size: text.size * MARKER_RATIO,
    }
}

/// The style of a note's text.
pub(super) fn note_style(typo: &Typography) -> Style {
    let size = match typo.script {
        Script::Zh => 12.0,
        Script::En => 10.0,
    };
    Style {
        face: typo.body.face,
        size,
    }
}

/// The distance between the baselines of two note lines.
pub(super) fn note_pitch(typo: &Typography) -> f32 {
    match typo.script {
        Script::Zh => typo.pitch() / 2.0,
        Script::En => typo.pitch() * 2.0 / 3.0,
    }
}

/// Is a glyph of `size` in a line of type `line_size` a marker (set smaller and
/// raised)? Only markers are set that much smaller than their line.
fn is_marker(size: f32, line_size: f32) -> bool {
    size <= line_size * MARKER_RATIO + EPS
}

/// How far a glyph of `size` on a line of `line_size` stands above the baseline.
pub(super) fn rise(size: f32, line_size: f32) -> f32 {
    if is_marker(size, line_size) {
        line_size * MARKER_RISE
    } else {
        0.0
    }
}

/// The note numbers whose markers stand in a composed line.
pub(super) fn markers(set: &SetLine, line_size: f32) -> Vec<u32> {
    let mut numbers = Vec::new();
    let mut digits = String::new();
    for (atom, _) in &set.atoms {
        if is_marker(atom.size, line_size) && atom.ch.is_ascii_digit() {
            digits.push(atom.ch);
        } else if !digits.is_empty() {
            numbers.extend(digits.parse::<u32>().ok());
            digits.clear();
        }
    }
    numbers.extend(digits.parse::<u32>().ok());
    numbers
}

/// Grid lines the notes take with `count` note lines (the rule included).
pub(super) fn foot_rows(typo: &Typography, count: usize) -> usize {
    if count == 0 {
        return 0;
    }
    let height = (count as f32 + 0.5) * note_pitch(typo);
    ((height - EPS) / typo.pitch()).ceil() as usize
}

/// Sets the note lines of a page at the foot of its text block, under the rule.
pub(super) fn place(page: &mut Page, notes: &[GridLine], typo: &Typography) {
    if notes.is_empty() {
        return;
    }
    let pitch = note_pitch(typo);
    let bottom = TOP_MARGIN + BLOCK_HEIGHT;
    let top = bottom - notes.len() as f32 * pitch;
    let left = page.block_left();
    let rule_y = top - pitch / 4.0;
    page.rules.push(Rule {
        x1: left,
        y1: rule_y,
        x2: left + RULE_LENGTH,
        y2: rule_y,
        width: RULE_WIDTH,
    });
    for (i, note) in notes.iter().enumerate() {
        let row_top = top + i as f32 * pitch;
        let baseline = row_top + (pitch - note.size) / 2.0 + (1.0 - typo.em_descent) * note.size;
        let line: Line = note.place(left + note.offset, baseline, typo.draws_spaces());
        page.lines.push(line);
    }
}
