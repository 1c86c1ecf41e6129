//! Pieces to pages: the flow pours the builder's pieces onto pages of grid lines
//! (22 in Chinese, 37 in English), honouring "keep with next" so that a heading never
//! ends a page, and repeating a table's header row on the page its rows cross to.

use super::document::{OutlineEntry, Page, PlacedDrawing, Role, Rule};
use super::footnote;
use super::piece::{ChartBox, GridLine, Piece, PieceKind, RowBox};
use super::typography::Typography;
use super::{EPS, TOP_MARGIN};

/// Pours `pieces` onto pages in the typography's grid; returns the pages (without
/// their numbers) and the outline.
pub(super) fn pour(
    pieces: Vec<Piece>,
    typo: &'static Typography,
) -> (Vec<Page>, Vec<OutlineEntry>) {
    let mut flow = Flow::new(typo);
    flow.pour(pieces);
    (flow.pages, flow.outline)
}

struct Flow {
    typo: &'static Typography,
    /// Note lines at the foot of the current page, and those that did not fit and
    /// continue on the next.
    foot: Vec<GridLine>,
    carried: Vec<GridLine>,
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
    table_header: Option<RowBox>,
}

impl Flow {
    fn new(typo: &'static Typography) -> Flow {
        Flow {
            typo,
            foot: Vec::new(),
            carried: Vec::new(),
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
        // A note that did not fit continues on pages of its own.
        while !self.carried.is_empty() {
            self.new_page();
        }
        self.close_page();
    }

    /// Grid rows the text may use on this page, with `extra` more note lines.
    fn capacity(&self, extra: usize) -> usize {
        self.lines_per_page
            .saturating_sub(footnote::foot_rows(self.typo, self.foot.len() + extra))
    }

    /// Sets the current page's notes at its foot.
    fn close_page(&mut self) {
        let foot = std::mem::take(&mut self.foot);
        if let Some(page) = self.pages.last_mut() {
            footnote::place(page, &foot, self.typo);
        }
    }

    /// Takes the notes of a line ending at grid row `end` onto this page: all of
    /// them, or as many lines as leave room for the text (the rest continue on the
    /// next page). False if not even one note line fits.
    fn take_notes(&mut self, notes: &[GridLine], end: usize) -> bool {
        if notes.is_empty() {
            return true;
        }
        let fitting = (1..=notes.len())
            .rev()
            .find(|&k| end <= self.capacity(k))
            .unwrap_or(0);
        if fitting == 0 {
            return false;
        }
        self.foot.extend_from_slice(&notes[..fitting]);
        self.carried.extend_from_slice(&notes[fitting..]);
        true
    }

    fn page_is_empty(&self) -> bool {
        self.y <= EPS
    }

    fn new_page(&mut self) {
        self.close_page();
        // Lines carried over first, as many as a page takes.
        let carried = std::mem::take(&mut self.carried);
        let room = (1..=carried.len())
            .rev()
            .find(|&k| footnote::foot_rows(self.typo, k) < self.lines_per_page)
            .unwrap_or(0);
        self.foot = carried[..room].to_vec();
        self.carried = carried[room..].to_vec();
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
        let mut notes = 0;
        for piece in pieces {
            // A note needs its first line on its marker's page; the rest may carry on.
            notes += piece.notes.len().min(1);
            let limit = self.capacity(notes) as f32 * self.pitch;
            y = match &piece.kind {
                PieceKind::Line(line) => {
                    (self.grid_row(y) + self.rows_for(line.size)) as f32 * self.pitch
                }
                PieceKind::Blank => self.grid_row(y) as f32 * self.pitch + self.pitch,
                PieceKind::Row(row) => y + row.height,
                PieceKind::Chart(c) => self.grid_row(y) as f32 * self.pitch + c.height,
                PieceKind::PageBreak => return true,
            };
            if y > limit + EPS {
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
                let end = self.grid_row(self.y) + self.rows_for(line.size);
                if end > self.capacity(0) || !self.take_notes(&piece.notes, end) {
                    self.new_page();
                    let end = self.rows_for(line.size);
                    if !self.take_notes(&piece.notes, end) {
                        // Notes carried over fill the page: these follow them.
                        self.carried.extend_from_slice(&piece.notes);
                    }
                }
                self.place_line(line);
            }
            PieceKind::Row(row) => {
                let limit = self.capacity(0) as f32 * self.pitch;
                if self.y + row.height > limit + EPS && !self.page_is_empty() {
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
                let limit = self.capacity(0) as f32 * self.pitch;
                if top + c.height > limit + EPS && !self.page_is_empty() {
                    self.new_page();
                } else {
                    self.y = top;
                }
                self.place_chart(c);
            }
        }
    }

    /// A chart takes whole grid lines from the current depth, which is on the grid.
    fn place_chart(&mut self, c: &ChartBox) {
        let spaces = self.draws_spaces;
        let page = self.pages.last_mut().expect("a page is open");
        let (left, top) = (page.block_left(), TOP_MARGIN + self.y);
        for text in &c.lines {
            let line = text
                .line
                .place(left + text.line.offset, top + text.baseline, spaces);
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
            .push(line.place(left, baseline, self.draws_spaces));
        self.y = (row + rows) as f32 * self.pitch;
    }

    fn place_row(&mut self, row: &RowBox) {
        let page = self.pages.last_mut().expect("a page is open");
        let (left, top) = (page.block_left(), TOP_MARGIN + self.y);
        for cell in &row.lines {
            let mut line = cell.line.place(
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
