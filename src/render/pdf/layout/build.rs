//! Blocks to pieces: the title block, every block of the body and the annexes become
//! composed grid lines, table rows and charts (see `piece`), with "keep with next"
//! where a page must not break, and every character a face lacks recorded against
//! its block.

use std::collections::BTreeMap;

use crate::model::{Annex, Block, Inline, Meta, Note, Paragraph, Report, SourceSpan, plain_text};
use crate::render::pdf::GlyphProblem;
use crate::render::pdf::fonts::{Face, Metrics};

use super::BLOCK_WIDTH;
use super::atom::{Align, Atom, Coverage, Style};
use super::document::Role;
use super::footnote;
use super::piece::{GridLine, Piece, PieceKind};
use super::typography::{HeadingStyle, Typography};

/// The pieces of a whole report, and the characters its faces lacked.
pub(super) struct Built {
    pub pieces: Vec<Piece>,
    /// Characters set in the fallback face.
    pub fallbacks: Vec<GlyphProblem>,
    /// Characters no bundled face covers; they are left out.
    pub uncovered: Vec<GlyphProblem>,
}

/// The report's title block, body and annexes as pieces, in the report's typography.
pub(super) fn build(report: &Report, metrics: &dyn Metrics, typo: &'static Typography) -> Built {
    let mut b = Builder::new(metrics, typo);
    b.notes = report_notes(report);
    b.title_block(&report.meta);
    for block in &report.body {
        b.block(block);
    }
    for annex in &report.annexes {
        b.annex(annex);
    }
    Built {
        pieces: b.pieces,
        fallbacks: b.fallbacks,
        uncovered: b.uncovered,
    }
}

/// Text to compose into grid lines, and how.
pub(super) struct Lines<'r> {
    pub role: Role,
    /// The block the text comes from; `None` for what has no source of its own (the
    /// title block, annex titles).
    pub span: Option<&'r SourceSpan>,
    pub runs: &'r [(String, Style)],
    /// First-line indent, in pt.
    pub indent: f32,
    pub align: Align,
    /// Every line must stand on the same page as the piece after it.
    pub keep_with_next: bool,
    /// The level of the outline entry the first line opens, if any.
    pub outline: Option<u8>,
}

impl<'r> Lines<'r> {
    /// Unindented lines that keep with nothing and open no outline entry.
    pub fn new(
        role: Role,
        span: Option<&'r SourceSpan>,
        runs: &'r [(String, Style)],
        align: Align,
    ) -> Self {
        Lines {
            role,
            span,
            runs,
            indent: 0.0,
            align,
            keep_with_next: false,
            outline: None,
        }
    }

    pub fn keeping_with_next(self) -> Self {
        Lines {
            keep_with_next: true,
            ..self
        }
    }
}

/// Turns blocks into pieces; `table` and `chart` add theirs through it.
pub(super) struct Builder<'a> {
    pub metrics: &'a dyn Metrics,
    pub typo: &'static Typography,
    pieces: Vec<Piece>,
    fallbacks: Vec<GlyphProblem>,
    uncovered: Vec<GlyphProblem>,
    /// Every note of the report by number, until its first marker is set.
    notes: BTreeMap<u32, (Vec<Inline>, SourceSpan)>,
}

/// Every note of the report by number: a section's, an entry's.
fn report_notes(report: &Report) -> BTreeMap<u32, (Vec<Inline>, SourceSpan)> {
    let mut all = BTreeMap::new();
    let mut add = |notes: &[Note]| {
        for n in notes {
            all.insert(n.number, (n.content.clone(), n.span.clone()));
        }
    };
    let annex_blocks = report.annexes.iter().flat_map(|a| &a.blocks);
    for block in report.body.iter().chain(annex_blocks) {
        match block {
            Block::Notes(notes) => add(notes),
            Block::Glossary(entries) => entries.iter().for_each(|e| add(&e.notes)),
            Block::Cases(cases) => cases.iter().for_each(|c| add(&c.notes)),
            _ => {}
        }
    }
    all
}

impl<'a> Builder<'a> {
    fn new(metrics: &'a dyn Metrics, typo: &'static Typography) -> Self {
        Builder {
            metrics,
            typo,
            pieces: Vec::new(),
            fallbacks: Vec::new(),
            uncovered: Vec::new(),
            notes: BTreeMap::new(),
        }
    }

    pub fn push(&mut self, kind: PieceKind, keep_with_next: bool) {
        self.pieces.push(Piece {
            kind,
            keep_with_next,
            notes: Vec::new(),
        });
    }

    pub fn blank(&mut self, keep_with_next: bool) {
        self.push(PieceKind::Blank, keep_with_next);
    }

    /// Shapes runs, recording every character that needed the fallback face or
    /// that no face has, against `span`.
    pub fn shape(&mut self, runs: &[(String, Style)], span: Option<&SourceSpan>) -> Vec<Atom> {
        let mut coverage = Coverage::default();
        let atoms = self.typo.shape(runs, self.metrics, &mut coverage);
        let mut faces: Vec<Face> = coverage.fell_back.iter().map(|(f, _)| *f).collect();
        faces.sort();
        faces.dedup();
        for face in faces {
            let chars = unique(
                coverage
                    .fell_back
                    .iter()
                    .filter(|(f, _)| *f == face)
                    .map(|(_, c)| *c),
            );
            self.fallbacks.push(GlyphProblem {
                span: span.cloned(),
                message: format!(
                    "{} lacks {}; set in {} instead",
                    face.label(),
                    describe(&chars),
                    Face::Song.label()
                ),
                chars,
            });
        }
        if !coverage.uncovered.is_empty() {
            let chars = unique(coverage.uncovered.iter().copied());
            self.uncovered.push(GlyphProblem {
                span: span.cloned(),
                message: format!("no bundled font has {}", describe(&chars)),
                chars,
            });
        }
        atoms
    }

    /// Composes text into grid lines. A `\n` in the runs forces a line break.
    pub fn lines(&mut self, text: Lines) {
        let Lines {
            role,
            span,
            runs,
            indent,
            align,
            keep_with_next,
            outline,
        } = text;
        let size = runs.iter().map(|(_, s)| s.size).fold(0.0, f32::max);
        let mut outline = outline.map(|level| {
            let title: String = runs.iter().map(|(t, _)| t.as_str()).collect();
            (level, title.replace('\n', ""))
        });
        for (i, segment) in split_forced_breaks(runs).iter().enumerate() {
            let atoms = self.shape(segment, span);
            let indent = if i == 0 { indent } else { 0.0 };
            let set_lines = self.typo.compose(&atoms, indent, BLOCK_WIDTH, align);
            let count = set_lines.len();
            for (j, set) in set_lines.into_iter().enumerate() {
                let notes = self.note_lines(&footnote::markers(&set, size));
                let line = GridLine {
                    role,
                    span: span.cloned(),
                    set,
                    offset: 0.0,
                    measure: BLOCK_WIDTH,
                    size,
                    first: i == 0 && j == 0,
                    last: j + 1 == count,
                    outline: outline.take(),
                };
                self.push(PieceKind::Line(line), keep_with_next);
                if let Some(last) = self.pieces.last_mut() {
                    last.notes = notes;
                }
            }
        }
    }

    fn title_block(&mut self, meta: &Meta) {
        let none = None;
        let t = self.typo;
        let line = |text: &str, style: Style| vec![(text.to_string(), style)];
        let title = line(&meta.title, t.title);
        self.lines(Lines::new(Role::Title, none, &title, Align::Center));
        self.blank(false);
        for occasion in &meta.occasion {
            let occasion = line(occasion, t.occasion);
            self.lines(Lines::new(Role::Occasion, none, &occasion, Align::Center));
        }
        self.blank(false);
        let speaker = line(&meta.speaker, t.speaker);
        self.lines(Lines::new(Role::Speaker, none, &speaker, Align::Center));
        self.blank(false);
        let salutation = line(&meta.salutation, t.body);
        self.lines(
            Lines::new(Role::Salutation, none, &salutation, Align::Left).keeping_with_next(),
        );
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Heading(h) => {
                let level = usize::from(h.level.clamp(1, 3)) - 1;
                let HeadingStyle {
                    style,
                    align,
                    indent,
                    space_before,
                } = self.typo.headings[level];
                if space_before {
                    self.blank(true);
                }
                let runs = self.runs(&h.content, style);
                self.lines(Lines {
                    indent,
                    outline: (h.level <= 2).then_some(h.level),
                    ..Lines::new(Role::Heading(h.level), Some(&h.span), &runs, align)
                        .keeping_with_next()
                });
            }
            Block::Paragraph(p) => self.paragraph(p),
            Block::List(list) => {
                for item in &list.items {
                    let runs = self.runs(item, self.typo.body);
                    self.body(Some(&list.span), &runs);
                }
            }
            Block::Table(t) => super::table::table(self, t),
            Block::Chart(c) => super::chart::chart(self, c),
            Block::Figure(f) => self.caption(&f.caption, None),
            Block::Glossary(entries) => {
                for e in entries {
                    self.numbered(e.number, &e.term, &e.definition, Some(&e.span));
                    if let Some(f) = &e.figure {
                        self.caption(&f.caption, Some(&e.span));
                    }
                }
            }
            Block::Cases(cases) => {
                for c in cases {
                    self.numbered(c.number, &c.title, &c.body, Some(&c.span));
                    if let Some(f) = &c.figure {
                        self.caption(&f.caption, Some(&c.span));
                    }
                }
            }
            // Notes stand at the foot of the page of their marker (`note_lines`).
            Block::Notes(_) => {}
        }
    }

    /// The composed lines of the notes `numbers` whose first marker this is: "N"
    /// raised, then the text, in the notes' style.
    fn note_lines(&mut self, numbers: &[u32]) -> Vec<GridLine> {
        let style = footnote::note_style(self.typo);
        let mut lines = Vec::new();
        for number in numbers {
            let Some((content, span)) = self.notes.remove(number) else {
                continue;
            };
            let mut runs = vec![(number.to_string(), footnote::marker_style(self.typo, style))];
            if self.typo.draws_spaces() {
                runs.push((" ".to_string(), style));
            }
            runs.extend(self.runs(&content, style));
            for (i, segment) in split_forced_breaks(&runs).iter().enumerate() {
                let atoms = self.shape(segment, Some(&span));
                let set_lines = self.typo.compose(&atoms, 0.0, BLOCK_WIDTH, Align::Justify);
                let count = set_lines.len();
                for (j, set) in set_lines.into_iter().enumerate() {
                    lines.push(GridLine {
                        role: Role::Note,
                        span: Some(span.clone()),
                        set,
                        offset: 0.0,
                        measure: BLOCK_WIDTH,
                        size: style.size,
                        first: i == 0 && j == 0,
                        last: j + 1 == count,
                        outline: None,
                    });
                }
            }
        }
        lines
    }

    fn paragraph(&mut self, p: &Paragraph) {
        let mut all = Vec::new();
        if let Some(lead) = &p.lead {
            all.extend(self.runs(lead, self.typo.lead));
            let gap = self.typo.after_lead();
            let (before, after) = (plain_text(lead), plain_text(&p.content));
            if !gap.is_empty()
                && !before.ends_with(char::is_whitespace)
                && !after.starts_with(char::is_whitespace)
            {
                all.push((gap.to_string(), self.typo.body));
            }
        }
        all.extend(self.runs(&p.content, self.typo.body));
        self.body(Some(&p.span), &all);
    }

    fn body(&mut self, span: Option<&SourceSpan>, runs: &[(String, Style)]) {
        self.lines(Lines {
            indent: self.typo.indent,
            ..Lines::new(Role::Body, span, runs, Align::Justify)
        });
    }

    /// A glossary entry or a case: "N." then the term or title as a lead-in.
    fn numbered(&mut self, number: u32, term: &str, body: &[Inline], span: Option<&SourceSpan>) {
        let mut all = self.typo.numbered(number, term);
        all.extend(self.runs(body, self.typo.body));
        self.body(span, &all);
    }

    /// A figure whose picture is not printed: its caption stands alone as a figure
    /// note, centred, in the notes' smaller size, a blank grid line apart from the
    /// text. The line before it keeps with it, so that a page never ends with the
    /// words that announce the picture.
    fn caption(&mut self, caption: &str, span: Option<&SourceSpan>) {
        if caption.trim().is_empty() {
            return;
        }
        if let Some(last) = self.pieces.last_mut() {
            last.keep_with_next = true;
        }
        self.blank(true);
        let runs = vec![(caption.to_string(), footnote::note_style(self.typo))];
        self.lines(Lines::new(Role::Caption, span, &runs, Align::Center));
    }

    /// An annex opens a page: its label on line 1, its title on line 3.
    fn annex(&mut self, annex: &Annex) {
        let none = None;
        self.push(PieceKind::PageBreak, false);
        let label = vec![(annex.label.clone(), self.typo.annex_label)];
        let outline_title = format!("{} {}", annex.label, annex.title);
        self.lines(Lines::new(Role::AnnexLabel, none, &label, Align::Left).keeping_with_next());
        if let Some(Piece {
            kind: PieceKind::Line(l),
            ..
        }) = self.pieces.last_mut()
        {
            l.outline = Some((1, outline_title));
        }
        self.blank(true);
        let title = vec![(annex.title.clone(), self.typo.annex_title)];
        self.lines(Lines::new(Role::AnnexTitle, none, &title, Align::Center).keeping_with_next());
        self.blank(false);
        for block in &annex.blocks {
            self.block(block);
        }
    }
}

impl Builder<'_> {
    /// Flattens inlines into styled runs. In Chinese, emphasis is set in 楷体 and
    /// strong text in 黑体: official documents emphasise by face, never by fake
    /// bold. In English, italic and bold.
    fn runs(&self, inlines: &[Inline], style: Style) -> Vec<(String, Style)> {
        let mut out = Vec::new();
        collect_runs(inlines, style, self.typo, &mut out);
        out
    }
}

fn collect_runs(
    inlines: &[Inline],
    style: Style,
    typo: &Typography,
    out: &mut Vec<(String, Style)>,
) {
    for inline in inlines {
        match inline {
            Inline::Text(t) => out.push((crate::script::resolve_soft_breaks(t), style)),
            Inline::Emphasis(c) => collect_runs(
                c,
                Style {
                    face: typo.emphasis,
                    ..style
                },
                typo,
                out,
            ),
            Inline::Strong(c) => collect_runs(
                c,
                Style {
                    face: typo.strong,
                    ..style
                },
                typo,
                out,
            ),
            Inline::TermRef { content, .. } | Inline::Link { content, .. } => {
                collect_runs(content, style, typo, out)
            }
            Inline::LineBreak => out.push(("\n".to_string(), style)),
            Inline::NoteRef { number, .. } => out.push((
                number.to_string(),
                super::footnote::marker_style(typo, style),
            )),
        }
    }
}

/// Splits runs at forced line breaks (`\n` runs from `Inline::LineBreak`).
fn split_forced_breaks(runs: &[(String, Style)]) -> Vec<Vec<(String, Style)>> {
    let mut segments = vec![Vec::new()];
    for (text, style) in runs {
        for (i, part) in text.split('\n').enumerate() {
            if i > 0 {
                segments.push(Vec::new());
            }
            if !part.is_empty() {
                segments
                    .last_mut()
                    .expect("never empty")
                    .push((part.to_string(), *style));
            }
        }
    }
    segments
}

fn unique(chars: impl Iterator<Item = char>) -> String {
    let mut seen = String::new();
    for c in chars {
        if !seen.contains(c) {
            seen.push(c);
        }
    }
    seen
}

fn describe(chars: &str) -> String {
    let codes: Vec<String> = chars
        .chars()
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    format!("“{chars}” ({})", codes.join(" "))
}
