//! Stage 4, **render**: the document model → output files. Renderers consume only
//! the model; none reads `report/` or parses Markdown.

pub mod html;
pub mod pdf;

/// The width a chart is drawn at in both outputs: the PDF's text block, so that print
/// and screen show the same drawing (the web page scales it to its column).
pub const CHART_WIDTH: f32 = pdf::layout::BLOCK_WIDTH;
