//! Chinese line composition: characters become fixed cells, break opportunities
//! come from UAX #14 corrected by the clreq rules, and lines are filled greedily
//! and justified to the measure. Nothing hangs: where the next character may not
//! start a line, the line's punctuation is squeezed first (push-in), and only if
//! that is not enough is the last piece pulled back to the next line (push-out).

use unicode_linebreak::{BreakOpportunity, linebreaks};

use super::CELL_RATIO;
use super::atom::{Align, Atom, Coverage, SetLine, Style};
use crate::render::pdf::fonts::{Face, GlyphMetrics, Metrics};
use crate::script;

pub use crate::script::{NO_END, NO_START};

/// Marks whose ink stands in the left half of their cell (closing marks and the
/// line-end stops, in Simplified Chinese): push-in may take the right half away.
/// ？ and ！ are centred, so they keep their cells.
const SQUEEZE_RIGHT: &str = "，。、；：）》」』〕】〉］｝”’";
/// Opening marks, whose ink stands in the right half: push-in takes the left half.
const SQUEEZE_LEFT: &str = "（《「『〔【〈［｛“‘";
/// A glyph narrower than this share of its cell is a proportional (Western) form,
/// as LXGW WenKai draws “ ” ‘ ’: it is set at its own width, not in a cell, so that
/// it hugs the text beside it and no reader of the PDF sees a gap as a space.
const NARROW_GLYPH: f32 = 0.5;

/// Resolves every character of `runs` to a glyph, falling back per character to
/// 宋体 when the run's face lacks it. Newlines are dropped: forced breaks have
/// been split off and soft ones resolved before text gets here.
pub fn shape(
    runs: &[(String, Style)],
    metrics: &dyn Metrics,
    coverage: &mut Coverage,
) -> Vec<Atom> {
    let mut atoms = Vec::new();
    for (text, style) in runs {
        for ch in text.chars() {
            if ch == '\n' || ch == '\r' {
                continue;
            }
            let (face, glyph) = match metrics.glyph(style.face, ch) {
                Some(g) => (style.face, g),
                None => match metrics.glyph(Face::Song, ch) {
                    Some(g) => {
                        coverage.fell_back.push((style.face, ch));
                        (Face::Song, g)
                    }
                    // Spaces are never drawn: a face without one still has room for it.
                    None if ch.is_whitespace() => {
                        let advance = if is_full_width(ch) { 1.0 } else { 0.25 };
                        (style.face, GlyphMetrics { gid: 0, advance })
                    }
                    None => {
                        coverage.uncovered.push(ch);
                        continue;
                    }
                },
            };
            let advance = glyph.advance * style.size;
            let full_width = is_full_width(ch);
            let cell = style.size * CELL_RATIO;
            let (width, ink_dx) = if full_width && advance >= NARROW_GLYPH * cell {
                (cell, ink_offset(ch, cell, advance))
            } else {
                (advance, 0.0)
            };
            atoms.push(Atom {
                ch,
                face,
                size: style.size,
                gid: glyph.gid,
                width,
                ink_dx,
                full_width,
            });
        }
    }
    atoms
}

/// Whether `ch` takes a full grid cell: a wide character (`script::is_wide`), or a
/// quote, dash or ellipsis, which Unicode calls ambiguous but Chinese text always sets
/// full-width.
pub fn is_full_width(ch: char) -> bool {
    script::is_wide(ch) || script::is_ambiguous(ch)
}

/// Places a glyph narrower (or wider) than its cell: opening quotes hug the text
/// after them, closing quotes the text before, everything else is centred.
fn ink_offset(ch: char, cell: f32, advance: f32) -> f32 {
    if advance >= cell {
        return (cell - advance) / 2.0;
    }
    match ch {
        '“' | '‘' => cell - advance,
        '”' | '’' => 0.0,
        _ => (cell - advance) / 2.0,
    }
}

/// `result[i]` says whether a line may break before atom `i` (`0 < i <= n`;
/// `result[0]` and `result[n]` are true for convenience).
pub fn break_opportunities(atoms: &[Atom]) -> Vec<bool> {
    let n = atoms.len();
    let text: String = atoms.iter().map(|a| a.ch).collect();
    let mut byte_to_atom = vec![0usize; text.len() + 1];
    for (i, (b, _)) in text.char_indices().enumerate() {
        byte_to_atom[b] = i;
    }
    byte_to_atom[text.len()] = n;

    let mut allowed = vec![false; n + 1];
    for (b, op) in linebreaks(&text) {
        if matches!(op, BreakOpportunity::Allowed | BreakOpportunity::Mandatory) {
            allowed[byte_to_atom[b]] = true;
        }
    }
    for i in 1..n {
        let (before, after) = (atoms[i - 1].ch, atoms[i].ch);
        // UAX #14 glues quotation marks to both neighbours; Chinese breaks before
        // an opening quote and after a closing one like before and after any hanzi.
        // The same goes for an ellipsis, which UAX #14 will not let start a line.
        // Full-width opening brackets too (UAX #14's LB30 keeps them to a preceding
        // Latin letter or digit, which clreq does not).
        if matches!(
            after,
            '“' | '‘' | '…' | '（' | '《' | '「' | '『' | '〔' | '【' | '〈' | '［' | '｛'
        ) || matches!(before, '”' | '’')
        {
            allowed[i] = true;
        }
        if NO_START.contains(after)
            || NO_END.contains(before)
            || (before == after && matches!(before, '—' | '…'))
            // A number or Latin word keeps the unit that follows it: 2659亿, 5个.
            || (is_alnum(before) && atoms[i].full_width && is_ideograph(after))
            // Never break inside a run of Latin letters, digits and their marks.
            || (is_alnum_part(before) && is_alnum_part(after))
        {
            allowed[i] = false;
        }
    }
    allowed[0] = true;
    allowed[n] = true;
    allowed
}

fn is_alnum(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || matches!(ch, '%' | '‰')
}

fn is_alnum_part(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || matches!(ch, '%' | '‰' | '.' | '+' | '-' | '/' | ':' | ',')
}

fn is_ideograph(ch: char) -> bool {
    script::is_ideograph(ch)
}

/// How much push-in may take from `atom`'s cell: half a cell from a mark whose
/// ink stands in one half, nothing from anything else.
fn squeezable(atom: &Atom) -> f32 {
    let cell = atom.size * CELL_RATIO;
    let marked = SQUEEZE_RIGHT.contains(atom.ch) || SQUEEZE_LEFT.contains(atom.ch);
    if marked && atom.full_width && atom.width >= cell - 0.01 {
        cell / 2.0
    } else {
        0.0
    }
}

/// Breaks `atoms` into lines of `measure` pt, the first indented by `indent`.
/// Where the next line would start with a forbidden mark (or the line ends inside
/// a number and its unit), the line's punctuation is squeezed so that the piece
/// fits (push-in); if squeezing every mark by half a cell is not enough, the
/// piece is pulled back to the next line (push-out) and the line justified.
pub fn compose(atoms: &[Atom], indent: f32, measure: f32, align: Align) -> Vec<SetLine> {
    const EPS: f32 = 0.01;
    let breaks = break_opportunities(atoms);
    let n = atoms.len();
    let mut lines = Vec::new();
    let mut start = 0;
    while start < n {
        while start < n && atoms[start].is_space() {
            start += 1;
        }
        if start == n {
            break;
        }
        let offset = if lines.is_empty() { indent } else { 0.0 };
        let avail = measure - offset;
        let mut width = 0.0;
        let mut k = start;
        while k < n && width + atoms[k].width <= avail + EPS {
            width += atoms[k].width;
            k += 1;
        }
        // Spaces at the end of a line take no room.
        while k < n && atoms[k].is_space() {
            k += 1;
        }
        let end = if k == n || breaks[k] {
            k
        } else if let Some(next) = (k + 1..=n).find(|&b| breaks[b])
            && fits_squeezed(&atoms[start..next], avail)
        {
            next
        } else if let Some(b) = (start + 1..k).rev().find(|&b| breaks[b]) {
            b
        } else {
            // No legal break at all (a Latin run longer than the line): cut where it
            // overflows, moved back to where no mark is left stranded.
            (start + 1..=k.max(start + 1))
                .rev()
                .find(|&c| {
                    c == n || (!NO_START.contains(atoms[c].ch) && !NO_END.contains(atoms[c - 1].ch))
                })
                .unwrap_or(k.max(start + 1))
        };
        let last = end == n;
        lines.push(set_line(&atoms[start..end], offset, avail, align, last));
        start = end;
    }
    lines
}

/// The atoms of a line without the spaces at its end.
fn body_of(atoms: &[Atom]) -> &[Atom] {
    let mut len = atoms.len();
    while len > 0 && atoms[len - 1].is_space() {
        len -= 1;
    }
    &atoms[..len]
}

/// Whether `atoms` fit `avail` once their marks are squeezed as far as push-in may.
fn fits_squeezed(atoms: &[Atom], avail: f32) -> bool {
    let body = body_of(atoms);
    let natural: f32 = body.iter().map(|a| a.width).sum();
    let room: f32 = body.iter().map(squeezable).sum();
    natural - room <= avail + 0.01
}

/// Squeezes marks of `body` until it is no wider than `avail`: first the mark that
/// ends the line (its blank half is at the margin), then marks beside another mark
/// (。” ）；, which clreq compresses first), then the others from the end of the
/// line back. Each gives at most half its cell; the last one only what is left.
fn push_in(body: &mut [Atom], avail: f32) {
    let natural: f32 = body.iter().map(|a| a.width).sum();
    let mut excess = natural - avail;
    if excess <= 0.0 {
        return;
    }
    let is_mark = |a: &Atom| squeezable(a) > 0.0;
    let n = body.len();
    let beside_mark =
        |i: usize| (i > 0 && is_mark(&body[i - 1])) || (i + 1 < n && is_mark(&body[i + 1]));
    let mut order: Vec<usize> = (0..n).rev().filter(|&i| is_mark(&body[i])).collect();
    order.sort_by_key(|&i| (i + 1 != n, !beside_mark(i)));
    for i in order {
        if excess <= 0.0 {
            break;
        }
        let take = squeezable(&body[i]).min(excess);
        let atom = &mut body[i];
        atom.width -= take;
        if SQUEEZE_LEFT.contains(atom.ch) {
            atom.ink_dx -= take;
        }
        excess -= take;
    }
}

fn set_line(atoms: &[Atom], offset: f32, avail: f32, align: Align, last: bool) -> SetLine {
    let mut body = body_of(atoms).to_vec();
    push_in(&mut body, avail);
    let natural: f32 = body.iter().map(|a| a.width).sum();
    let slack = avail - natural;

    // Only gaps next to a Chinese character or a space stretch, so that Latin
    // words and numbers keep their own letter spacing.
    let stretchable: Vec<bool> = body
        .windows(2)
        .map(|w| w[0].full_width || w[1].full_width || w[0].is_space() || w[1].is_space())
        .collect();
    let gaps = stretchable.iter().filter(|&&s| s).count();
    let justify = align == Align::Justify && !last && gaps > 0 && slack >= -0.01;
    let per_gap = if justify {
        slack.max(0.0) / gaps as f32
    } else {
        0.0
    };

    let start_x = offset
        + match align {
            Align::Justify | Align::Left => 0.0,
            Align::Center => (slack / 2.0).max(0.0),
            Align::Right => slack.max(0.0),
        };
    let mut x = start_x;
    let mut placed = Vec::with_capacity(atoms.len());
    for (i, atom) in body.into_iter().enumerate() {
        let width = atom.width;
        placed.push((atom, x));
        x += width;
        if i < stretchable.len() && stretchable[i] {
            x += per_gap;
        }
    }
    let width = match placed.last() {
        Some((atom, x)) => x + atom.width,
        None => start_x,
    };
    SetLine {
        atoms: placed,
        justified: justify,
        hanging: false,
        width,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Every character is a 1-em glyph except ASCII, which is half an em:
    /// close enough to the real faces to exercise every rule. Like FandolFang,
    /// it lacks 堃 except in the fallback face; no face has ☃.
    pub struct GridFont;

    impl Metrics for GridFont {
        fn glyph(&self, face: Face, ch: char) -> Option<GlyphMetrics> {
            if ch == '☃' || (ch == '堃' && face != Face::Song) {
                return None;
            }
            let advance = if ch.is_ascii() { 0.5 } else { 1.0 };
            Some(GlyphMetrics { gid: 1, advance })
        }
    }

    pub const BODY: Style = Style {
        face: Face::Fang,
        size: 16.0,
    };

    fn atoms(text: &str) -> Vec<Atom> {
        shape(
            &[(text.to_string(), BODY)],
            &GridFont,
            &mut Coverage::default(),
        )
    }

    fn cell() -> f32 {
        16.0 * CELL_RATIO
    }

    fn lines_of(text: &str, chars: usize) -> Vec<String> {
        let a = atoms(text);
        compose(&a, 0.0, cell() * chars as f32, Align::Justify)
            .iter()
            .map(|l| l.atoms.iter().map(|(a, _)| a.ch).collect())
            .collect()
    }

    #[test]
    fn never_starts_a_line_with_a_closing_mark() {
        // One mark gives half a cell, not the whole cell the comma needs: the
        // last hanzi is pushed out with it.
        let lines = lines_of("一二三四五，六七八", 5);
        assert_eq!(lines, ["一二三四", "五，六七八"]);
        let lines = lines_of("一二三四五。”六七八", 5);
        assert_eq!(lines, ["一二三四", "五。”六七", "八"]);
    }

    #[test]
    fn squeezes_the_lines_marks_before_pushing_out() {
        // Two marks give a cell: the comma that would start line 2 is pushed in.
        let a = atoms("一二，三四五，六七");
        let lines = compose(&a, 0.0, cell() * 6.0, Align::Justify);
        let text: String = lines[0].atoms.iter().map(|(a, _)| a.ch).collect();
        assert_eq!(text, "一二，三四五，");
        assert!((lines[0].width - cell() * 6.0).abs() < 1e-3);
        // The line-end mark gives its half first; nothing stands past the measure.
        let (last, x) = lines[0].atoms.last().unwrap();
        assert!((x + last.width - cell() * 6.0).abs() < 1e-3);
        assert!((last.width - cell() / 2.0).abs() < 1e-3);
        // An opening mark gives its left half: its glyph moves back with it.
        let a = atoms("一“二三四五，六");
        let lines = compose(&a, 0.0, cell() * 6.0, Align::Justify);
        let (open, _) = &lines[0].atoms[1];
        assert_eq!(open.ch, '“');
        assert!((open.width - cell() / 2.0).abs() < 1e-3);
        let centred = (cell() - 16.0) / 2.0;
        assert!((open.ink_dx - (centred - cell() / 2.0)).abs() < 1e-3);
        for line in &lines {
            assert!(line.width <= cell() * 6.0 + 1e-3);
        }
    }

    #[test]
    fn a_number_keeps_its_unit_only_after_squeezing() {
        // 12件 is two cells; the line has two marks: pushed in, unit kept.
        let lines = lines_of("一，二，三，12件六", 7);
        assert_eq!(lines[0], "一，二，三，12件");
        // Without marks to squeeze, the number moves with its unit.
        let lines = lines_of("一二三四五六12件七", 7);
        assert_eq!(lines[0], "一二三四五六");
    }

    #[test]
    fn narrow_quote_glyphs_keep_their_own_width() {
        struct NarrowQuotes;
        impl Metrics for NarrowQuotes {
            fn glyph(&self, _: Face, ch: char) -> Option<GlyphMetrics> {
                let advance = match ch {
                    '“' | '”' => 0.35,
                    c if c.is_ascii() => 0.5,
                    _ => 1.0,
                };
                Some(GlyphMetrics { gid: 1, advance })
            }
        }
        let a = shape(
            &[("落实“八五”普法".to_string(), BODY)],
            &NarrowQuotes,
            &mut Coverage::default(),
        );
        let line = &compose(&a, 0.0, cell() * 20.0, Align::Left)[0];
        // Each glyph starts where the one before it ends (or a hair before): no
        // hole to read as a space.
        for pair in line.atoms.windows(2) {
            let ((a, x), (b, next)) = (&pair[0], &pair[1]);
            let advance = if matches!(a.ch, '“' | '”') {
                0.35
            } else {
                1.0
            } * 16.0;
            let gap = (next + b.ink_dx) - (x + a.ink_dx + advance);
            assert!(gap < 0.01 && gap > -0.5, "{}{}", a.ch, b.ch);
        }
    }

    #[test]
    fn never_ends_a_line_with_an_opening_mark() {
        let lines = lines_of("一二三四“五六”七八", 5);
        assert_eq!(lines, ["一二三四", "“五六”七", "八"]);
        let lines = lines_of("一二三四《五六》", 5);
        assert_eq!(lines[0], "一二三四");
    }

    #[test]
    fn breaks_around_quotes_like_around_hanzi() {
        // UAX #14 alone would glue “ to 三 and refuse to break before it.
        let lines = lines_of("一二三“四五六七”八九", 3);
        assert_eq!(lines, ["一二三", "“四五", "六七”", "八九"]);
    }

    #[test]
    fn keeps_dashes_ellipses_and_numbers_whole() {
        let lines = lines_of("一二三四——五六", 5);
        assert_eq!(lines, ["一二三四", "——五六"]);
        let lines = lines_of("一二三四……五六", 5);
        assert_eq!(lines, ["一二三四", "……五六"]);
        // 100344 is three cells wide: it moves whole, unit included.
        let lines = lines_of("收案共100344件", 5);
        assert_eq!(lines, ["收案共", "100344件"]);
        let lines = lines_of("上升了10.2%，", 5);
        assert_eq!(lines, ["上升了", "10.2%，"]);
        let lines = lines_of("金额达2659亿元", 6);
        assert_eq!(lines, ["金额达", "2659亿元"]);
        let lines = lines_of("刷宝App案件", 4);
        assert_eq!(lines, ["刷宝", "App案件"]);
    }

    #[test]
    fn justified_lines_fill_the_measure_exactly() {
        let measure = cell() * 9.0;
        let a = atoms(
            "全年共收案100344件，同比上升10.2%；结案105890件，同比上升16.3%；未结案26025件，同比下降17.6%；结收比105.5%。",
        );
        let lines = compose(&a, cell() * 2.0, measure, Align::Justify);
        assert!(lines.len() > 2);
        for (i, line) in lines.iter().enumerate() {
            let last = i == lines.len() - 1;
            assert_eq!(line.justified, !last, "line {i}");
            let body_end = line.atoms.len() - usize::from(line.hanging);
            let (a, x) = &line.atoms[body_end - 1];
            let right = x + a.width;
            if !last {
                assert!((right - measure).abs() < 1e-3, "line {i} ends at {right}");
            }
        }
        // The indent is kept on the first line only.
        assert!((lines[0].atoms[0].1 - cell() * 2.0).abs() < 1e-3);
        assert!(lines[1].atoms[0].1.abs() < 1e-3);
    }

    #[test]
    fn a_missing_glyph_falls_back_or_is_reported() {
        let mut coverage = Coverage::default();
        let a = shape(&[("雪堃☃".to_string(), BODY)], &GridFont, &mut coverage);
        assert_eq!(a.len(), 2);
        assert_eq!(a[1].face, Face::Song);
        assert_eq!(coverage.fell_back, [(Face::Fang, '堃')]);
        assert_eq!(coverage.uncovered, ['☃']);
    }
}
