//! The bundled faces, and the one question layout asks of them: which glyph
//! draws this character, and how wide is it.
//!
//! Each file is memory-mapped and parsed once per process (ttf-parser reads the
//! tables in place, without copying), and both languages share the result: a
//! build touches only the pages of the files it needs, not their 60 MB.

use std::fs::File;
use std::path::{Path, PathBuf};

use memmap2::Mmap;
use self_cell::self_cell;
use ttf_parser::GlyphId;

use super::PdfError;
use super::subset_cache::SubsetCache;

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

self_cell!(
    /// A mapped font file and the table directory ttf-parser reads from it.
    struct MappedFace {
        owner: Mmap,
        #[covariant]
        dependent: ParsedFace,
    }
);

type ParsedFace<'a> = ttf_parser::Face<'a>;

/// One bundled face: where it came from and its parsed tables.
pub(crate) struct FontFile {
    path: PathBuf,
    /// Path, length and modification time: what the subset cache keys on.
    identity: String,
    mapped: MappedFace,
    units_per_em: f32,
}

impl FontFile {
    fn open(path: PathBuf) -> Result<FontFile, PdfError> {
        let error = |message: String| PdfError::Font {
            path: path.clone(),
            message,
        };
        let file = File::open(&path).map_err(|e| error(e.to_string()))?;
        let meta = file.metadata().map_err(|e| error(e.to_string()))?;
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let identity = format!("{} {} {modified}", path.display(), meta.len());
        // SAFETY: the fonts are files of the repository that nothing writes while a
        // build runs; the mapping is read-only. Were one truncated mid-build, reading
        // the lost pages would end the process (SIGBUS), as a failed read would.
        #[allow(unsafe_code)]
        let map = unsafe { Mmap::map(&file) }.map_err(|e| error(e.to_string()))?;
        let mapped = MappedFace::try_new(map, |bytes| ttf_parser::Face::parse(bytes, 0))
            .map_err(|e| error(format!("not a usable OpenType font: {e}")))?;
        let units_per_em = f32::from(mapped.borrow_dependent().units_per_em().max(1));
        Ok(FontFile {
            path,
            identity,
            mapped,
            units_per_em,
        })
    }

    /// The whole file, as the subsetter reads it.
    pub(crate) fn bytes(&self) -> &[u8] {
        self.mapped.borrow_owner()
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn identity(&self) -> &str {
        &self.identity
    }

    /// Outlines in a CFF table (embedded as `FontFile3`) rather than `glyf`.
    pub(crate) fn is_cff(&self) -> bool {
        self.face().tables().cff.is_some()
    }

    fn face(&self) -> &ttf_parser::Face<'_> {
        self.mapped.borrow_dependent()
    }

    /// Advance width of glyph `gid`, in em.
    pub(crate) fn advance(&self, gid: u16) -> f32 {
        let units = self.face().glyph_hor_advance(GlyphId(gid)).unwrap_or(0);
        f32::from(units) / self.units_per_em
    }

    /// The face's PostScript name, as the PDF names the font.
    pub(crate) fn postscript_name(&self) -> Option<String> {
        self.face()
            .names()
            .into_iter()
            .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME && n.is_unicode())
            .and_then(|n| n.to_string())
    }

    /// What the PDF font descriptor says of the face, in 1/1000 em.
    pub(crate) fn descriptor_metrics(&self) -> DescriptorMetrics {
        let face = self.face();
        let scale = |v: i16| (f32::from(v) * 1000.0 / self.units_per_em).round() as i64;
        let bbox = face.global_bounding_box();
        DescriptorMetrics {
            bbox: [
                scale(bbox.x_min),
                scale(bbox.y_min),
                scale(bbox.x_max),
                scale(bbox.y_max),
            ],
            ascent: scale(face.ascender()),
            descent: scale(face.descender()),
            cap_height: scale(face.capital_height().unwrap_or(face.ascender())),
            italic_angle: face.italic_angle(),
        }
    }
}

/// The numbers a PDF `/FontDescriptor` carries.
pub(crate) struct DescriptorMetrics {
    pub bbox: [i64; 4],
    pub ascent: i64,
    pub descent: i64,
    pub cap_height: i64,
    pub italic_angle: f32,
}

/// The bundled faces, mapped and parsed once per process and shared by every render.
pub struct Fonts {
    files: Vec<FontFile>,
    subset_cache: SubsetCache,
}

impl Fonts {
    /// Maps the bundled faces from `dir` (the repository's `fonts/`); their subsets
    /// are kept in the cache the environment names ([`SubsetCache::from_env`]).
    pub fn load(dir: &Path) -> Result<Fonts, PdfError> {
        let files = Face::ALL
            .iter()
            .map(|face| FontFile::open(dir.join(face.file_name())))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Fonts {
            files,
            subset_cache: SubsetCache::from_env(),
        })
    }

    /// The same faces, keeping their subsets in `cache` instead.
    pub fn with_subset_cache(self, cache: SubsetCache) -> Fonts {
        Fonts {
            subset_cache: cache,
            ..self
        }
    }

    pub(crate) fn subset_cache(&self) -> &SubsetCache {
        &self.subset_cache
    }

    pub(crate) fn file(&self, face: Face) -> &FontFile {
        &self.files[face as usize]
    }
}

impl Metrics for Fonts {
    fn glyph(&self, face: Face, ch: char) -> Option<GlyphMetrics> {
        let file = self.file(face);
        let gid = file.face().glyph_index(ch).filter(|g| g.0 != 0)?.0;
        Some(GlyphMetrics {
            gid,
            advance: file.advance(gid),
        })
    }
}
