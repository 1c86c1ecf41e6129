//! The PDFs. The Chinese one is set the way GB/T 9704 sets official documents: A4,
//! a 156 × 225 mm text block on a grid of 22 lines of 28 characters, 16 pt 仿宋 body,
//! headings in 黑体 and 楷体, page numbers "— N —" on the outer side. The English
//! one keeps that page, the structure and the tables, and sets 12.5 pt Liberation
//! Serif on a 37-line grid, justified between words.
//!
//! [`render`] is the entry point for both. It runs in two stages that can be read
//! and tested apart:
//!
//! - [`layout()`] (module [`mod@layout`]): report + font metrics → a [`Document`], pages
//!   of positioned glyphs. What differs by language is one [`Typography`] (faces,
//!   sizes, leading, composer); the module's own documentation walks its steps
//!   (blocks → pieces → pages → page numbers) and its composers (Chinese, English).
//! - `writer`: pages → PDF bytes with lopdf: fonts subset by the `subsetter`
//!   crate and embedded as CID fonts with ToUnicode maps, one content stream per
//!   page (`content`), outline, catalog, metadata, deterministic ids; `chart`
//!   turns a chart's shapes into path operators.

mod chart;
mod content;
mod fonts;
pub mod layout;
mod subset_cache;
mod writer;

use std::fmt;
use std::path::PathBuf;

use crate::model::{Report, SourceSpan};

pub use fonts::{Face, Fonts, GlyphMetrics, Metrics};
pub use layout::{
    Document, Glyph, Line, OutlineEntry, Page, PlacedDrawing, Role, Rule, Typography, layout,
};
pub use subset_cache::SubsetCache;

/// A rendered PDF and what the reader should hear about it.
#[derive(Debug)]
pub struct PdfOutput {
    pub bytes: Vec<u8>,
    /// Characters set in the fallback face (宋体) because their face lacks them.
    pub warnings: Vec<GlyphProblem>,
}

/// Characters of one block that a face could not set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlyphProblem {
    /// The block they stand in; `None` for what has no source of its own (the title
    /// block, page numbers).
    pub span: Option<SourceSpan>,
    /// Each character once, in order of appearance.
    pub chars: String,
    pub message: String,
}

impl fmt::Display for GlyphProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.span {
            Some(span) => write!(f, "{}: {}", span.file.display(), self.message),
            None => write!(f, "title block: {}", self.message),
        }
    }
}

#[derive(Debug)]
pub enum PdfError {
    /// A bundled font is missing or unreadable.
    Font {
        path: PathBuf,
        message: String,
    },
    /// Characters no bundled font covers: printing them would give empty boxes.
    UncoveredGlyphs(Vec<GlyphProblem>),
    Write(String),
}

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PdfError::Font { path, message } => write!(f, "font {}: {message}", path.display()),
            PdfError::UncoveredGlyphs(problems) => {
                write!(f, "characters no bundled font covers:")?;
                for p in problems {
                    write!(f, "\n  {p}")?;
                }
                Ok(())
            }
            PdfError::Write(message) => write!(f, "writing the PDF: {message}"),
        }
    }
}

impl std::error::Error for PdfError {}

/// Lays out and writes the report. The same report and fonts always give the
/// same bytes.
pub fn render(report: &Report, fonts: &Fonts) -> Result<PdfOutput, PdfError> {
    let doc = layout(report, fonts);
    if !doc.uncovered.is_empty() {
        return Err(PdfError::UncoveredGlyphs(doc.uncovered));
    }
    let bytes = writer::write(&doc, &report.meta, report.lang, fonts)?;
    Ok(PdfOutput {
        bytes,
        warnings: doc.fallbacks,
    })
}
