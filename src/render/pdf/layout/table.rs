//! Ruled tables. A table spans the measure; its type is 14 pt, or 12 pt when 14 pt
//! does not fit (11 or 10 pt in English). Rows are pieces of their own so the flow
//! can break between them and repeat the header row on the next page.

use crate::model::{self, Table};

use super::BLOCK_WIDTH;
use super::atom::{Align, Atom, Coverage, Style};
use super::build::{Builder, Lines};
use super::document::{Role, Rule};
use super::piece::{BoxLine, GridLine, PieceKind, RowBox};

/// Space between a cell's rules and its text.
const PAD_X: f32 = 4.0;
/// Line pitch inside a cell, per pt of type size.
const CELL_LEADING: f32 = 1.4;
const INNER_RULE: f32 = 0.5;
const FRAME_RULE: f32 = 1.0;

/// One row of the table, as `row_box` sets it.
struct Row<'t> {
    cells: &'t [model::Cell],
    header: bool,
    /// The table's first and last rows, which get the frame's heavier rule.
    first: bool,
    last: bool,
}

/// The type size and the column widths every row of a table shares.
struct Columns {
    size: f32,
    widths: Vec<f32>,
}

pub(super) fn table(b: &mut Builder, t: &Table) {
    let unit_style = Style {
        face: b.typo.table.cell,
        size: b.typo.table.sizes[0],
    };
    let title_style = b.typo.table.title;
    if let Some(title) = &t.title {
        let runs = [(title.clone(), title_style)];
        b.lines(
            Lines::new(Role::TableTitle, Some(&t.span), &runs, Align::Center).keeping_with_next(),
        );
    }
    if let Some(unit) = &t.unit {
        let runs = [(unit.clone(), unit_style)];
        b.lines(
            Lines::new(Role::TableUnit, Some(&t.span), &runs, Align::Right).keeping_with_next(),
        );
    }

    let rows: Vec<(&[model::Cell], bool)> = std::iter::once((t.header.as_slice(), true))
        .filter(|(h, _)| !h.is_empty())
        .chain(t.rows.iter().map(|r| (r.as_slice(), false)))
        .collect();
    let columns = rows.iter().map(|(r, _)| r.len()).max().unwrap_or(0);
    if columns > 0 {
        let columns = column_widths(b, &rows, columns);
        let count = rows.len();
        for (i, &(cells, header)) in rows.iter().enumerate() {
            let row = Row {
                cells,
                header,
                first: i == 0,
                last: i + 1 == count,
            };
            let row = row_box(b, t, row, &columns);
            // The header stays with the first body row; the last row with the caption.
            let keep = header || (i + 1 == count && t.caption.is_some());
            b.push(PieceKind::Row(row), keep);
        }
    }

    if let Some(caption) = &t.caption {
        let runs = [(caption.clone(), unit_style)];
        b.lines(Lines::new(
            Role::Caption,
            Some(&t.span),
            &runs,
            Align::Center,
        ));
    }
    // Air between a caption and whatever follows (often the next table's unit).
    b.blank(false);
}

fn cell_style(b: &Builder, header: bool, size: f32) -> Style {
    let table = &b.typo.table;
    Style {
        face: if header { table.header } else { table.cell },
        size,
    }
}

/// The explicit lines of a cell ("知识产权\n案件"); blank ones collapse.
fn cell_segments(cell: &model::Cell) -> impl Iterator<Item = &str> {
    cell.text
        .split('\n')
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Picks the largest type size at which every cell fits on one line (or on the
/// lines its text gives), sharing what is left of the measure out equally. If
/// even the smallest size is too wide, cells wrap: every column keeps at least
/// its widest unbreakable piece ("105890" never splits), and the rest of the
/// measure goes to the columns in proportion to how much more they would need.
fn column_widths(b: &Builder, rows: &[(&[model::Cell], bool)], columns: usize) -> Columns {
    let sizes = b.typo.table.sizes;
    for &size in &sizes {
        let mut natural = vec![0.0f32; columns];
        let mut minimum = vec![0.0f32; columns];
        for (cells, header) in rows {
            for (c, cell) in cells.iter().enumerate() {
                for segment in cell_segments(cell) {
                    // Coverage is reported once, when the row is set.
                    let runs = [(segment.to_string(), cell_style(b, *header, size))];
                    let atoms = b.typo.shape(&runs, b.metrics, &mut Coverage::default());
                    let (one_line, widest_piece) = widths_of(b, &atoms);
                    natural[c] = natural[c].max(one_line + 2.0 * PAD_X);
                    minimum[c] = minimum[c].max(widest_piece + 2.0 * PAD_X);
                }
            }
        }
        let total: f32 = natural.iter().sum();
        if total <= BLOCK_WIDTH {
            let extra = (BLOCK_WIDTH - total) / columns as f32;
            return Columns {
                size,
                widths: natural.iter().map(|w| w + extra).collect(),
            };
        }
        if size == sizes[sizes.len() - 1] {
            let least: f32 = minimum.iter().sum();
            let room = (BLOCK_WIDTH - least).max(0.0);
            let share = room / (total - least).max(f32::EPSILON);
            let widths = natural
                .iter()
                .zip(&minimum)
                .map(|(n, m)| m + (n - m) * share)
                .collect::<Vec<f32>>();
            // Below the minimum even at the smallest size: shrink everything alike.
            let sum: f32 = widths.iter().sum();
            return Columns {
                size,
                widths: widths
                    .iter()
                    .map(|w| w * BLOCK_WIDTH / sum.max(BLOCK_WIDTH))
                    .collect(),
            };
        }
    }
    unreachable!("the last size always returns")
}

/// The width of `atoms` set on one line, and of their widest unbreakable piece.
fn widths_of(b: &Builder, atoms: &[Atom]) -> (f32, f32) {
    let breaks = b.typo.break_opportunities(atoms);
    let (mut piece, mut widest) = (0.0f32, 0.0f32);
    for (i, atom) in atoms.iter().enumerate() {
        if breaks[i] {
            piece = 0.0;
        }
        piece += atom.width;
        widest = widest.max(piece);
    }
    (atoms.iter().map(|a| a.width).sum(), widest)
}

fn row_box(b: &mut Builder, t: &Table, row: Row, columns: &Columns) -> RowBox {
    let Row {
        cells,
        header,
        first,
        last,
    } = row;
    let Columns { size, ref widths } = *columns;
    let leading = size * CELL_LEADING;
    let style = cell_style(b, header, size);
    let (pitch, em_descent) = (b.typo.pitch(), b.typo.em_descent);
    let mut set_columns = Vec::new();
    let mut x = 0.0;
    for (c, width) in widths.iter().enumerate() {
        let inner = width - 2.0 * PAD_X;
        let mut set_lines = Vec::new();
        if let Some(cell) = cells.get(c) {
            let align = match (header, cell.align) {
                (true, _) | (_, model::Align::Center) => Align::Center,
                (_, model::Align::Left) => Align::Left,
                (_, model::Align::Right) => Align::Right,
            };
            for segment in cell_segments(cell) {
                let atoms = b.shape(&[(segment.to_string(), style)], Some(&t.span));
                set_lines.extend(b.typo.compose(&atoms, 0.0, inner, align));
            }
        }
        set_columns.push((x + PAD_X, inner, set_lines));
        x += width;
    }
    let most = set_columns
        .iter()
        .map(|(_, _, l)| l.len())
        .max()
        .unwrap_or(0);
    let height = (most as f32 * leading + (pitch - leading)).max(pitch);

    let mut lines = Vec::new();
    for (offset, inner, set_lines) in set_columns {
        // Centre the cell's lines vertically in the row.
        let top = (height - set_lines.len() as f32 * leading) / 2.0;
        let count = set_lines.len();
        for (i, set) in set_lines.into_iter().enumerate() {
            let baseline =
                top + i as f32 * leading + (leading - size) / 2.0 + (1.0 - em_descent) * size;
            let line = GridLine {
                role: Role::TableCell,
                span: Some(t.span.clone()),
                set,
                offset,
                measure: inner,
                size,
                first: i == 0,
                last: i + 1 == count,
                outline: None,
            };
            lines.push(BoxLine { line, baseline });
        }
    }

    let rule = |x1, y1, x2, y2, width| Rule {
        x1,
        y1,
        x2,
        y2,
        width,
    };
    let mut rules = vec![
        rule(
            0.0,
            0.0,
            BLOCK_WIDTH,
            0.0,
            if first || header {
                FRAME_RULE
            } else {
                INNER_RULE
            },
        ),
        rule(
            0.0,
            height,
            BLOCK_WIDTH,
            height,
            if last || header {
                FRAME_RULE
            } else {
                INNER_RULE
            },
        ),
    ];
    let mut x = 0.0;
    for (c, width) in widths.iter().enumerate() {
        let edge = if c == 0 { FRAME_RULE } else { INNER_RULE };
        rules.push(rule(x, 0.0, x, height, edge));
        x += width;
    }
    rules.push(rule(BLOCK_WIDTH, 0.0, BLOCK_WIDTH, height, FRAME_RULE));
    RowBox {
        header,
        height,
        lines,
        rules,
    }
}
