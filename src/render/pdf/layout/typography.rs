//! What differs between the Chinese and the English PDF: the faces and sizes of
//! each element, the leading, and how characters become lines. Page geometry,
//! pagination, tables and the outline are shared and know nothing of either.

use super::atom::{Align, Atom, Coverage, SetLine, Style};
use super::{
    BLOCK_HEIGHT, BODY_SIZE, CELL, EM_DESCENT, LINES_PER_PAGE, PAGE_NUMBER_SIZE, TITLE_SIZE, cjk,
    latin,
};
use crate::model::Lang;
use crate::render::pdf::fonts::{Face, Metrics};

/// The composition rules a report is set by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// clreq: full-width cells on a 22-line grid, forbidden line starts and ends,
    /// justified by spreading the gaps between characters.
    Zh,
    /// Proportional Latin type, broken between words and justified by spreading
    /// the spaces only (see `latin`).
    En,
}

/// How a heading level is set.
#[derive(Debug, Clone, Copy)]
pub struct HeadingStyle {
    pub style: Style,
    pub align: Align,
    pub indent: f32,
    /// A blank grid line before the heading (dropped at the top of a page).
    pub space_before: bool,
}

/// Type for tables: the largest size that fits wins.
#[derive(Debug, Clone, Copy)]
pub struct TableStyle {
    /// Sizes to try, largest first.
    pub sizes: [f32; 2],
    pub header: Face,
    pub cell: Face,
    /// A title above the table.
    pub title: Style,
}

/// Every typographic choice of one edition.
#[derive(Debug, Clone, Copy)]
pub struct Typography {
    pub script: Script,
    /// Lines of body text per page; the line pitch is the text block's height
    /// divided by it, so that the last line sits on the bottom of the block.
    pub lines_per_page: usize,
    /// The baseline's height above the bottom of the em box, in em: used to
    /// centre a line of type in its grid row.
    pub em_descent: f32,
    pub body: Style,
    /// First-line indent of body paragraphs, in pt.
    pub indent: f32,
    pub lead: Style,
    /// Faces of `Inline::Emphasis` and `Inline::Strong`.
    pub emphasis: Face,
    pub strong: Face,
    /// Levels 1, 2, and 3 and below.
    pub headings: [HeadingStyle; 3],
    pub title: Style,
    pub occasion: Style,
    pub speaker: Style,
    pub annex_label: Style,
    pub annex_title: Style,
    pub page_number: Style,
    pub table: TableStyle,
}

/// GB/T 9704: 16 pt 仿宋 on a 22-line grid; see `reference/typesetting.md`.
pub const CHINESE: Typography = {
    let body = Style {
        face: Face::Fang,
        size: BODY_SIZE,
    };
    let kai = Style {
        face: Face::Kai,
        size: BODY_SIZE,
    };
    let hei = Style {
        face: Face::Hei,
        size: BODY_SIZE,
    };
    let title = Style {
        face: Face::Title,
        size: TITLE_SIZE,
    };
    Typography {
        script: Script::Zh,
        lines_per_page: LINES_PER_PAGE,
        em_descent: EM_DESCENT,
        body,
        indent: 2.0 * CELL,
        lead: kai,
        emphasis: Face::Kai,
        strong: Face::Hei,
        headings: [
            HeadingStyle {
                style: hei,
                align: Align::Center,
                indent: 0.0,
                space_before: true,
            },
            HeadingStyle {
                style: hei,
                align: Align::Justify,
                indent: 2.0 * CELL,
                space_before: false,
            },
            HeadingStyle {
                style: kai,
                align: Align::Justify,
                indent: 2.0 * CELL,
                space_before: false,
            },
        ],
        title,
        occasion: kai,
        speaker: kai,
        annex_label: hei,
        annex_title: title,
        page_number: Style {
            face: Face::Song,
            size: PAGE_NUMBER_SIZE,
        },
        table: TableStyle {
            sizes: [14.0, 12.0],
            header: Face::Hei,
            cell: Face::Fang,
            title: hei,
        },
    }
};

/// English body size: 12.5 pt Liberation Serif, about 80 characters to the
/// 156 mm measure.
pub const ENGLISH_BODY_SIZE: f32 = 12.5;
/// 37 lines fill the 225 mm text block: a 17.24 pt pitch, 1.38 times the body
/// size, which a measure this long needs.
pub const ENGLISH_LINES_PER_PAGE: usize = 37;

/// The English edition: Liberation Serif (Times metrics), bold for headings and
/// lead-ins, italic for emphasis, on the same page as the Chinese.
pub const ENGLISH: Typography = {
    let size = ENGLISH_BODY_SIZE;
    let body = Style {
        face: Face::Serif,
        size,
    };
    let bold = Style {
        face: Face::SerifBold,
        size,
    };
    let italic = Style {
        face: Face::SerifItalic,
        size,
    };
    Typography {
        script: Script::En,
        lines_per_page: ENGLISH_LINES_PER_PAGE,
        // Liberation Serif: 0.891 em above the baseline, 0.216 below; 0.2 centres
        // capitals and descenders alike in the row.
        em_descent: 0.2,
        body,
        indent: 1.5 * size,
        lead: bold,
        emphasis: Face::SerifItalic,
        strong: Face::SerifBold,
        headings: [
            HeadingStyle {
                style: Style {
                    face: Face::SerifBold,
                    size: 15.0,
                },
                align: Align::Center,
                indent: 0.0,
                space_before: true,
            },
            HeadingStyle {
                style: bold,
                align: Align::Left,
                indent: 0.0,
                space_before: true,
            },
            HeadingStyle {
                style: italic,
                align: Align::Left,
                indent: 0.0,
                space_before: false,
            },
        ],
        title: Style {
            face: Face::SerifBold,
            size: 20.0,
        },
        occasion: Style {
            face: Face::SerifItalic,
            size: 13.0,
        },
        speaker: Style {
            face: Face::Serif,
            size: 13.0,
        },
        annex_label: bold,
        annex_title: Style {
            face: Face::SerifBold,
            size: 17.0,
        },
        page_number: Style {
            face: Face::Serif,
            size: 12.0,
        },
        table: TableStyle {
            sizes: [11.0, 10.0],
            header: Face::SerifBold,
            cell: Face::Serif,
            title: bold,
        },
    }
};

impl Typography {
    pub fn of(lang: Lang) -> &'static Typography {
        match lang {
            Lang::Zh => &CHINESE,
            Lang::En => &ENGLISH,
        }
    }

    /// Distance between grid rows.
    pub fn pitch(&self) -> f32 {
        BLOCK_HEIGHT / self.lines_per_page as f32
    }

    /// Resolves characters to glyphs, falling back per character.
    pub fn shape(
        &self,
        runs: &[(String, Style)],
        metrics: &dyn Metrics,
        coverage: &mut Coverage,
    ) -> Vec<Atom> {
        match self.script {
            Script::Zh => cjk::shape(runs, metrics, coverage),
            Script::En => latin::shape(runs, metrics, coverage),
        }
    }

    /// Breaks shaped text into lines of `measure` pt.
    pub fn compose(&self, atoms: &[Atom], indent: f32, measure: f32, align: Align) -> Vec<SetLine> {
        match self.script {
            Script::Zh => cjk::compose(atoms, indent, measure, align),
            Script::En => latin::compose(atoms, indent, measure, align),
        }
    }

    /// Where a line may break: `result[i]` for a break before atom `i`.
    pub fn break_opportunities(&self, atoms: &[Atom]) -> Vec<bool> {
        match self.script {
            Script::Zh => cjk::break_opportunities(atoms),
            Script::En => latin::break_opportunities(atoms),
        }
    }

    /// Whether spaces are drawn as glyphs. English text extracts and copies with
    /// its word spaces; Chinese lines never held any that matter.
    pub fn draws_spaces(&self) -> bool {
        self.script == Script::En
    }

    /// "1.“浦江经验”：" in Chinese, "1. “Pujiang Experience”: " in English, the
    /// term or title in the lead-in style.
    pub fn numbered(&self, number: u32, term: &str) -> Vec<(String, Style)> {
        match self.script {
            Script::Zh => vec![
                (format!("{number}."), self.body),
                (format!("{term}："), self.lead),
            ],
            Script::En => vec![
                (format!("{number}. "), self.lead),
                (format!("{term}:"), self.lead),
                (" ".to_string(), self.body),
            ],
        }
    }

    /// What stands between a lead-in and the rest of its paragraph.
    pub fn after_lead(&self) -> &'static str {
        match self.script {
            Script::Zh => "",
            Script::En => " ",
        }
    }
}
