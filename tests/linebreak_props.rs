//! Properties of the Chinese line breaker, on generated text: every character placed
//! exactly once, no forbidden line start or end, no line wider than the measure.

use nianbao::model::Lang;
use nianbao::render::pdf::layout::{
    Align, Atom, CELL_RATIO, Coverage, NO_END, NO_START, SetLine, Style, Typography,
};
use nianbao::render::pdf::{Face, GlyphMetrics, Metrics};
use proptest::prelude::*;

/// Metrics without font files: Chinese characters one em, Latin letters and digits half.
struct FakeMetrics;

impl Metrics for FakeMetrics {
    fn glyph(&self, _: Face, ch: char) -> Option<GlyphMetrics> {
        let advance = if ch.is_ascii() { 0.5 } else { 1.0 };
        Some(GlyphMetrics { gid: 1, advance })
    }
}

/// Pieces of real report text: words, numbers with units, quoted terms, titles,
/// punctuation, the paired dash and ellipsis.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[审判执行法院人民群众案件工作机制服务保障]{1,6}",
        2 => "[审判执行法院人民群众案件]{1,4}[，。、；：！？]",
        1 => "“[枫桥经验诉源治理]{2,6}”",
        1 => "《[反电信网络诈骗法]{2,8}》",
        1 => "（[单位件]{1,3}）",
        1 => "[0-9]{1,6}(\\.[0-9]{1,2})?[%件万亿]?",
        1 => "[A-Za-z]{2,8}",
        1 => Just("——".to_string()),
        1 => Just("……".to_string()),
    ]
}

fn paragraph() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 1..80).prop_map(|tokens| tokens.concat())
}

fn atoms(text: &str) -> Vec<Atom> {
    let style = Style {
        face: Face::Fang,
        size: 16.0,
    };
    Typography::of(Lang::Zh).shape(
        &[(text.to_string(), style)],
        &FakeMetrics,
        &mut Coverage::default(),
    )
}

/// The Chinese composer, as the Chinese PDF calls it.
fn compose(atoms: &[Atom], indent: f32, measure: f32, align: Align) -> Vec<SetLine> {
    Typography::of(Lang::Zh).compose(atoms, indent, measure, align)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn every_character_is_placed_exactly_once(text in paragraph(), cells in 10usize..40) {
        let atoms = atoms(&text);
        let measure = cells as f32 * atoms.iter().find(|a| a.full_width).map_or(16.0, |a| a.width);
        let lines = compose(&atoms, 32.0, measure, Align::Justify);
        let placed: String = lines.iter().flat_map(|l| l.atoms.iter().map(|(a, _)| a.ch)).collect();
        prop_assert_eq!(placed, text);
    }

    #[test]
    fn no_line_starts_or_ends_with_a_forbidden_mark(text in paragraph(), cells in 10usize..40) {
        let atoms = atoms(&text);
        let measure = cells as f32 * 16.0 * CELL_RATIO;
        let lines = compose(&atoms, 32.0, measure, Align::Justify);
        for (i, line) in lines.iter().enumerate() {
            let first = line.atoms.first().unwrap().0.ch;
            let last = line.atoms.last().unwrap().0.ch;
            if i > 0 {
                prop_assert!(!NO_START.contains(first), "line {} starts with {}", i, first);
            }
            if i + 1 < lines.len() {
                prop_assert!(!NO_END.contains(last), "line {} ends with {}", i, last);
                let tail: String = line.atoms.iter().rev().take(1).map(|(a, _)| a.ch).collect();
                let head = lines[i + 1].atoms[0].0.ch;
                for pair in ["——", "……"] {
                    let half = pair.chars().next().unwrap();
                    prop_assert!(!(tail.ends_with(half) && head == half), "{} split across lines {}", pair, i);
                }
            }
        }
    }

    #[test]
    fn no_line_is_wider_than_the_measure(text in paragraph(), cells in 10usize..40) {
        let atoms = atoms(&text);
        let measure = cells as f32 * 16.0 * CELL_RATIO;
        let lines = compose(&atoms, 32.0, measure, Align::Justify);
        for (i, line) in lines.iter().enumerate() {
            prop_assert!(line.width <= measure + 0.01, "line {} is {} wide, measure {}", i, line.width, measure);
            if line.justified {
                prop_assert!((line.width - measure).abs() < 0.01, "justified line {} is {} wide", i, line.width);
            }
        }
    }
}
