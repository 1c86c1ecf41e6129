//! Stage 4, **render**: the document model → output files. Renderers consume only
//! the model; none reads `report/` or parses Markdown.

pub mod html;
pub mod pdf;
