//! The bundled faces, and the one question layout asks of them: which glyph
//! draws this character, and how wide is it.

use std::path::Path;

use printpdf::ParsedFont;

use super::PdfError;

/// The roles GB/T 9704 gives to typefaces, then the Latin faces of the English
/// edition; each maps to one bundled file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Face {
    /// 仿宋: body text.
    Fang,
    /// 楷体: level-3 headings, lead-ins, the occasion line.
    Kai,
    /// 黑体: level-1/2 headings, annex labels, table headers.
    Hei,
    /// 小标宋 stand-in: the report and annex titles.
    Title,
    /// 宋体: page numbers, and the per-character fallback for every other face.
    Song,
    /// Latin roman (Liberation Serif Regular): English body text.
    Serif,
    /// Latin bold: English headings, lead-ins, titles and table headers.
    SerifBold,
    /// Latin italic: English emphasis (titles of laws and publications).
    SerifItalic,
}

impl Face {
    pub const ALL: [Face; 8] = [
        Face::Fang,
        Face::Kai,
        Face::Hei,
        Face::Title,
        Face::Song,
        Face::Serif,
        Face::SerifBold,
        Face::SerifItalic,
    ];

    /// File name under `fonts/`.
    pub fn file_name(self) -> &'static str {
        match self {
            Face::Fang => "FandolFang-Regular.otf",
            Face::Kai => "LXGWWenKai-Regular.ttf",
            Face::Hei => "NotoSansSC_400Regular.ttf",
            Face::Title => "NotoSerifSC_700Bold.ttf",
            Face::Song => "NotoSerifSC_400Regular.ttf",
            Face::Serif => "LiberationSerif-Regular.ttf",
            Face::SerifBold => "LiberationSerif-Bold.ttf",
            Face::SerifItalic => "LiberationSerif-Italic.ttf",
        }
    }

    /// How warnings name the face.
    pub fn label(self) -> &'static str {
        match self {
            Face::Fang => "仿宋 (FandolFang Regular)",
            Face::Kai => "楷体 (LXGW WenKai Regular)",
            Face::Hei => "黑体 (Noto Sans SC Regular)",
            Face::Title => "标题宋 (Noto Serif SC Bold)",
            Face::Song => "宋体 (Noto Serif SC Regular)",
            Face::Serif => "Liberation Serif Regular",
            Face::SerifBold => "Liberation Serif Bold",
            Face::SerifItalic => "Liberation Serif Italic",
        }
    }
}

/// A glyph as layout needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GlyphMetrics {
    pub gid: u16,
    /// Advance width in em.
    pub advance: f32,
}

/// Glyph lookup, kept behind a trait so that the line breaker and paginator can be
/// tested with a synthetic font instead of 60 MB of real ones.
pub trait Metrics {
    /// The glyph `face` has for `ch`, or `None` if the face lacks it (a `.notdef`
    /// mapping counts as lacking).
    fn glyph(&self, face: Face, ch: char) -> Option<GlyphMetrics>;
}

/// The bundled faces, parsed once per process and shared by every render.
pub struct Fonts {
    faces: Vec<ParsedFont>,
}

impl Fonts {
    /// Loads the bundled faces from `dir` (the repository's `fonts/`).
    pub fn load(dir: &Path) -> Result<Fonts, PdfError> {
        let faces = Face::ALL
            .iter()
            .map(|face| {
                let path = dir.join(face.file_name());
                let bytes = std::fs::read(&path).map_err(|e| PdfError::Font {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
                let mut warnings = Vec::new();
                ParsedFont::from_bytes(&bytes, 0, &mut warnings).ok_or_else(|| PdfError::Font {
                    path: path.clone(),
                    message: format!("not a usable OpenType font: {warnings:?}"),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Fonts { faces })
    }

    pub(crate) fn parsed(&self, face: Face) -> &ParsedFont {
        &self.faces[face as usize]
    }
}

impl Metrics for Fonts {
    fn glyph(&self, face: Face, ch: char) -> Option<GlyphMetrics> {
        let font = self.parsed(face);
        let gid = font.lookup_glyph_index(ch as u32).filter(|&g| g != 0)?;
        let upm = f32::from(font.font_metrics.units_per_em.max(1));
        Some(GlyphMetrics {
            gid,
            advance: f32::from(font.get_horizontal_advance(gid)) / upm,
        })
    }
}
