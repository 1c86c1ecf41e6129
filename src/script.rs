//! Ground floor, **script**: what kind of character a character is, for every stage
//! that sets, joins or splits text, and the one rule for what a source line break
//! becomes.
//!
//! The classes come from Unicode properties, never from ranges typed by hand:
//! East_Asian_Width (through `unicode-width`, whose tables are generated from
//! EastAsianWidth.txt) says which characters take a full-width cell, and the Script
//! and Script_Extensions properties (through `unicode-script`, from Scripts.txt and
//! ScriptExtensions.txt) say which belong to Chinese writing, as Typst's
//! `is_of_cj_script` does. What Unicode leaves open, Chinese typography decides in the
//! short lists below: the marks that Unicode calls ambiguous but Chinese sets
//! full-width, and the line-start and line-end rules of clreq.
//!
//! Decided at the edges (each has a test):
//! - Hangul, U+A960–A97F included, is wide (a full cell in a PDF) but Korean spaces
//!   its words, so a line break between Hangul is a space, as CSS Text 3 says.
//! - Vertical forms (U+FE10–FE19) and small form variants (U+FE50–FE6F) are wide
//!   (East_Asian_Width W): a full cell, and a line break beside them vanishes.
//! - `―` (U+2015) is a dash like `—`: full-width in Chinese, proportional in
//!   English, and a line break beside it is decided by what stands beyond it.

use unicode_script::{Script, UnicodeScript};
use unicode_width::UnicodeWidthChar;

/// Marks that may not start a line (clreq 行首禁则).
pub const NO_START: &str = "，。、；：？！）》」』〕】〉］｝”’%‰℃·,.;:?!)]}";
/// Marks that may not end a line (clreq 行尾禁则).
pub const NO_END: &str = "（《「『〔【〈［｛“‘([{";
/// Marks that end a Chinese sentence (or clause: `；`).
pub const CJK_SENTENCE_ENDS: &str = "。！？；";
/// Marks that end an English sentence.
pub const LATIN_SENTENCE_ENDS: &str = ".!?";
/// Marks that end an English clause that `fmt` keeps on a line of its own.
pub const LATIN_CLAUSE_ENDS: &str = ";";
/// Opening quotes and brackets: no sentence ends inside them.
pub const OPENERS: &str = "“「『（《【〔";
/// The closing marks that match [`OPENERS`].
pub const CLOSERS: &str = "”」』）》】〕";
/// What stays with the sentence it ends: 。” and .) stay together.
pub const TRAILING: &str = "”’」』）》】〕\"')…";

/// Punctuation that East_Asian_Width calls ambiguous and that Chinese sets on a
/// full-width cell while English sets it proportionally: quotes, dashes, the ellipsis,
/// the middle dot.
pub fn is_ambiguous(c: char) -> bool {
    matches!(c, '“' | '”' | '‘' | '’' | '—' | '―' | '…' | '·')
}

/// Characters East_Asian_Width sets on a full-width cell (Wide or Fullwidth):
/// ideographs, kana, hangul, full-width punctuation and forms.
pub fn is_wide(c: char) -> bool {
    c.width() == Some(2)
}

/// A Han character (Script=Han): 字, 〇, 々.
pub fn is_ideograph(c: char) -> bool {
    c.script() == Script::Han
}

/// Whether a text holds Chinese writing: a character whose Script_Extensions include
/// Han (ideographs, and the marks only Chinese, Japanese and Korean use: 。、《》).
/// Typographic quotes, dashes and `%` are shared with English and do not count.
pub fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| {
        // Most of a translation is ASCII, which is never Chinese: no table to search.
        if c.is_ascii() {
            return false;
        }
        let scripts = c.script_extension();
        // Common and Inherited stand for every script: they are not Chinese.
        !scripts.is_common() && !scripts.is_inherited() && scripts.contains_script(Script::Han)
    })
}

/// Hangul (Script=Hangul): wide, yet its words are spaced.
fn is_hangul(c: char) -> bool {
    c.script() == Script::Hangul
}

/// The character a line break is judged by on its left: the last of `text` that is not
/// an ambiguous mark (a quote or dash counts as what stands on its far side: "体”" is
/// Chinese, "Era.”" is English).
pub fn last_decisive(text: &str) -> Option<char> {
    text.chars().rev().find(|&c| !is_ambiguous(c))
}

/// The character a line break is judged by on its right (see [`last_decisive`]).
pub fn first_decisive(text: &str) -> Option<char> {
    text.chars().find(|&c| !is_ambiguous(c))
}

/// **The soft-break rule**: what a line break inside a paragraph becomes between the
/// decisive characters `before` and `after` (see [`last_decisive`]). As CSS does for
/// Chinese, a break beside a wide character is nothing; between Latin words (or
/// Hangul) it is one space. A side with nothing decisive (only quotes and dashes, or
/// nothing at all) gives nothing.
pub fn soft_break(before: Option<char>, after: Option<char>) -> &'static str {
    match (before, after) {
        (Some(b), Some(a)) if spaces_a_break(b) && spaces_a_break(a) => " ",
        _ => "",
    }
}

/// Does a line break beside `c` stand for a space (when the other side agrees)? Not
/// beside a wide character, whatever stands on the other side.
pub fn spaces_a_break(c: char) -> bool {
    !is_wide(c) || is_hangul(c)
}

/// [`soft_break`] between two texts: what joins line `before` to line `after`.
pub fn join(before: &str, after: &str) -> &'static str {
    soft_break(last_decisive(before), first_decisive(after))
}

/// `text` with every line break replaced as [`soft_break`] says.
pub fn resolve_soft_breaks(text: &str) -> String {
    if !text.contains('\n') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut lines = text.split('\n').peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        if let Some(next) = lines.peek() {
            out.push_str(join(&out, next));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_break_vanishes_beside_chinese_and_is_a_space_between_latin_words() {
        assert_eq!(join("全年共收案；", "结案。"), "");
        assert_eq!(join("Cases were", "received."), " ");
        assert_eq!(join("中文", "Latin"), "");
        assert_eq!(join("上升；", "12368热线"), "");
        assert_eq!(resolve_soft_breaks("a\nb\n中\nc"), "a b中c");
    }

    #[test]
    fn quotes_and_dashes_count_as_what_stands_beyond_them() {
        // The bug of issue 18: `fmt` joined these lines without the space.
        assert_eq!(join("a “probe”", "and moved on"), " ");
        assert_eq!(join("the “New Era.”", "We tried"), " ");
        assert_eq!(join("“六位一体”", "工作。”"), "");
        assert_eq!(join("工作。”", "“再"), "");
        assert_eq!(join("“", "”"), "");
    }

    #[test]
    fn hangul_extended_a_is_wide_but_spaced() {
        assert!(is_wide('\u{A960}'));
        assert_eq!(join("한국", "법원"), " ");
        assert_eq!(join("\u{A960}", "a"), " ");
    }

    #[test]
    fn vertical_forms_are_wide() {
        assert!(is_wide('\u{FE10}') && is_wide('\u{FE19}'));
        assert_eq!(join("a\u{FE10}", "b"), "");
    }

    #[test]
    fn small_form_variants_are_wide() {
        assert!(is_wide('\u{FE50}') && is_wide('\u{FE6B}'));
        assert_eq!(join("a\u{FE50}", "b"), "");
    }

    #[test]
    fn the_horizontal_bar_is_a_dash() {
        assert!(is_ambiguous('―') && !is_wide('―'));
        assert_eq!(join("and ―", "then"), " ");
        assert_eq!(join("工作―", "then"), "");
    }

    #[test]
    fn chinese_writing_is_han_not_shared_punctuation() {
        assert!(has_chinese("段落。"));
        assert!(has_chinese("《》"));
        assert!(!has_chinese("the “Fengqiao Experience” — 100%"));
        assert!(is_ideograph('〇') && is_ideograph('亿') && !is_ideograph('。'));
    }
}
