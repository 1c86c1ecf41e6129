//! The layout engine: a pure function from the report and font metrics to pages
//! of positioned glyphs and rules ([`Document`]). Nothing here knows about PDF
//! syntax, so tests can walk every line.
//!
//! [`layout`] runs three steps, one file each:
//!
//! 1. `build`: blocks → a flat list of pieces (`piece`: grid lines, blank grid lines,
//!    table rows from `table`, charts from `chart`, page breaks);
//! 2. `flow`: pieces → pages of grid lines (22 in Chinese, 37 in English), honouring
//!    "keep with next" so that a heading never ends a page and a table that crosses a
//!    page repeats its header row;
//! 3. the page numbers, here.
//!
//! Everything that differs between the editions (faces, sizes, leading, how
//! characters become lines) comes from the report's [`Typography`]: Chinese
//! composition lives in `cjk`, English in `latin`; both shape runs into the atoms of
//! `atom` and compose them into its lines. The page geometry, the same for both, is
//! below.

mod atom;
mod build;
mod chart;
mod cjk;
mod document;
mod flow;
mod footnote;
mod latin;
mod piece;
mod table;
mod typography;

use std::collections::HashMap;

use crate::model::Report;

use super::fonts::{Face, GlyphMetrics, Metrics};
pub use atom::{Align, Atom, Coverage, SetLine, Style};
use build::Built;
pub use cjk::{NO_END, NO_START};
pub use document::{Document, Glyph, Line, OutlineEntry, Page, PlacedDrawing, Role, Rule};
pub use latin::LOOSE_LIMIT;
use piece::GridLine;
pub use typography::{HeadingStyle, Script, TableStyle, Typography};

/// Points per millimetre.
pub const MM: f32 = 72.0 / 25.4;
pub const PAGE_WIDTH: f32 = 210.0 * MM;
pub const PAGE_HEIGHT: f32 = 297.0 * MM;
/// 天头: from the top edge of the paper to the top of the text block.
pub const TOP_MARGIN: f32 = 37.0 * MM;
/// 订口: left on odd pages, right on even pages.
pub const BINDING_MARGIN: f32 = 28.0 * MM;
/// 版心.
pub const BLOCK_WIDTH: f32 = 156.0 * MM;
pub const BLOCK_HEIGHT: f32 = 225.0 * MM;
pub const LINES_PER_PAGE: usize = 22;
pub const CHARS_PER_LINE: usize = 28;
pub const LINE_PITCH: f32 = BLOCK_HEIGHT / LINES_PER_PAGE as f32;
pub const BODY_SIZE: f32 = 16.0;
/// One grid cell: 28 of them fill the measure, so a 16 pt character is
/// tightened by about 0.21 pt.
pub const CELL: f32 = BLOCK_WIDTH / CHARS_PER_LINE as f32;
/// Cell width per point of type size, for type that is not 16 pt.
pub const CELL_RATIO: f32 = CELL / BODY_SIZE;
const TITLE_SIZE: f32 = 22.0;
const PAGE_NUMBER_SIZE: f32 = 14.0;
/// From the bottom of the text block to the top of the page number.
const PAGE_NUMBER_GAP: f32 = 7.0 * MM;
/// The baseline sits this far (in em) above the bottom of the ideographic em box
/// in all five faces (880/−120 design).
const EM_DESCENT: f32 = 0.12;
/// Tolerance for comparing positions in pt.
const EPS: f32 = 0.01;

/// Left edge of the text block on page `number`: the binding margin alternates sides.
fn block_left(number: usize) -> f32 {
    if number % 2 == 1 {
        BINDING_MARGIN
    } else {
        PAGE_WIDTH - BINDING_MARGIN - BLOCK_WIDTH
    }
}

/// Lays out the whole report, in the typography of its language.
pub fn layout(report: &Report, metrics: &dyn Metrics) -> Document {
    let metrics = &Remembered::new(metrics);
    let typo = Typography::of(report.lang);
    let Built {
        pieces,
        fallbacks,
        uncovered,
    } = build::build(report, metrics, typo);
    let (mut pages, outline) = flow::pour(pieces, typo);
    for page in &mut pages {
        page_number(page, metrics, typo);
    }
    Document {
        pages,
        outline,
        fallbacks,
        uncovered,
    }
}

/// Font lookups answered once per character: a report of 100,000 characters
/// uses a few thousand distinct ones, and a hash lookup is several times
/// cheaper than walking a CJK font's `cmap`.
struct Remembered<'a> {
    metrics: &'a dyn Metrics,
    known: std::cell::RefCell<HashMap<(Face, char), Option<GlyphMetrics>>>,
}

impl<'a> Remembered<'a> {
    fn new(metrics: &'a dyn Metrics) -> Self {
        Remembered {
            metrics,
            known: Default::default(),
        }
    }
}

impl Metrics for Remembered<'_> {
    fn glyph(&self, face: Face, ch: char) -> Option<GlyphMetrics> {
        *self
            .known
            .borrow_mut()
            .entry((face, ch))
            .or_insert_with(|| self.metrics.glyph(face, ch))
    }
}

/// "— N —" (14 pt 宋体 in Chinese), 7 mm below the text block; on the outer side
/// of the page, one character (one em) in from the edge of the text block.
fn page_number(page: &mut Page, metrics: &dyn Metrics, typo: &Typography) {
    let style = typo.page_number;
    let runs = [(format!("— {} —", page.number), style)];
    let atoms = typo.shape(&runs, metrics, &mut Coverage::default());
    let set = typo
        .compose(&atoms, 0.0, BLOCK_WIDTH, Align::Left)
        .remove(0);
    let inset = style.size;
    let left = if page.number % 2 == 1 {
        page.block_left() + BLOCK_WIDTH - inset - set.width
    } else {
        page.block_left() + inset
    };
    let baseline =
        TOP_MARGIN + BLOCK_HEIGHT + PAGE_NUMBER_GAP + (1.0 - typo.em_descent) * style.size;
    let grid = GridLine {
        role: Role::PageNumber,
        span: None,
        set,
        offset: 0.0,
        measure: BLOCK_WIDTH,
        size: style.size,
        first: true,
        last: true,
        outline: None,
    };
    page.lines
        .push(grid.place(left, baseline, typo.draws_spaces()));
}

#[cfg(test)]
mod tests {
    use super::cjk::tests::GridFont;
    use super::*;
    use crate::model::{Block, Heading, Inline, Lang, Meta, Paragraph, SourceSpan};

    fn meta() -> Meta {
        Meta {
            title: "海淀区人民法院工作报告".into(),
            court: "海淀区人民法院".into(),
            occasion: vec![
                "——2024年1月5日在海淀区第十七届人民代表大会".into(),
                "第四次会议上".into(),
            ],
            speaker: "海淀区人民法院院长  邵明艳".into(),
            salutation: "各位代表：".into(),
            year: 2023,
            date: "2024-01-05".into(),
        }
    }

    fn text(s: &str) -> Vec<Inline> {
        vec![Inline::Text(s.into())]
    }

    fn heading(level: u8, s: &str) -> Block {
        Block::Heading(Heading {
            level,
            id: s.into(),
            content: text(s),
            span: SourceSpan::new("t.md", 0..0),
        })
    }

    fn paragraph(chars: usize) -> Block {
        let sentence = "坚持“六位一体”工作格局，审结案件100344件，同比上升10.2%。";
        let content: String = sentence.chars().cycle().take(chars).collect();
        Block::Paragraph(Paragraph {
            lead: Some(text("坚决维护辖区安全稳定。")),
            content: text(&content),
            span: SourceSpan::new("t.md", 0..0),
        })
    }

    /// Paragraphs of many lengths with headings between them, so that headings
    /// fall at every position of the page sooner or later.
    fn report() -> Report {
        let mut body = vec![heading(1, "2023年的主要工作")];
        for i in 0..60 {
            if i % 4 == 0 {
                body.push(heading(
                    2,
                    "一、牢牢把握维护安全稳定首要任务，助力高水平平安海淀建设",
                ));
            }
            body.push(paragraph(20 + (i * 37) % 150));
        }
        Report {
            lang: Lang::Zh,
            meta: meta(),
            body,
            annexes: Vec::new(),
        }
    }

    fn grid_rows(page: &Page) -> Vec<usize> {
        page.lines
            .iter()
            .filter(|l| l.role != Role::PageNumber)
            .map(|l| ((l.baseline - TOP_MARGIN) / LINE_PITCH).floor() as usize)
            .collect()
    }

    #[test]
    fn pages_hold_22_lines_on_the_grid() {
        let doc = layout(&report(), &GridFont);
        assert!(doc.pages.len() > 5);
        let baseline_in_row = (LINE_PITCH - BODY_SIZE) / 2.0 + (1.0 - EM_DESCENT) * BODY_SIZE;
        for page in &doc.pages {
            let rows = grid_rows(page);
            assert!(
                rows.iter().all(|&r| r < LINES_PER_PAGE),
                "page {}",
                page.number
            );
            let mut unique = rows.clone();
            unique.dedup();
            assert_eq!(
                unique, rows,
                "one line per grid row on page {}",
                page.number
            );
            for line in page.lines.iter().filter(|l| l.role == Role::Body) {
                let offset = (line.baseline - TOP_MARGIN).rem_euclid(LINE_PITCH);
                assert!((offset - baseline_in_row).abs() < 1e-3);
            }
        }
        // A page ends short only to keep a heading with the text after it.
        for pair in doc.pages.windows(2) {
            let used = grid_rows(&pair[0]).last().copied().unwrap_or(0);
            let next = &pair[1].lines[0];
            assert!(
                used == LINES_PER_PAGE - 1 || matches!(next.role, Role::Heading(_)),
                "page {} ends at row {used}",
                pair[0].number
            );
        }
    }

    #[test]
    fn a_heading_never_ends_a_page() {
        let doc = layout(&report(), &GridFont);
        for page in &doc.pages {
            let last = page
                .lines
                .iter()
                .rev()
                .find(|l| l.role != Role::PageNumber)
                .unwrap();
            assert!(
                !matches!(last.role, Role::Heading(_)),
                "page {} ends with a heading",
                page.number
            );
        }
    }

    #[test]
    fn binding_margin_alternates_and_numbers_sit_outside() {
        let doc = layout(&report(), &GridFont);
        for page in &doc.pages {
            let body = page.lines.iter().find(|l| l.role == Role::Body).unwrap();
            let number = page
                .lines
                .iter()
                .find(|l| l.role == Role::PageNumber)
                .unwrap();
            assert_eq!(number.text(), format!("—{}—", page.number));
            let left = if page.number % 2 == 1 {
                28.0 * MM
            } else {
                (210.0 - 28.0 - 156.0) * MM
            };
            assert!((body.left - left).abs() < 1e-3);
            let below = TOP_MARGIN + BLOCK_HEIGHT + 7.0 * MM;
            assert!(number.baseline > below && number.baseline < below + PAGE_NUMBER_SIZE);
            if page.number % 2 == 1 {
                let right = number.left + number.width;
                assert!((right - (left + BLOCK_WIDTH - PAGE_NUMBER_SIZE)).abs() < 1e-3);
            } else {
                assert!((number.left - (left + PAGE_NUMBER_SIZE)).abs() < 1e-3);
            }
        }
    }

    #[test]
    fn no_line_starts_or_ends_with_a_forbidden_mark() {
        let doc = layout(&report(), &GridFont);
        for line in doc.pages.iter().flat_map(|p| &p.lines) {
            let text = line.text();
            let (first, last) = (text.chars().next().unwrap(), text.chars().last().unwrap());
            assert!(
                !NO_START.contains(first),
                "line starts with {first}: {text}"
            );
            assert!(!NO_END.contains(last), "line ends with {last}: {text}");
        }
    }

    #[test]
    fn a_table_that_crosses_a_page_repeats_its_header() {
        use crate::model::{Align, Cell, Table};
        let cell = |t: &str, align| Cell {
            text: t.into(),
            align,
        };
        let table = Table {
            id: "t".into(),
            title: None,
            unit: Some("（单位：件）".into()),
            caption: Some("图表1  各类案件".into()),
            header: vec![cell("", Align::Center), cell("收案数", Align::Center)],
            rows: (0..40)
                .map(|i| {
                    vec![
                        cell(&format!("第{i}类"), Align::Left),
                        cell(&format!("{}", 1000 + i), Align::Right),
                    ]
                })
                .collect(),
            span: SourceSpan::new("t.md", 0..0),
        };
        let mut report = report();
        report.body.truncate(3);
        report.body.push(Block::Table(table));
        let doc = layout(&report, &GridFont);
        let pages_with_rows: Vec<&Page> = doc
            .pages
            .iter()
            .filter(|p| p.lines.iter().any(|l| l.text().starts_with("第")))
            .collect();
        assert!(pages_with_rows.len() >= 2);
        for page in pages_with_rows {
            let first_cell = page
                .lines
                .iter()
                .find(|l| l.role == Role::TableCell)
                .unwrap();
            assert_eq!(first_cell.text(), "收案数", "page {}", page.number);
            assert!(!page.rules.is_empty());
            assert!(
                page.rules
                    .iter()
                    .all(|r| r.y2 <= TOP_MARGIN + BLOCK_HEIGHT + EPS)
            );
        }
        let cells: Vec<String> = doc
            .pages
            .iter()
            .flat_map(|p| &p.lines)
            .map(Line::text)
            .collect();
        let caption = cells.iter().position(|t| t.starts_with("图表1")).unwrap();
        assert_eq!(
            cells[caption - 1],
            "1039",
            "the caption stands right under the table"
        );
    }

    #[test]
    fn missing_glyphs_fall_back_with_a_warning_or_are_errors() {
        let span = SourceSpan::new("zh/05-team.md", 120..160);
        let mut report = report();
        report.body = vec![Block::Paragraph(Paragraph {
            lead: None,
            content: text("王堃获评先进个人☃。"),
            span: span.clone(),
        })];
        let doc = layout(&report, &GridFont);
        assert_eq!(doc.fallbacks.len(), 1);
        assert_eq!(doc.fallbacks[0].span, Some(span));
        assert_eq!(doc.fallbacks[0].chars, "堃");
        assert!(doc.fallbacks[0].message.contains("仿宋"));
        assert_eq!(doc.uncovered.len(), 1);
        assert_eq!(doc.uncovered[0].chars, "☃");
        assert!(doc.uncovered[0].message.contains("U+2603"));
    }

    #[test]
    fn outline_nests_sections_under_parts() {
        let doc = layout(&report(), &GridFont);
        assert_eq!(doc.outline[0].level, 1);
        assert_eq!(doc.outline[0].title, "2023年的主要工作");
        assert!(doc.outline[1..].iter().all(|e| e.level == 2));
    }
}
