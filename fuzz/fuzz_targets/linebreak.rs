//! The line breaker: any text at any measure places every character exactly once and
//! sets no line wider than the measure unless one character alone is wider.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao::model::Lang;
use nianbao::render::pdf::layout::{Align, Coverage, Style, Typography};
use nianbao::render::pdf::{Face, GlyphMetrics, Metrics};

struct FakeMetrics;

impl Metrics for FakeMetrics {
    fn glyph(&self, _: Face, ch: char) -> Option<GlyphMetrics> {
        let advance = if ch.is_ascii() { 0.5 } else { 1.0 };
        Some(GlyphMetrics { gid: 1, advance })
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&cells, text)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(text) else { return };
    let style = Style { face: Face::Fang, size: 16.0 };
    let chinese = Typography::of(Lang::Zh);
    let atoms = chinese.shape(&[(text.to_string(), style)], &FakeMetrics, &mut Coverage::default());
    let measure = f32::from(cells % 60 + 1) * 16.0;
    let lines = chinese.compose(&atoms, 32.0, measure, Align::Justify);
    let placed: Vec<char> = lines.iter().flat_map(|l| l.atoms.iter().map(|(a, _)| a.ch)).collect();
    let kept: Vec<char> = atoms.iter().map(|a| a.ch).collect();
    let placed_ink: Vec<char> = placed.iter().copied().filter(|c| !c.is_whitespace()).collect();
    let kept_ink: Vec<char> = kept.iter().copied().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(placed_ink, kept_ink, "characters lost or repeated");
    for line in &lines {
        let widest = line.atoms.iter().map(|(a, _)| a.width).fold(0.0, f32::max);
        assert!(line.width <= measure.max(widest + 32.0) + 0.01, "line {} wider than {measure}", line.width);
    }
});
