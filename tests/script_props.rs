//! Properties of the shared text rules, on generated prose:
//! - `nianbao fmt` never changes what a paragraph becomes: for Chinese and English
//!   around quotes, dashes, brackets, numbers, emphasis and line breaks, fmt then
//!   resolve gives the same model text as resolve alone, and fmt twice is fmt once;
//! - the character classes of `script` agree with the Unicode properties they come from.

use std::path::Path;

use nianbao::fmt::one_sentence_per_line;
use nianbao::model::Block;
use nianbao::script;
use proptest::prelude::*;
use unicode_script::{Script, UnicodeScript};
use unicode_width::UnicodeWidthChar;

/// Pieces of prose in both languages.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[审判执行法院人民群众案件工作]{1,5}",
        4 => "(the|court|Cases|were|closed|Court|and|in|It|moved|on|probe|No|e\\.g\\.)",
        2 => "[，。、；：！？]",
        2 => "[.;,!?:]",
        3 => Just(" ".to_string()),
        3 => Just("\n".to_string()),
        1 => "[“”‘’]",
        1 => "(—|——|―|…)",
        1 => "[（）《》()]",
        1 => "[0-9]{1,4}(\\.[0-9])?%?",
        1 => "\\*(court|法院)\\*",
        1 => "\\*\\*(The court|坚决维护。|Lead\\.)\\*\\*",
        1 => "“(probe|枫桥经验)”",
    ]
}

/// A paragraph: tokens, lines never starting or ending with a space (fmt leaves such
/// lines alone), at most one line break in a row.
fn paragraph() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 1..40).prop_map(|tokens| {
        let text = tokens.concat();
        let lines: Vec<&str> = text
            .split('\n')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        lines.join("\n")
    })
}

fn section() -> impl Strategy<Value = String> {
    prop::collection::vec(paragraph(), 1..4).prop_map(|p| p.join("\n\n") + "\n")
}

/// What a reader gets from the blocks: their kinds and inlines, not where they stand.
fn model_text(text: &str) -> Vec<String> {
    let (blocks, _) = nianbao::resolve::prose(Path::new("t.md"), text);
    blocks.iter().map(nianbao::model::block_text).collect()
}

fn plain(text: &str) -> String {
    let (blocks, _) = nianbao::resolve::prose(Path::new("t.md"), text);
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(nianbao::model::plain_text(&p.content)),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn fmt_changes_no_model_text(text in section()) {
        let formatted = one_sentence_per_line(&text);
        prop_assert_eq!(model_text(&formatted), model_text(&text), "fmt gave:\n{}", formatted);
        prop_assert_eq!(one_sentence_per_line(&formatted), formatted.clone());
    }

    #[test]
    fn classes_follow_the_unicode_properties(c in any::<char>()) {
        // Wide is East_Asian_Width W or F: what unicode-width counts as two columns.
        prop_assert_eq!(script::is_wide(c), c.width() == Some(2));
        prop_assert_eq!(script::is_ideograph(c), c.script() == Script::Han);
        // Every ideograph of the basic blocks is wide; ambiguous marks never are.
        if script::is_ideograph(c) && ('\u{4E00}'..='\u{9FFF}').contains(&c) {
            prop_assert!(script::is_wide(c));
        }
        if script::is_ambiguous(c) {
            prop_assert!(!script::is_wide(c) && c.width_cjk() == Some(2));
        }
        // A break between two of the same character is a space exactly for the
        // characters that are not wide, and for Hangul.
        let spaced = !script::is_wide(c) || c.script() == Script::Hangul;
        if !script::is_ambiguous(c) {
            let expected = if spaced { " " } else { "" };
            prop_assert_eq!(script::soft_break(Some(c), Some(c)), expected);
        }
        if script::has_chinese(&c.to_string()) {
            prop_assert!(c.script_extension().contains_script(Script::Han));
        }
    }
}

#[test]
fn the_probe_of_issue_18_keeps_its_space_through_fmt() {
    let text = "It ran a “probe”\nand moved on.\n";
    assert_eq!(plain(text), "It ran a “probe” and moved on.");
    assert_eq!(plain(&one_sentence_per_line(text)), plain(text));
}

/// The table of `tests/fixtures/soft-breaks.txt`: each source paragraph and what it
/// renders as, through resolve, fmt, the translation hash and both PDF composers.
#[test]
fn soft_break_fixtures_hold_in_every_stage() {
    let table = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/soft-breaks.txt"),
    )
    .unwrap();
    let mut count = 0;
    for example in table
        .split("\n\n")
        .filter(|e| !e.trim_start().starts_with('#'))
    {
        let Some((source, rendered)) = example.split_once("\n→ ") else {
            continue;
        };
        let rendered = rendered.trim_end_matches('\n');
        count += 1;
        // resolve
        assert_eq!(plain(source), rendered, "resolve: {source:?}");
        // fmt
        assert_eq!(
            plain(&one_sentence_per_line(source)),
            rendered,
            "fmt: {source:?}"
        );
        // the translation hash: the lines hash as the one line they render as
        let lines: Vec<&str> = source.lines().collect();
        assert_eq!(
            nianbao::check::translation::block_hash(lines.iter().copied()),
            nianbao::check::translation::block_hash([rendered]),
            "hash: {source:?}"
        );
        // both composers receive text whose breaks were resolved by the same rule
        assert_eq!(
            script::resolve_soft_breaks(source),
            rendered,
            "PDF: {source:?}"
        );
    }
    assert!(count >= 8, "only {count} examples");
}
