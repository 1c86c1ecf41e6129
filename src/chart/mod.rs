//! Charts: a resolved [`model::Chart`] → a [`Drawing`] → SVG or PDF.
//!
//! There is one drawing per chart. [`draw`] lays the chart out once, in points, with
//! the origin at the top left; the backends only translate it:
//!
//! - `render::html` writes it as inline SVG for the web page (with `<title>` and
//!   `<desc>`);
//! - `render::pdf` places it as a block of grid lines and turns it into PDF path
//!   operators, setting its texts in the embedded fonts.
//!
//! Both draw it at the width of the PDF's text block (`render::CHART_WIDTH`); this
//! module knows no renderer.
//!
//! The drawing is meant to read in grey print and for colour-blind readers: every bar
//! carries its value as a direct label, compared years differ in pattern (hatched
//! against solid) and lightness as well as colour, and each pair of bars is labelled
//! with its change. Axis ticks fall on round numbers (`axis`).
//!
//! Text widths are estimated here ([`text_width`]) so that screen and print share one
//! layout; the estimate errs wide, and the PDF backend measures the real glyphs to
//! honour each text's anchor exactly.

mod axis;
mod bar;
mod pie;

use crate::model::{self, ChartKind};

/// A chart laid out, in points, origin at the top left, y growing downwards.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawing {
    pub width: f32,
    pub height: f32,
    /// The chart's title and its description in words (SVG `<title>`, `<desc>`).
    pub title: String,
    pub desc: String,
    /// Painted in order: later items cover earlier ones.
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A filled rectangle; `mark` names the datum it draws, if any.
    Rect {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        fill: Colour,
        stroke: Option<Stroke>,
        mark: Option<Mark>,
    },
    /// Straight segments sharing one stroke: grid lines, axes, hatching.
    Lines {
        segments: Vec<[(f32, f32); 2]>,
        stroke: Stroke,
    },
    /// A filled closed polygon (a pie slice).
    Polygon {
        points: Vec<(f32, f32)>,
        fill: Colour,
        stroke: Option<Stroke>,
        mark: Option<Mark>,
    },
    Text(Text),
}

/// Which datum a shape draws: the category id and the index of the series (year).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub category: String,
    pub series: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colour(pub u8, pub u8, pub u8);

impl Colour {
    /// `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stroke {
    pub colour: Colour,
    pub width: f32,
}

/// One run of text on one baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    /// The anchor point: where the text starts, centres or ends, per `anchor`.
    pub x: f32,
    pub baseline: f32,
    pub text: String,
    pub size: f32,
    pub anchor: Anchor,
    pub role: TextRole,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// What a text is, for styling (the title is set in a heavier face) and for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextRole {
    Title,
    Legend,
    Unit,
    Category,
    Value,
    Change,
    Tick,
}

// The look shared by every chart kind.

/// Text sizes: 小四 for the title, 五号 for labels, 小五-ish for numbers.
pub(crate) const TITLE_SIZE: f32 = 12.0;
pub(crate) const LABEL_SIZE: f32 = 10.5;
pub(crate) const NUMBER_SIZE: f32 = 9.5;
/// The ink of texts and outlines.
pub(crate) const INK: Colour = Colour(0x1a, 0x1a, 0x1a);
/// The year in focus: solid and dark (prints near black).
pub(crate) const DARK: Colour = Colour(0x1f, 0x4e, 0x79);
/// The year compared with: light, hatched in `DARK` (prints light grey, striped).
pub(crate) const LIGHT: Colour = Colour(0xd6, 0xe4, 0xf0);
pub(crate) const GRID: Colour = Colour(0xc8, 0xc8, 0xc8);

/// Lays out `chart` at `width` points.
pub fn draw(chart: &model::Chart, width: f32) -> Drawing {
    let mut drawing = Drawing {
        width,
        height: 0.0,
        title: chart.title.clone(),
        desc: chart.desc.clone(),
        items: Vec::new(),
    };
    match chart.kind {
        ChartKind::Bar | ChartKind::GroupedBar => bar::draw(chart, &mut drawing),
        ChartKind::Pie => pie::draw(chart, &mut drawing),
    }
    drawing
}

/// The estimated width of `text` at `size` pt: a full em for Chinese characters and
/// full-width marks, less for Latin letters, digits and spaces. Generous, so that
/// whatever face a reader's browser picks, the text stays in its room.
pub fn text_width(text: &str, size: f32) -> f32 {
    text.chars()
        .map(|c| match c {
            ' ' => 0.28,
            '.' | ',' | ':' | ';' | '\'' | '!' | '|' | 'i' | 'j' | 'l' | 'I' => 0.3,
            '(' | ')' | 'f' | 't' | 'r' | '-' | '+' => 0.4,
            '0'..='9' => 0.58,
            '%' => 0.9,
            'm' | 'w' | 'M' | 'W' => 0.88,
            'A'..='Z' => 0.68,
            c if c.is_ascii() => 0.56,
            _ => 1.0,
        })
        .sum::<f32>()
        * size
}

/// Where the baseline goes for text of `size` centred on `y`: the middle of the em box
/// (ascent 0.88, descent 0.12) sits 0.38 em above the baseline.
pub(crate) fn centred_baseline(y: f32, size: f32) -> f32 {
    y + 0.38 * size
}

/// Breaks a title that is wider than `width` into lines: at spaces for Latin text,
/// anywhere for Chinese.
pub(crate) fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let words: Vec<&str> = if text.contains(' ') {
        text.split_inclusive(' ').collect()
    } else {
        text.char_indices()
            .map(|(i, c)| &text[i..i + c.len_utf8()])
            .collect()
    };
    for word in words {
        if !line.is_empty() && text_width(format!("{line}{word}").trim_end(), size) > width {
            lines.push(line.trim_end().to_string());
            line.clear();
        }
        line.push_str(word);
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// Diagonal hatching (`/`) filling a rectangle, as segments clipped to it. The lines
/// lie on one page-wide grid so that hatching lines up from bar to bar.
pub(crate) fn hatch(x: f32, y: f32, width: f32, height: f32, spacing: f32) -> Vec<[(f32, f32); 2]> {
    let (x1, y1) = (x + width, y + height);
    let mut segments = Vec::new();
    // Lines x + y = c, for c on multiples of the spacing.
    let mut c = ((x + y) / spacing).floor() * spacing + spacing;
    while c < x1 + y1 {
        let from_x = x.max(c - y1);
        let to_x = x1.min(c - y);
        if to_x - from_x > 0.05 {
            segments.push([(from_x, c - from_x), (to_x, c - to_x)]);
        }
        c += spacing;
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hatching_stays_inside_its_rectangle() {
        let segments = hatch(10.0, 20.0, 30.0, 8.0, 3.0);
        assert!(segments.len() > 8);
        for [(ax, ay), (bx, by)] in segments {
            for (x, y) in [(ax, ay), (bx, by)] {
                assert!((10.0 - 1e-3..=40.0 + 1e-3).contains(&x), "{x}");
                assert!((20.0 - 1e-3..=28.0 + 1e-3).contains(&y), "{y}");
            }
            assert!(((ax + ay) - (bx + by)).abs() < 1e-3, "a 45° line");
        }
    }

    #[test]
    fn long_titles_wrap_at_spaces_or_anywhere_in_chinese() {
        let lines = wrap(
            "Cases Received by the Court: 2023 Compared with 2022",
            12.0,
            200.0,
        );
        assert!(lines.len() >= 2);
        assert!(lines.iter().all(|l| text_width(l, 12.0) <= 200.0));
        assert_eq!(
            lines.join(" "),
            "Cases Received by the Court: 2023 Compared with 2022"
        );
        let lines = wrap("海淀法院二〇二三年与二〇二二年收案对比情况", 12.0, 132.0);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines.concat(), "海淀法院二〇二三年与二〇二二年收案对比情况");
    }
}
