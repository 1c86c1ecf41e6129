//! The layout engine: a pure function from the report and font metrics to pages
//! of positioned glyphs and rules. Nothing here knows about PDF syntax, so tests
//! can walk every line.
//!
//! Blocks are first turned into a flat list of `Piece`s (grid lines, blank grid
//! lines, table rows, charts, page breaks), then `Flow` pours the pieces onto pages of
//! grid lines (22 in Chinese, 37 in English), honouring "keep with next" so that a
//! heading never ends a page and a table that crosses a page repeats its header row.
//!
//! Everything that differs between the editions (faces, sizes, leading, how
//! characters become lines) comes from the report's [`Typography`]: Chinese
//! composition lives in `text`, English in `latin`.

mod chart;
pub mod latin;
pub mod script;
mod table;
pub mod text;

use std::collections::HashMap;

use crate::model::{Annex, Block, Inline, Meta, Paragraph, Report, SourceSpan, plain_text};

use super::GlyphProblem;
use super::fonts::{Face, GlyphMetrics, Metrics};
pub use script::{Script, Typography};
use text::{Align, Atom, Coverage, SetLine, Style};

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
    pub drawing: crate::chart::Drawing,
}

impl Page {
    /// Left edge of the text block: the binding margin alternates sides.
    pub fn block_left(&self) -> f32 {
        block_left(self.number)
    }
}

fn block_left(number: usize) -> f32 {
    if number % 2 == 1 {
        BINDING_MARGIN
    } else {
        PAGE_WIDTH - BINDING_MARGIN - BLOCK_WIDTH
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
    PageNumber,
}

/// One line of text. All coordinates are in pt from the page's top-left corner.
#[derive(Debug, Clone)]
pub struct Line {
    pub role: Role,
    pub span: SourceSpan,
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

/// Lays out the whole report, in the typography of its language.
pub fn layout(report: &Report, metrics: &dyn Metrics) -> Document {
    let metrics = &Remembered::new(metrics);
    let typo = Typography::of(report.lang);
    let mut b = Builder::new(metrics, typo);
    b.title_block(&report.meta);
    for block in &report.body {
        b.block(block);
    }
    for annex in &report.annexes {
        b.annex(annex);
    }
    let Builder {
        pieces,
        fallbacks,
        uncovered,
        ..
    } = b;
    let mut flow = Flow::new(typo);
    flow.pour(pieces);
    let outline = flow.outline;
    let mut pages = flow.pages;
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

// ---------------------------------------------------------------------------
// Blocks to pieces

/// Something the flow places: one grid line, a table row, or a break.
#[derive(Debug, Clone)]
struct Piece {
    kind: PieceKind,
    /// Must stand on the same page as the piece after it.
    keep_with_next: bool,
}

#[derive(Debug, Clone)]
enum PieceKind {
    Line(GridLine),
    /// An empty grid line; dropped at the top of a page.
    Blank,
    PageBreak,
    Row(table::RowBox),
    Chart(chart::ChartBox),
}

/// A composed line waiting for its grid row.
#[derive(Debug, Clone)]
struct GridLine {
    role: Role,
    span: SourceSpan,
    set: SetLine,
    /// Offset of the measure from the left of the text block.
    offset: f32,
    measure: f32,
    /// Type size that decides where the baseline sits in the grid row.
    size: f32,
    first: bool,
    last: bool,
    outline: Option<(u8, String)>,
}

struct Builder<'a> {
    metrics: &'a dyn Metrics,
    typo: &'static Typography,
    pieces: Vec<Piece>,
    fallbacks: Vec<GlyphProblem>,
    uncovered: Vec<GlyphProblem>,
}

impl<'a> Builder<'a> {
    fn new(metrics: &'a dyn Metrics, typo: &'static Typography) -> Self {
        Builder {
            metrics,
            typo,
            pieces: Vec::new(),
            fallbacks: Vec::new(),
            uncovered: Vec::new(),
        }
    }

    fn push(&mut self, kind: PieceKind, keep_with_next: bool) {
        self.pieces.push(Piece {
            kind,
            keep_with_next,
        });
    }

    fn blank(&mut self, keep_with_next: bool) {
        self.push(PieceKind::Blank, keep_with_next);
    }

    /// Shapes runs, recording every character that needed the fallback face or
    /// that no face has, against `span`.
    fn shape(&mut self, runs: &[(String, Style)], span: &SourceSpan) -> Vec<Atom> {
        let mut coverage = Coverage::default();
        let atoms = self.typo.shape(runs, self.metrics, &mut coverage);
        let mut faces: Vec<Face> = coverage.fell_back.iter().map(|(f, _)| *f).collect();
        faces.sort();
        faces.dedup();
        for face in faces {
            let chars = unique(
                coverage
                    .fell_back
                    .iter()
                    .filter(|(f, _)| *f == face)
                    .map(|(_, c)| *c),
            );
            self.fallbacks.push(GlyphProblem {
                span: Some(span.clone()).filter(|s| !s.file.as_os_str().is_empty()),
                message: format!(
                    "{} lacks {}; set in {} instead",
                    face.label(),
                    describe(&chars),
                    Face::Song.label()
                ),
                chars,
            });
        }
        if !coverage.uncovered.is_empty() {
            let chars = unique(coverage.uncovered.iter().copied());
            self.uncovered.push(GlyphProblem {
                span: Some(span.clone()).filter(|s| !s.file.as_os_str().is_empty()),
                message: format!("no bundled font has {}", describe(&chars)),
                chars,
            });
        }
        atoms
    }

    /// Composes text into grid lines. A `\n` in the runs forces a line break.
    #[allow(clippy::too_many_arguments)]
    fn lines(
        &mut self,
        role: Role,
        span: &SourceSpan,
        runs: &[(String, Style)],
        indent: f32,
        align: Align,
        keep_with_next: bool,
        outline: Option<u8>,
    ) {
        let size = runs.iter().map(|(_, s)| s.size).fold(0.0, f32::max);
        let mut outline = outline.map(|level| {
            let title: String = runs.iter().map(|(t, _)| t.as_str()).collect();
            (level, title.replace('\n', ""))
        });
        for (i, segment) in split_forced_breaks(runs).iter().enumerate() {
            let atoms = self.shape(segment, span);
            let indent = if i == 0 { indent } else { 0.0 };
            let set_lines = self.typo.compose(&atoms, indent, BLOCK_WIDTH, align);
            let count = set_lines.len();
            for (j, set) in set_lines.into_iter().enumerate() {
                let line = GridLine {
                    role,
                    span: span.clone(),
                    set,
                    offset: 0.0,
                    measure: BLOCK_WIDTH,
                    size,
                    first: i == 0 && j == 0,
                    last: j + 1 == count,
                    outline: outline.take(),
                };
                self.push(PieceKind::Line(line), keep_with_next);
            }
        }
    }

    fn title_block(&mut self, meta: &Meta) {
        let none = SourceSpan::default();
        let t = self.typo;
        let line = |text: &str, style: Style| vec![(text.to_string(), style)];
        self.lines(
            Role::Title,
            &none,
            &line(&meta.title, t.title),
            0.0,
            Align::Center,
            false,
            None,
        );
        self.blank(false);
        for occasion in &meta.occasion {
            self.lines(
                Role::Occasion,
                &none,
                &line(occasion, t.occasion),
                0.0,
                Align::Center,
                false,
                None,
            );
        }
        self.blank(false);
        self.lines(
            Role::Speaker,
            &none,
            &line(&meta.speaker, t.speaker),
            0.0,
            Align::Center,
            false,
            None,
        );
        self.blank(false);
        self.lines(
            Role::Salutation,
            &none,
            &line(&meta.salutation, t.body),
            0.0,
            Align::Left,
            true,
            None,
        );
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Heading(h) => {
                let level = usize::from(h.level.clamp(1, 3)) - 1;
                let script::HeadingStyle {
                    style,
                    align,
                    indent,
                    space_before,
                } = self.typo.headings[level];
                if space_before {
                    self.blank(true);
                }
                let runs = self.runs(&h.content, style);
                let outline = (h.level <= 2).then_some(h.level);
                self.lines(
                    Role::Heading(h.level),
                    &h.span,
                    &runs,
                    indent,
                    align,
                    true,
                    outline,
                );
            }
            Block::Paragraph(p) => self.paragraph(p),
            Block::List(list) => {
                for item in &list.items {
                    let runs = self.runs(item, self.typo.body);
                    self.body(&list.span, &runs);
                }
            }
            Block::Table(t) => table::table(self, t),
            Block::Chart(c) => chart::chart(self, c),
            Block::Figure(f) => self.caption(&f.caption, &SourceSpan::default()),
            Block::Glossary(entries) => {
                for e in entries {
                    self.numbered(e.number, &e.term, &e.definition, &e.span);
                    if let Some(f) = &e.figure {
                        self.caption(&f.caption, &e.span);
                    }
                }
            }
            Block::Cases(cases) => {
                for c in cases {
                    self.numbered(c.number, &c.title, &c.body, &c.span);
                    if let Some(f) = &c.figure {
                        self.caption(&f.caption, &c.span);
                    }
                }
            }
        }
    }

    fn paragraph(&mut self, p: &Paragraph) {
        let mut all = Vec::new();
        if let Some(lead) = &p.lead {
            all.extend(self.runs(lead, self.typo.lead));
            let gap = self.typo.after_lead();
            let (before, after) = (plain_text(lead), plain_text(&p.content));
            if !gap.is_empty()
                && !before.ends_with(char::is_whitespace)
                && !after.starts_with(char::is_whitespace)
            {
                all.push((gap.to_string(), self.typo.body));
            }
        }
        all.extend(self.runs(&p.content, self.typo.body));
        self.body(&p.span, &all);
    }

    fn body(&mut self, span: &SourceSpan, runs: &[(String, Style)]) {
        self.lines(
            Role::Body,
            span,
            runs,
            self.typo.indent,
            Align::Justify,
            false,
            None,
        );
    }

    /// A glossary entry or a case: "N." then the term or title as a lead-in.
    fn numbered(&mut self, number: u32, term: &str, body: &[Inline], span: &SourceSpan) {
        let mut all = self.typo.numbered(number, term);
        all.extend(self.runs(body, self.typo.body));
        self.body(span, &all);
    }

    /// A figure whose picture is not printed: its caption stands alone, centred.
    fn caption(&mut self, caption: &str, span: &SourceSpan) {
        if caption.trim().is_empty() {
            return;
        }
        let runs = vec![(caption.to_string(), self.typo.body)];
        self.lines(Role::Caption, span, &runs, 0.0, Align::Center, false, None);
    }

    /// An annex opens a page: its label on line 1, its title on line 3.
    fn annex(&mut self, annex: &Annex) {
        let none = SourceSpan::default();
        self.push(PieceKind::PageBreak, false);
        let label = vec![(annex.label.clone(), self.typo.annex_label)];
        let outline_title = format!("{} {}", annex.label, annex.title);
        self.lines(
            Role::AnnexLabel,
            &none,
            &label,
            0.0,
            Align::Left,
            true,
            None,
        );
        if let Some(Piece {
            kind: PieceKind::Line(l),
            ..
        }) = self.pieces.last_mut()
        {
            l.outline = Some((1, outline_title));
        }
        self.blank(true);
        let title = vec![(annex.title.clone(), self.typo.annex_title)];
        self.lines(
            Role::AnnexTitle,
            &none,
            &title,
            0.0,
            Align::Center,
            true,
            None,
        );
        self.blank(false);
        for block in &annex.blocks {
            self.block(block);
        }
    }
}

impl Builder<'_> {
    /// Flattens inlines into styled runs. In Chinese, emphasis is set in 楷体 and
    /// strong text in 黑体: official documents emphasise by face, never by fake
    /// bold. In English, italic and bold.
    fn runs(&self, inlines: &[Inline], style: Style) -> Vec<(String, Style)> {
        let mut out = Vec::new();
        collect_runs(inlines, style, self.typo, &mut out);
        out
    }
}

fn collect_runs(
    inlines: &[Inline],
    style: Style,
    typo: &Typography,
    out: &mut Vec<(String, Style)>,
) {
    for inline in inlines {
        match inline {
            Inline::Text(t) => out.push((soft_breaks(t), style)),
            Inline::Emphasis(c) => collect_runs(
                c,
                Style {
                    face: typo.emphasis,
                    ..style
                },
                typo,
                out,
            ),
            Inline::Strong(c) => collect_runs(
                c,
                Style {
                    face: typo.strong,
                    ..style
                },
                typo,
                out,
            ),
            Inline::TermRef { content, .. } | Inline::Link { content, .. } => {
                collect_runs(content, style, typo, out)
            }
            Inline::LineBreak => out.push(("\n".to_string(), style)),
        }
    }
}

/// A source newline inside Chinese text vanishes; between Latin words it is a space.
fn soft_breaks(text: &str) -> String {
    if !text.contains('\n') {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == '\n' {
            let before = i.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(i + 1);
            if before.is_some_and(|c| c.is_ascii_alphanumeric())
                && after.is_some_and(|c| c.is_ascii_alphanumeric())
            {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits runs at forced line breaks (`\n` runs from `Inline::LineBreak`).
fn split_forced_breaks(runs: &[(String, Style)]) -> Vec<Vec<(String, Style)>> {
    let mut segments = vec![Vec::new()];
    for (text, style) in runs {
        for (i, part) in text.split('\n').enumerate() {
            if i > 0 {
                segments.push(Vec::new());
            }
            if !part.is_empty() {
                segments
                    .last_mut()
                    .expect("never empty")
                    .push((part.to_string(), *style));
            }
        }
    }
    segments
}

fn unique(chars: impl Iterator<Item = char>) -> String {
    let mut seen = String::new();
    for c in chars {
        if !seen.contains(c) {
            seen.push(c);
        }
    }
    seen
}

fn describe(chars: &str) -> String {
    let codes: Vec<String> = chars
        .chars()
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    format!("“{chars}” ({})", codes.join(" "))
}

// ---------------------------------------------------------------------------
// Pieces to pages

struct Flow {
    /// Grid rows per page and their pitch.
    lines_per_page: usize,
    pitch: f32,
    em_descent: f32,
    draws_spaces: bool,
    pages: Vec<Page>,
    /// Depth already used on the current page, from the top of the text block.
    y: f32,
    outline: Vec<OutlineEntry>,
    /// Header row of the table being set, to repeat after a page break.
    table_header: Option<table::RowBox>,
}

impl Flow {
    fn new(typo: &Typography) -> Flow {
        Flow {
            lines_per_page: typo.lines_per_page,
            pitch: typo.pitch(),
            em_descent: typo.em_descent,
            draws_spaces: typo.draws_spaces(),
            pages: Vec::new(),
            y: 0.0,
            outline: Vec::new(),
            table_header: None,
        }
    }

    /// The first grid row at or below depth `y`.
    fn grid_row(&self, y: f32) -> usize {
        ((y - EPS) / self.pitch).ceil().max(0.0) as usize
    }

    /// Grid rows a line takes: one, unless its type is too large to set solid
    /// on one pitch with some air (an English title on the 17 pt grid).
    fn rows_for(&self, size: f32) -> usize {
        ((size * 1.15 / self.pitch).ceil() as usize).max(1)
    }

    fn pour(&mut self, pieces: Vec<Piece>) {
        self.new_page();
        for i in 0..pieces.len() {
            // The piece and everything it must keep with.
            let end = (i..pieces.len())
                .find(|&j| !pieces[j].keep_with_next)
                .unwrap_or(pieces.len() - 1);
            if !self.page_is_empty() && !self.fits(&pieces[i..=end]) {
                self.break_page(&pieces[i]);
            }
            self.place(&pieces[i]);
        }
    }

    fn page_is_empty(&self) -> bool {
        self.y <= EPS
    }

    fn new_page(&mut self) {
        self.pages.push(Page {
            number: self.pages.len() + 1,
            lines: Vec::new(),
            rules: Vec::new(),
            drawings: Vec::new(),
        });
        self.y = 0.0;
    }

    /// Starts a new page before `next`; a table row carries its table's header
    /// row over with it.
    fn break_page(&mut self, next: &Piece) {
        self.new_page();
        if let PieceKind::Row(row) = &next.kind
            && !row.header
            && let Some(header) = self.table_header.clone()
        {
            self.place_row(&header);
        }
    }

    /// Whether `pieces` fit below the current depth on this page.
    fn fits(&self, pieces: &[Piece]) -> bool {
        let mut y = self.y;
        for piece in pieces {
            y = match &piece.kind {
                PieceKind::Line(line) => {
                    (self.grid_row(y) + self.rows_for(line.size)) as f32 * self.pitch
                }
                PieceKind::Blank => self.grid_row(y) as f32 * self.pitch + self.pitch,
                PieceKind::Row(row) => y + row.height,
                PieceKind::Chart(c) => self.grid_row(y) as f32 * self.pitch + c.height,
                PieceKind::PageBreak => return true,
            };
            if y > BLOCK_HEIGHT + EPS {
                return false;
            }
        }
        true
    }

    fn place(&mut self, piece: &Piece) {
        match &piece.kind {
            PieceKind::PageBreak => {
                if !self.page_is_empty() {
                    self.new_page();
                }
            }
            PieceKind::Blank => {
                if !self.page_is_empty() {
                    self.y = (self.grid_row(self.y) + 1) as f32 * self.pitch;
                }
            }
            PieceKind::Line(line) => {
                self.table_header = None;
                if self.grid_row(self.y) + self.rows_for(line.size) > self.lines_per_page {
                    self.new_page();
                }
                self.place_line(line);
            }
            PieceKind::Row(row) => {
                if self.y + row.height > BLOCK_HEIGHT + EPS && !self.page_is_empty() {
                    self.break_page(piece);
                }
                if row.header {
                    self.table_header = Some(row.clone());
                }
                self.place_row(row);
            }
            PieceKind::Chart(c) => {
                self.table_header = None;
                let top = self.grid_row(self.y) as f32 * self.pitch;
                if top + c.height > BLOCK_HEIGHT + EPS && !self.page_is_empty() {
                    self.new_page();
                } else {
                    self.y = top;
                }
                self.place_chart(c);
            }
        }
    }

    /// A chart takes whole grid lines from the current depth, which is on the grid.
    fn place_chart(&mut self, c: &chart::ChartBox) {
        let spaces = self.draws_spaces;
        let page = self.pages.last_mut().expect("a page is open");
        let (left, top) = (page.block_left(), TOP_MARGIN + self.y);
        for text in &c.lines {
            let line = to_line(
                &text.line,
                left + text.line.offset,
                top + text.baseline,
                spaces,
            );
            page.lines.push(line);
        }
        page.drawings.push(PlacedDrawing {
            left,
            top: top + c.top,
            drawing: c.drawing.clone(),
        });
        self.y += c.height;
    }

    fn place_line(&mut self, line: &GridLine) {
        let row = self.grid_row(self.y);
        let rows = self.rows_for(line.size);
        let top = TOP_MARGIN + row as f32 * self.pitch;
        let page = self.pages.last_mut().expect("a page is open");
        let left = page.block_left() + line.offset;
        if let Some((level, title)) = &line.outline {
            self.outline.push(OutlineEntry {
                title: title.clone(),
                level: *level,
                page: page.number - 1,
                top,
            });
        }
        let height = rows as f32 * self.pitch;
        let baseline = top + (height - line.size) / 2.0 + (1.0 - self.em_descent) * line.size;
        page.lines
            .push(to_line(line, left, baseline, self.draws_spaces));
        self.y = (row + rows) as f32 * self.pitch;
    }

    fn place_row(&mut self, row: &table::RowBox) {
        let page = self.pages.last_mut().expect("a page is open");
        let (left, top) = (page.block_left(), TOP_MARGIN + self.y);
        for cell in &row.lines {
            let mut line = to_line(
                &cell.line,
                left + cell.line.offset,
                top + cell.baseline,
                self.draws_spaces,
            );
            line.role = Role::TableCell;
            page.lines.push(line);
        }
        for r in &row.rules {
            page.rules.push(Rule {
                x1: left + r.x1,
                y1: top + r.y1,
                x2: left + r.x2,
                y2: top + r.y2,
                width: r.width,
            });
        }
        self.y += row.height;
    }
}

/// Positions a composed line; spaces become glyphs only if `spaces`.
fn to_line(line: &GridLine, left: f32, baseline: f32, spaces: bool) -> Line {
    Line {
        role: line.role,
        span: line.span.clone(),
        baseline,
        left,
        measure: line.measure,
        width: line.set.width,
        justified: line.set.justified,
        hanging: line.set.hanging,
        first: line.first,
        last: line.last,
        glyphs: line
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
            })
            .collect(),
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
        span: SourceSpan::default(),
        set,
        offset: 0.0,
        measure: BLOCK_WIDTH,
        size: style.size,
        first: true,
        last: true,
        outline: None,
    };
    page.lines
        .push(to_line(&grid, left, baseline, typo.draws_spaces()));
}

#[cfg(test)]
mod tests {
    use super::text::tests::GridFont;
    use super::text::{NO_END, NO_START};
    use super::*;
    use crate::model::{Heading, Lang};

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
            span: SourceSpan::default(),
        })
    }

    fn paragraph(chars: usize) -> Block {
        let sentence = "坚持“六位一体”工作格局，审结案件100344件，同比上升10.2%。";
        let content: String = sentence.chars().cycle().take(chars).collect();
        Block::Paragraph(Paragraph {
            lead: Some(text("坚决维护辖区安全稳定。")),
            content: text(&content),
            span: SourceSpan::default(),
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
            span: SourceSpan::default(),
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
