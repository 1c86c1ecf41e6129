//! English line composition. Characters keep their own advances; lines break at
//! UAX #14 opportunities (after spaces, hyphens and dashes) and are justified by
//! spreading the spaces between words, never the letters.
//!
//! Breaks are chosen for a whole paragraph at once, a simplified Knuth–Plass
//! "total fit": every feasible set of breaks is scored by how far its lines'
//! spaces must stretch or shrink, and the least-demerit set wins. No line is ever
//! wider than its measure (spaces shrink at most [`SHRINK`]); a line that would
//! need its spaces stretched past [`LOOSE_LIMIT`] is set ragged-right instead.
//! There is no hyphenation: the report's measure (about 80 characters) leaves
//! enough spaces per line that total fit rarely needs it.

use unicode_linebreak::{BreakOpportunity, linebreaks};

use super::atom::{Align, Atom, Coverage, SetLine, Style};
use crate::render::pdf::fonts::{Face, GlyphMetrics, Metrics};

/// How far a space may stretch, in em, at an adjustment ratio of 1.
pub const STRETCH: f32 = 0.125;
/// How far a space may shrink, in em; never more (no overfull lines).
pub const SHRINK: f32 = 1.0 / 12.0;
/// The adjustment ratio past which a line is set ragged rather than justified:
/// with Liberation Serif's 0.25 em space, a space of at most 0.625 em. Without
/// hyphenation a line of long words (often a bold lead-in) sometimes needs
/// that much; past it, a ragged line reads better than a gappy one.
pub const LOOSE_LIMIT: f32 = 3.0;
/// Badness added per line, so that fewer lines win when all else is equal.
const LINE_PENALTY: f64 = 10.0;
/// Breaking after an explicit hyphen or dash is allowed but not sought.
const HYPHEN_PENALTY: f64 = 50.0;
/// A paragraph's last line shorter than this (in em) is a stub worth avoiding.
const SHORT_LAST_LINE: f64 = 4.0;

/// The CJK face that stands in for a Latin face, character by character.
pub fn cjk_face(face: Face) -> Face {
    match face {
        Face::SerifBold => Face::Title,
        Face::SerifItalic => Face::Kai,
        Face::Serif => Face::Song,
        other => other,
    }
}

/// Whether `ch` is Chinese (or other CJK) text, which a Latin face does not draw: a
/// wide character (`script::is_wide`).
pub fn is_cjk(ch: char) -> bool {
    crate::script::is_wide(ch)
}

/// A space between words: the glue that justification stretches.
fn is_glue(ch: char) -> bool {
    ch == ' '
}

/// Resolves every character to a glyph at its own advance. Chinese characters go
/// to the CJK face matching the run's face; anything else the Latin face lacks is
/// set in 宋体 and recorded as a fallback.
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
            let cjk = is_cjk(ch);
            let face = if cjk {
                cjk_face(style.face)
            } else {
                style.face
            };
            let (face, glyph) = match metrics.glyph(face, ch) {
                Some(g) => (face, g),
                None => match metrics.glyph(Face::Song, ch) {
                    Some(g) => {
                        coverage.fell_back.push((face, ch));
                        (Face::Song, g)
                    }
                    None if ch.is_whitespace() => (
                        face,
                        GlyphMetrics {
                            gid: 0,
                            advance: 0.25,
                        },
                    ),
                    None => {
                        coverage.uncovered.push(ch);
                        continue;
                    }
                },
            };
            atoms.push(Atom {
                ch,
                face,
                size: style.size,
                gid: glyph.gid,
                width: glyph.advance * style.size,
                ink_dx: 0.0,
                full_width: cjk,
            });
        }
    }
    atoms
}

/// `result[i]` says whether a line may break before atom `i`, as in
/// [`super::cjk::break_opportunities`]: UAX #14, which breaks after spaces,
/// hyphens and dashes and between ideographs, and keeps numbers ("1,263",
/// "10.2%") and words with their punctuation whole.
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
    allowed[0] = true;
    allowed[n] = true;
    allowed
}

/// One candidate line: atoms `start..end` once spaces at both ends are dropped.
struct Span {
    start: usize,
    end: usize,
    natural: f32,
    glue: usize,
    /// Natural width of one space, in pt (the line's spaces may differ in size).
    space: f32,
}

/// Breaks `atoms` into lines of `measure` pt, the first indented by `indent`.
/// Justified text gets the total-fit breaks; centred text (titles) lines of even
/// length; flush text fills greedily.
pub fn compose(atoms: &[Atom], indent: f32, measure: f32, align: Align) -> Vec<SetLine> {
    let mut allowed = break_opportunities(atoms);
    allow_emergency_breaks(atoms, &mut allowed, measure - indent.max(0.0));
    let spans = Spans::new(atoms);
    let breaks = match align {
        Align::Justify => total_fit(&spans, &allowed, indent, measure),
        Align::Center => balanced(&spans, &allowed, indent, measure),
        Align::Left | Align::Right => first_fit(&spans, &allowed, indent, measure),
    };
    let mut lines = Vec::new();
    let mut start = 0;
    for end in breaks {
        let span = spans.span(start, end);
        start = end;
        if span.start == span.end {
            continue;
        }
        let offset = if lines.is_empty() { indent } else { 0.0 };
        let last = end == atoms.len();
        lines.push(set_line(
            atoms,
            &span,
            offset,
            measure - offset,
            align,
            last,
        ));
    }
    lines
}

/// A piece with no break inside that is wider than the measure (a long URL in a
/// narrow table cell) may be cut anywhere: better a cut word than an overfull line.
fn allow_emergency_breaks(atoms: &[Atom], allowed: &mut [bool], avail: f32) {
    let mut piece_start = 0;
    let mut width = 0.0;
    for i in 0..atoms.len() {
        if allowed[i] {
            piece_start = i;
            width = 0.0;
        }
        width += atoms[i].width;
        if width > avail && i > piece_start && !is_glue(atoms[i].ch) {
            allowed[i] = true;
            piece_start = i;
            width = atoms[i].width;
        }
    }
}

/// Answers "how wide is the line from atom `from` to `to`" in constant time, so
/// that trying every pair of breaks costs no more than the pairs themselves.
struct Spans<'a> {
    atoms: &'a [Atom],
    /// `natural[i]`: width of atoms `..i` (in f64, so that differences stay exact
    /// to well below a thousandth of a point).
    natural: Vec<f64>,
    /// `glue[i]`: spaces among atoms `..i`.
    glue: Vec<usize>,
    /// `space[k][i]`: the widest space an atom of `i..i + 2^k` asks for.
    space: Vec<Vec<f32>>,
}

impl<'a> Spans<'a> {
    fn new(atoms: &'a [Atom]) -> Spans<'a> {
        let mut natural = Vec::with_capacity(atoms.len() + 1);
        let mut glue = Vec::with_capacity(atoms.len() + 1);
        let (mut width, mut spaces) = (0.0f64, 0usize);
        natural.push(width);
        glue.push(spaces);
        for a in atoms {
            width += f64::from(a.width);
            spaces += usize::from(is_glue(a.ch));
            natural.push(width);
            glue.push(spaces);
        }
        // A sparse table of range maxima: level k from two halves of level k - 1.
        let own = |a: &Atom| (a.size * 0.25).max(if is_glue(a.ch) { a.width } else { 0.0 });
        let mut space = vec![atoms.iter().map(own).collect::<Vec<f32>>()];
        let mut half = 1;
        while half * 2 <= atoms.len() {
            let below = space.last().expect("level 0 exists");
            let level = (0..=atoms.len() - half * 2)
                .map(|i| below[i].max(below[i + half]))
                .collect();
            space.push(level);
            half *= 2;
        }
        Spans {
            atoms,
            natural,
            glue,
            space,
        }
    }

    /// Atoms `from..to` as a line: spaces at both ends dropped.
    fn span(&self, from: usize, to: usize) -> Span {
        let atoms = self.atoms;
        let mut start = from;
        while start < to && is_glue(atoms[start].ch) {
            start += 1;
        }
        let mut end = to;
        while end > start && is_glue(atoms[end - 1].ch) {
            end -= 1;
        }
        let space = if start == end {
            0.0
        } else {
            let level = (end - start).ilog2() as usize;
            let row = &self.space[level];
            row[start].max(row[end - (1 << level)])
        };
        Span {
            start,
            end,
            natural: (self.natural[end] - self.natural[start]) as f32,
            glue: self.glue[end] - self.glue[start],
            space,
        }
    }
}

/// The line's adjustment ratio: how far its spaces must stretch (positive, in
/// units of [`STRETCH`]) or shrink (negative, in units of [`SHRINK`]) to fill
/// `avail`. `None` when even fully shrunk spaces leave it too wide.
fn ratio(span: &Span, avail: f32) -> Option<f32> {
    const EPS: f32 = 0.01;
    let slack = avail - span.natural;
    let em = span.space / 0.25;
    if slack >= 0.0 {
        let stretch = span.glue as f32 * STRETCH * em;
        Some(if stretch > 0.0 {
            slack / stretch
        } else if slack <= EPS {
            0.0
        } else {
            f32::INFINITY
        })
    } else {
        let shrink = span.glue as f32 * SHRINK * em;
        (-slack <= shrink + EPS).then(|| slack / shrink.max(f32::EPSILON))
    }
}

/// Lines filled as full as they go: for centred, flush and ragged text.
fn first_fit(spans: &Spans, allowed: &[bool], indent: f32, measure: f32) -> Vec<usize> {
    let atoms = spans.atoms;
    let n = atoms.len();
    let mut breaks = Vec::new();
    let mut start = 0;
    while start < n {
        let avail = measure - if breaks.is_empty() { indent } else { 0.0 };
        let mut end = None;
        for e in (start + 1..=n).filter(|&e| allowed[e]) {
            let s = spans.span(start, e);
            if s.natural > avail + 0.01 && end.is_some() {
                break;
            }
            end = Some(e);
            if s.natural > avail + 0.01 {
                break;
            }
        }
        let end = end.unwrap_or(n);
        breaks.push(end);
        start = end;
    }
    breaks
}

/// As few lines as first fit gives, as even in length as they can be: a title
/// that runs over two lines should not leave one word on the second. Minimises
/// the sum of the squared room left on every line.
fn balanced(spans: &Spans, allowed: &[bool], indent: f32, measure: f32) -> Vec<usize> {
    let atoms = spans.atoms;
    let n = atoms.len();
    let greedy = first_fit(spans, allowed, indent, measure);
    let candidates: Vec<usize> = (0..=n).filter(|&i| allowed[i]).collect();
    // best[k]: (lines, cost, previous candidate) to end a line at candidates[k].
    let mut best: Vec<Option<(usize, f32, usize)>> = vec![None; candidates.len()];
    best[0] = Some((0, 0.0, 0));
    for k in 1..candidates.len() {
        for j in (0..k).rev() {
            let Some((lines, cost, _)) = best[j] else {
                continue;
            };
            let start = candidates[j];
            let avail = measure - if start == 0 { indent } else { 0.0 };
            let s = spans.span(start, candidates[k]);
            if s.start == s.end {
                continue;
            }
            if s.natural > avail + 0.01 {
                break;
            }
            let option = (lines + 1, cost + (avail - s.natural).powi(2), j);
            if best[k].is_none_or(|(l, c, _)| (option.0, option.1) < (l, c)) {
                best[k] = Some(option);
            }
        }
    }
    let mut k = candidates.len() - 1;
    match best[k] {
        Some((lines, _, _)) if lines <= greedy.len() => {}
        _ => return greedy,
    }
    let mut breaks = Vec::new();
    while k > 0 {
        breaks.push(candidates[k]);
        k = best[k].expect("reached from a feasible line").2;
    }
    breaks.reverse();
    breaks
}

/// The least-demerit breaks for the paragraph; returns the end of every line.
fn total_fit(spans: &Spans, allowed: &[bool], indent: f32, measure: f32) -> Vec<usize> {
    let atoms = spans.atoms;
    let n = atoms.len();
    let candidates: Vec<usize> = (0..=n).filter(|&i| allowed[i]).collect();
    // best[k]: least demerits to end a line at candidates[k], and where it began.
    let mut best: Vec<Option<(f64, usize)>> = vec![None; candidates.len()];
    best[0] = Some((0.0, 0));
    for k in 1..candidates.len() {
        let end = candidates[k];
        let last = end == n;
        let mut choice: Option<(f64, usize)> = None;
        for j in (0..k).rev() {
            let Some((before, _)) = best[j] else { continue };
            let start = candidates[j];
            let avail = measure - if start == 0 { indent } else { 0.0 };
            let s = spans.span(start, end);
            if s.start == s.end {
                continue;
            }
            let Some(r) = ratio(&s, avail) else {
                // Starting earlier only makes the line wider.
                if s.natural - s.glue as f32 * SHRINK * s.space / 0.25 > measure {
                    break;
                }
                continue;
            };
            let demerits = before + line_demerits(atoms, &s, r, avail, last);
            if choice.is_none_or(|(d, _)| demerits < d) {
                choice = Some((demerits, j));
            }
        }
        best[k] = choice;
    }
    let mut breaks = Vec::new();
    let mut k = candidates.len() - 1;
    if best[k].is_none() {
        // Some piece fits no line at all (a measure narrower than one letter):
        // give up on fitting and fill greedily.
        return first_fit(spans, allowed, indent, measure);
    }
    while k > 0 {
        breaks.push(candidates[k]);
        k = best[k].expect("reached from a feasible line").1;
    }
    breaks.reverse();
    breaks
}

/// TeX's demerits: the squared sum of a line penalty and the line's badness,
/// 100 |r|³, plus penalties for breaking after a hyphen and for a stub last line.
fn line_demerits(atoms: &[Atom], s: &Span, r: f32, avail: f32, last: bool) -> f64 {
    let em = f64::from(s.space / 0.25);
    let r = f64::from(r);
    let badness = if last {
        // The last line is set at natural spacing; only shrinking costs.
        if r < 0.0 { 100.0 * (-r).powi(3) } else { 0.0 }
    } else if r > f64::from(LOOSE_LIMIT) {
        // Set ragged: acceptable only when nothing else is.
        1.0e6 + f64::from(avail - s.natural)
    } else {
        100.0 * r.abs().powi(3)
    };
    let mut demerits = (LINE_PENALTY + badness).powi(2);
    // Ends after a hyphen or dash rather than at a space (or between ideographs).
    if !last && !is_glue(atoms[s.end].ch) && !atoms[s.end - 1].full_width {
        demerits += HYPHEN_PENALTY * HYPHEN_PENALTY;
    }
    if last && f64::from(s.natural) < SHORT_LAST_LINE * em && s.start > 0 {
        demerits += 2500.0;
    }
    demerits
}

fn set_line(
    atoms: &[Atom],
    span: &Span,
    offset: f32,
    avail: f32,
    align: Align,
    last: bool,
) -> SetLine {
    let body = &atoms[span.start..span.end];
    let r = ratio(span, avail);
    let justify =
        align == Align::Justify && !last && span.glue > 0 && r.is_some_and(|r| r <= LOOSE_LIMIT);
    let slack = avail - span.natural;
    let per_space = if justify {
        slack / span.glue as f32
    } else if slack < 0.0 && span.glue > 0 {
        // Too wide at natural spacing (within the shrink allowed): shrink, flush left.
        slack / span.glue as f32
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
    let mut placed = Vec::with_capacity(body.len());
    for atom in body {
        placed.push((atom.clone(), x));
        x += atom.width;
        if is_glue(atom.ch) {
            x += per_space;
        }
    }
    SetLine {
        atoms: placed,
        justified: justify,
        hanging: false,
        width: if justify { offset + avail } else { x },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Latin letters half an em, spaces a quarter, ideographs a full em.
    struct Proportional;

    impl Metrics for Proportional {
        fn glyph(&self, face: Face, ch: char) -> Option<GlyphMetrics> {
            let latin = matches!(face, Face::Serif | Face::SerifBold | Face::SerifItalic);
            if latin && is_cjk(ch) || ch == '☃' {
                return None;
            }
            let advance = match ch {
                ' ' => 0.25,
                c if is_cjk(c) => 1.0,
                _ => 0.5,
            };
            Some(GlyphMetrics { gid: 1, advance })
        }
    }

    const SERIF: Style = Style {
        face: Face::Serif,
        size: 10.0,
    };

    fn atoms(text: &str) -> Vec<Atom> {
        shape(
            &[(text.to_string(), SERIF)],
            &Proportional,
            &mut Coverage::default(),
        )
    }

    fn text_of(line: &SetLine) -> String {
        line.atoms.iter().map(|(a, _)| a.ch).collect()
    }

    const PROSE: &str = "The Court received cases throughout the year and closed \
        more of them than ever before, while the ratio of cases closed to cases \
        received rose by several percentage points year on year, achieving the \
        sound momentum of five increases and one decrease.";

    #[test]
    fn justified_lines_fill_the_measure_and_none_is_overfull() {
        let measure = 300.0;
        let lines = compose(&atoms(PROSE), 15.0, measure, Align::Justify);
        assert!(lines.len() > 3);
        for (i, line) in lines.iter().enumerate() {
            let (a, x) = line.atoms.last().unwrap();
            let right = x + a.width;
            assert!(right <= measure + 1e-3, "line {i} overfull: {right}");
            assert!(!text_of(line).starts_with(' ') && !text_of(line).ends_with(' '));
            if i + 1 < lines.len() {
                assert!(line.justified, "line {i}");
                assert!((right - measure).abs() < 1e-3, "line {i} ends at {right}");
            } else {
                assert!(!line.justified);
            }
        }
        // The indent is kept on the first line only.
        assert!((lines[0].atoms[0].1 - 15.0).abs() < 1e-3);
        assert!(lines[1].atoms[0].1.abs() < 1e-3);
        // Words are never split and letters never spread: only spaces stretch.
        let words: Vec<String> = lines.iter().map(text_of).collect();
        assert_eq!(words.join(" "), PROSE);
        for line in &lines {
            for pair in line.atoms.windows(2) {
                let ((a, x), (_, next)) = (&pair[0], &pair[1]);
                if a.ch != ' ' {
                    assert!((next - (x + a.width)).abs() < 1e-3);
                }
            }
        }
    }

    #[test]
    fn a_line_too_loose_to_justify_is_set_ragged() {
        // Two words and a long one: the first line cannot be filled.
        let lines = compose(
            &atoms("ab cd efghijklmnopqrstuvwxyz"),
            0.0,
            100.0,
            Align::Justify,
        );
        assert_eq!(text_of(&lines[0]), "ab cd");
        assert!(!lines[0].justified);
        assert!(lines[0].width < 50.0);
    }

    #[test]
    fn centred_lines_are_balanced() {
        // First fit would leave "Court" alone on the second line.
        let lines = compose(
            &atoms("Work Report of the District People's Court"),
            0.0,
            180.0,
            Align::Center,
        );
        let texts: Vec<String> = lines.iter().map(text_of).collect();
        assert_eq!(texts, ["Work Report of the", "District People's Court"]);
    }

    #[test]
    fn a_word_wider_than_the_measure_is_cut_rather_than_overfull() {
        let lines = compose(&atoms("abcdefghijklmnop"), 0.0, 30.0, Align::Left);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.width <= 30.0 + 1e-3));
    }

    #[test]
    fn breaks_after_hyphens_but_keeps_numbers_whole() {
        let a = atoms("high-quality 1,263 10.2% “Six-in-One”");
        let breaks = break_opportunities(&a);
        let text: Vec<char> = a.iter().map(|a| a.ch).collect();
        let at = |i: usize| breaks[i];
        let pos = |s: &str| {
            let s: Vec<char> = s.chars().collect();
            text.windows(s.len())
                .position(|w| w == s.as_slice())
                .unwrap()
        };
        assert!(at(pos("quality")));
        for inside in ["263", "2%", ".2"] {
            assert!(!at(pos(inside)), "{inside}");
        }
        assert!(!at(pos("Six")), "an opening quote stays with its word");
    }

    #[test]
    fn chinese_characters_fall_back_to_the_cjk_faces() {
        let mut coverage = Coverage::default();
        let runs = [
            ("Court 法院".to_string(), SERIF),
            (
                "院☃".to_string(),
                Style {
                    face: Face::SerifBold,
                    size: 10.0,
                },
            ),
        ];
        let a = shape(&runs, &Proportional, &mut coverage);
        let faces: Vec<Face> = a.iter().map(|a| a.face).collect();
        assert_eq!(faces[..6], [Face::Serif; 6]);
        assert_eq!(faces[6..], [Face::Song, Face::Song, Face::Title]);
        assert!(coverage.fell_back.is_empty());
        assert_eq!(coverage.uncovered, ['☃']);
    }
}
