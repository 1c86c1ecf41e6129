//! Writes a laid-out [`Document`] as PDF. printpdf does the font work (subsetting,
//! `/W` widths, ToUnicode maps); lopdf then fixes what printpdf gets wrong for us:
//! it numbers fonts and file ids from a process-wide counter, writes a flat,
//! re-sorted outline, a string `/PageMode`, and a PDF/X claim on every file.

use std::collections::{BTreeMap, BTreeSet};

use lopdf::{Dictionary, Object, ObjectId, StringFormat};
use printpdf::{
    Codepoint, Color, FontId, Greyscale, Line as PdfLine, LinePoint, Mm, Op, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, TextItem, TextMatrix,
};
use sha2::{Digest, Sha256};

use super::PdfError;
use super::fonts::{Face, Fonts};
use super::layout::{Document, OutlineEntry, PAGE_HEIGHT, Page};
use crate::model::{Lang, Meta};

const PRODUCER: &str = "nianbao (printpdf 0.12.8, lopdf 0.44.0)";

pub fn write(doc: &Document, meta: &Meta, lang: Lang, fonts: &Fonts) -> Result<Vec<u8>, PdfError> {
    let mut pdf = PdfDocument::new(&meta.title);
    let ids = register_fonts(&mut pdf, doc, fonts);
    pdf.pages = doc.pages.iter().map(|page| page_ops(page, &ids)).collect();

    let options = PdfSaveOptions {
        optimize: false,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = pdf.to_lopdf_document(&options, &mut warnings);
    if let Some(w) = warnings
        .iter()
        .find(|w| w.severity == printpdf::PdfParseErrorSeverity::Error)
    {
        return Err(PdfError::Write(w.msg.clone()));
    }
    finish(&mut lo, doc, meta, lang)?;
    save_with_id(&mut lo)
}

/// Registers each face the document uses under an id derived from the face and
/// the characters set in it. printpdf would take the id from a process-wide
/// counter; the first six letters also become the subset tag (`ABCDEF+Name`),
/// which ISO 32000 wants to change when the subset does.
fn register_fonts(pdf: &mut PdfDocument, doc: &Document, fonts: &Fonts) -> BTreeMap<Face, FontId> {
    let mut used: BTreeMap<Face, BTreeSet<char>> = BTreeMap::new();
    for glyph in doc
        .pages
        .iter()
        .flat_map(|p| &p.lines)
        .flat_map(|l| &l.glyphs)
    {
        used.entry(glyph.face).or_default().insert(glyph.ch);
    }
    used.into_iter()
        .map(|(face, chars)| {
            let mut hash = Sha256::new();
            hash.update(face.file_name().as_bytes());
            hash.update(chars.iter().collect::<String>().as_bytes());
            let tag: String = hash
                .finalize()
                .iter()
                .take(6)
                .map(|b| char::from(b'A' + b % 26))
                .collect();
            let id = FontId(tag);
            let font = printpdf::PdfFont::new(fonts.parsed(face).clone());
            pdf.resources.fonts.map.insert(id.clone(), font);
            (face, id)
        })
        .collect()
}

/// Every glyph is placed absolutely; printpdf merges the glyphs of a baseline
/// into one `TJ` whose kerns reproduce these positions.
fn page_ops(page: &Page, ids: &BTreeMap<Face, FontId>) -> PdfPage {
    let mut ops = Vec::new();
    for drawing in &page.drawings {
        ops.extend(super::chart::ops(drawing));
    }
    if !page.rules.is_empty() {
        ops.push(Op::SaveGraphicsState);
        ops.push(Op::SetOutlineColor {
            col: Color::Greyscale(Greyscale::new(0.0, None)),
        });
        for rule in &page.rules {
            ops.push(Op::SetOutlineThickness { pt: Pt(rule.width) });
            let point = |x: f32, y: f32| LinePoint {
                p: Point {
                    x: Pt(x),
                    y: Pt(PAGE_HEIGHT - y),
                },
                bezier: false,
            };
            ops.push(Op::DrawLine {
                line: PdfLine {
                    points: vec![point(rule.x1, rule.y1), point(rule.x2, rule.y2)],
                    is_closed: false,
                },
            });
        }
        ops.push(Op::RestoreGraphicsState);
    }
    ops.push(Op::StartTextSection);
    let mut current = None;
    for line in &page.lines {
        for glyph in &line.glyphs {
            if current != Some((glyph.face, glyph.size)) {
                current = Some((glyph.face, glyph.size));
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(ids[&glyph.face].clone()),
                    size: Pt(glyph.size),
                });
            }
            ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(glyph.x), Pt(PAGE_HEIGHT - line.baseline)),
            });
            ops.push(Op::ShowText {
                items: vec![TextItem::GlyphIds(vec![Codepoint::with_cid(
                    glyph.gid,
                    0.0,
                    glyph.ch.to_string(),
                )])],
            });
        }
    }
    ops.push(Op::EndTextSection);
    PdfPage::new(Mm(210.0), Mm(297.0), ops)
}

/// Catalog, outline and metadata as the report needs them, then garbage
/// collection and stable numbering.
fn finish(
    lo: &mut lopdf::Document,
    doc: &Document,
    meta: &Meta,
    lang: Lang,
) -> Result<(), PdfError> {
    lo.version = "1.7".to_string();
    let pages: Vec<ObjectId> = lo.get_pages().into_values().collect();
    let outline = write_outline(lo, &doc.outline, &pages);

    let catalog = lo.catalog_mut().map_err(write_error)?;
    // printpdf claims PDF/X conformance and embeds an output intent and XMP
    // packet (with a random instance id) to go with it; the file is no PDF/X.
    catalog.remove(b"OutputIntents");
    catalog.remove(b"Metadata");
    catalog.set("Lang", Object::string_literal(lang.tag()));
    catalog.set(
        "ViewerPreferences",
        Dictionary::from_iter(vec![("DisplayDocTitle", Object::Boolean(true))]),
    );
    match outline {
        Some(id) => {
            catalog.set("Outlines", Object::Reference(id));
            catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
        }
        None => {
            catalog.remove(b"Outlines");
            catalog.set("PageMode", Object::Name(b"UseNone".to_vec()));
        }
    }

    let date = pdf_date(meta);
    let mut info = Dictionary::new();
    info.set("Title", lopdf::text_string(&meta.title));
    info.set("Author", lopdf::text_string(&meta.court));
    info.set("Creator", Object::string_literal("nianbao"));
    info.set("Producer", Object::string_literal(PRODUCER));
    if let Some(date) = date {
        info.set("CreationDate", Object::string_literal(date.clone()));
        info.set("ModDate", Object::string_literal(date));
    }
    let info_id = lo.add_object(info);
    lo.trailer.set("Info", Object::Reference(info_id));
    lo.trailer.remove(b"ID");

    lo.prune_objects();
    lo.renumber_objects();
    lo.compress();
    Ok(())
}

/// Builds the nested outline: entries of level 2 go under the level-1 entry
/// before them. Top-level entries are open so the sections show at once.
fn write_outline(
    lo: &mut lopdf::Document,
    entries: &[OutlineEntry],
    pages: &[ObjectId],
) -> Option<ObjectId> {
    if entries.is_empty() {
        return None;
    }
    // (entry index, children) per top-level item.
    let mut tree: Vec<(usize, Vec<usize>)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        match tree.last_mut() {
            Some((_, children)) if e.level > 1 => children.push(i),
            _ => tree.push((i, Vec::new())),
        }
    }
    let root = lo.new_object_id();
    let ids: Vec<ObjectId> = entries.iter().map(|_| lo.new_object_id()).collect();
    let item = |i: usize, parent: ObjectId, siblings: &[usize], pos: usize| {
        let e = &entries[i];
        let mut d = Dictionary::new();
        d.set("Title", lopdf::text_string(&e.title));
        d.set("Parent", Object::Reference(parent));
        if pos > 0 {
            d.set("Prev", Object::Reference(ids[siblings[pos - 1]]));
        }
        if pos + 1 < siblings.len() {
            d.set("Next", Object::Reference(ids[siblings[pos + 1]]));
        }
        d.set(
            "Dest",
            vec![
                Object::Reference(pages[e.page]),
                Object::Name(b"XYZ".to_vec()),
                Object::Null,
                Object::Real(PAGE_HEIGHT - e.top),
                Object::Null,
            ],
        );
        d
    };
    let top: Vec<usize> = tree.iter().map(|(i, _)| *i).collect();
    for (pos, (i, children)) in tree.iter().enumerate() {
        let mut d = item(*i, root, &top, pos);
        if let (Some(first), Some(last)) = (children.first(), children.last()) {
            d.set("First", Object::Reference(ids[*first]));
            d.set("Last", Object::Reference(ids[*last]));
            d.set("Count", children.len() as i64);
        }
        lo.objects.insert(ids[*i], Object::Dictionary(d));
        for (cpos, c) in children.iter().enumerate() {
            let d = item(*c, ids[*i], children, cpos);
            lo.objects.insert(ids[*c], Object::Dictionary(d));
        }
    }
    let mut outlines = Dictionary::new();
    outlines.set("Type", Object::Name(b"Outlines".to_vec()));
    outlines.set("First", Object::Reference(ids[top[0]]));
    outlines.set(
        "Last",
        Object::Reference(ids[*top.last().expect("non-empty")]),
    );
    outlines.set("Count", entries.len() as i64);
    lo.objects.insert(root, Object::Dictionary(outlines));
    Some(root)
}

/// The PDF date of delivery (Meta.date, Beijing time), or SOURCE_DATE_EPOCH when
/// the report has no usable date. Never the clock: two builds must be identical.
fn pdf_date(meta: &Meta) -> Option<String> {
    let digits: String = meta.date.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 8 {
        return Some(format!("D:{digits}000000+08'00'"));
    }
    let epoch: i64 = std::env::var("SOURCE_DATE_EPOCH")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let (days, secs) = (epoch.div_euclid(86_400), epoch.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    Some(format!(
        "D:{y:04}{m:02}{d:02}{:02}{:02}{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    ))
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Saves, then sets the file identifier to a hash of the file without it, so
/// that the same report always gives the same bytes.
fn save_with_id(lo: &mut lopdf::Document) -> Result<Vec<u8>, PdfError> {
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes)
        .map_err(|e| PdfError::Write(e.to_string()))?;
    let digest = Sha256::digest(&bytes);
    let id = Object::String(digest[..16].to_vec(), StringFormat::Hexadecimal);
    lo.trailer.set("ID", vec![id.clone(), id]);
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes)
        .map_err(|e| PdfError::Write(e.to_string()))?;
    Ok(bytes)
}

fn write_error(e: lopdf::Error) -> PdfError {
    PdfError::Write(e.to_string())
}
