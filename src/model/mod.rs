//! The document model: one tree per language, built by `resolve` and consumed by
//! every renderer. Plain data; renderers never look behind it at `report/`.

use std::ops::Range;
use std::path::PathBuf;

/// Where a block came from, so that checks and renderers can point at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpan {
    /// Path relative to the report folder, with `/` separators.
    pub file: PathBuf,
    /// The bytes of `file` the block was made from.
    pub range: Range<usize>,
}

impl SourceSpan {
    pub fn new(file: impl Into<PathBuf>, range: Range<usize>) -> SourceSpan {
        SourceSpan {
            file: file.into(),
            range,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// BCP 47 tag, for `lang=""` in HTML and `/Lang` in PDF.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Folder name under `report/` and `out/`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// A whole report in one language.
#[derive(Debug, Clone)]
pub struct Report {
    pub lang: Lang,
    pub meta: Meta,
    /// The main text: opening, the six parts, closing, shortcomings, plans.
    pub body: Vec<Block>,
    pub annexes: Vec<Annex>,
}

/// What stands above the text and what goes into the PDF's metadata.
#[derive(Debug, Clone)]
pub struct Meta {
    /// "海淀区人民法院工作报告"
    pub title: String,
    /// The court, used as the document's author.
    pub court: String,
    /// The occasion line, possibly split where the printed title block splits it.
    pub occasion: Vec<String>,
    /// "海淀区人民法院院长  邵明艳": position and name as printed.
    pub speaker: String,
    /// "各位代表：": the salutation that opens the speech.
    pub salutation: String,
    /// The year the report covers.
    pub year: i32,
    /// Date of delivery, ISO 8601 (`2024-01-05`); used for PDF dates.
    pub date: String,
}

#[derive(Debug, Clone)]
pub enum Block {
    Heading(Heading),
    Paragraph(Paragraph),
    Table(Table),
    /// A chart drawn from the data (every output draws it with `crate::chart`).
    Chart(Chart),
    /// An image whose picture may be lost; the caption always stays.
    Figure(Figure),
    List(List),
    Glossary(Vec<GlossaryEntry>),
    Cases(Vec<Case>),
    /// The notes of a section (`[^id]: …`), in the order of their numbers; they stand
    /// at the end of the section they belong to.
    Notes(Vec<Note>),
}

/// A note (Markdown footnote): its number is its place in the report's notes, the
/// same in every output.
#[derive(Debug, Clone)]
pub struct Note {
    /// 1, 2, 3 … through the whole report (one language).
    pub number: u32,
    /// The label the author wrote (`[^label]`), for messages.
    pub label: String,
    pub content: Vec<Inline>,
    pub span: SourceSpan,
}

#[derive(Debug, Clone)]
pub struct Heading {
    /// 1: a part of the speech ("2023年的主要工作"); 2: "一、…"; 3 and below: finer.
    pub level: u8,
    /// Stable anchor, unique in the report.
    pub id: String,
    pub content: Vec<Inline>,
    pub span: SourceSpan,
}

#[derive(Debug, Clone)]
pub struct Paragraph {
    /// The lead-in sentence ("坚决维护辖区安全稳定。"), styled apart from the rest.
    pub lead: Option<Vec<Inline>>,
    pub content: Vec<Inline>,
    pub span: SourceSpan,
}

#[derive(Debug, Clone)]
pub struct List {
    pub ordered: bool,
    pub items: Vec<Vec<Inline>>,
    pub span: SourceSpan,
}

#[derive(Debug, Clone)]
pub enum Inline {
    Text(String),
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    /// A mention of a glossary term that links to its entry.
    TermRef {
        term_id: String,
        content: Vec<Inline>,
    },
    Link {
        url: String,
        content: Vec<Inline>,
    },
    LineBreak,
    /// A note's marker (`[^label]`): a superscript number linking to the note.
    NoteRef {
        number: u32,
        /// 1 for the first reference to the note, 2 for a second one …
        occurrence: u32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub align: Align,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub id: String,
    /// A title above the table, where the report prints one.
    pub title: Option<String>,
    /// "（单位：件）", printed above the table.
    pub unit: Option<String>,
    /// "图表1  …", printed under the table.
    pub caption: Option<String>,
    /// Header row; its first cell is the corner above the row labels.
    pub header: Vec<Cell>,
    /// Body rows; each row's first cell is its label.
    pub rows: Vec<Vec<Cell>>,
    pub span: SourceSpan,
}

/// A chart, resolved for one language: every text is final, every number formatted.
#[derive(Debug, Clone)]
pub struct Chart {
    /// Unique among charts; the HTML id is `chart-{id}`.
    pub id: String,
    pub kind: ChartKind,
    /// The language its numbers are written in (tick labels).
    pub lang: Lang,
    pub title: String,
    /// What the chart shows, in words, for readers who cannot see it.
    pub desc: String,
    /// "单位：件".
    pub unit: Option<String>,
    pub categories: Vec<ChartCategory>,
    /// One series per year drawn, earlier first.
    pub series: Vec<ChartSeries>,
    /// Per category, the change from the first series to the last ("+32.39%"); empty
    /// unless the chart compares years.
    pub changes: Vec<String>,
    /// Heading of the change labels ("同比").
    pub change_heading: Option<String>,
    pub span: SourceSpan,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    Bar,
    GroupedBar,
    Pie,
}

#[derive(Debug, Clone)]
pub struct ChartCategory {
    /// The category id of `data/caseload.yaml` (`criminal`).
    pub id: String,
    /// As the chart labels it ("刑事", "Criminal").
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct ChartSeries {
    /// The legend entry ("2023年收案数").
    pub label: String,
    /// One count per category.
    pub values: Vec<u64>,
    /// The counts as the language writes them ("1857", "1,857").
    pub value_labels: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Figure {
    pub caption: String,
    /// Path of the image relative to the report folder, if the report has it.
    pub image: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct Annex {
    pub number: u32,
    /// "附件1"
    pub label: String,
    /// "各类案件明细"
    pub title: String,
    pub id: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
pub struct GlossaryEntry {
    /// Anchor-safe identifier that term references name.
    pub id: String,
    /// 1-based position as printed ("1.").
    pub number: u32,
    /// The term as printed, quotes included: "“浦江经验”".
    pub term: String,
    pub definition: Vec<Inline>,
    pub figure: Option<Figure>,
    /// The notes the definition refers to.
    pub notes: Vec<Note>,
    pub span: SourceSpan,
}

#[derive(Debug, Clone)]
pub struct Case {
    pub id: String,
    pub number: u32,
    pub title: String,
    pub body: Vec<Inline>,
    /// What the printed report says stands after the text (a QR code), if anything.
    pub figure: Option<Figure>,
    /// The notes the body refers to.
    pub notes: Vec<Note>,
    pub span: SourceSpan,
}

/// What a block says, markup included but not where it came from: two blocks with the
/// same text render the same.
pub fn block_text(block: &Block) -> String {
    match block {
        Block::Paragraph(p) => format!("paragraph {:?} {:?}", p.lead, p.content),
        Block::Heading(h) => format!("heading {} {} {:?}", h.level, h.id, h.content),
        Block::List(l) => format!("list {} {:?}", l.ordered, l.items),
        other => format!("{other:?}"),
    }
}

/// Plain text of inlines, for outlines, metadata and tests.
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    collect_text(inlines, &mut out);
    out
}

fn collect_text(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(t) => out.push_str(t),
            Inline::Emphasis(c)
            | Inline::Strong(c)
            | Inline::TermRef { content: c, .. }
            | Inline::Link { content: c, .. } => collect_text(c, out),
            Inline::LineBreak => out.push('\n'),
            // A marker is not part of what the sentence says (outlines, metadata).
            Inline::NoteRef { .. } => {}
        }
    }
}
