//! Writes a laid-out [`Document`] as PDF with lopdf: one content stream per
//! page, each face subset to the glyphs the document uses (the `subsetter`
//! crate) and embedded as a CID font with `/W` widths and a ToUnicode map, then
//! the outline, catalog and metadata. Objects are numbered in the order they are
//! written, and the file identifier is a hash of the file, so the same document
//! always gives the same bytes.

use std::collections::BTreeMap;
use std::io::Write as _;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use lopdf::{Dictionary, Object, ObjectId, Stream, StringFormat};
use sha2::{Digest, Sha256};
use subsetter::GlyphRemapper;

use super::PdfError;
use super::content::Content;
use super::fonts::{Face, FontFile, Fonts};
use super::layout::{Document, Glyph, Line, OutlineEntry, PAGE_HEIGHT, PAGE_WIDTH, Page};
use super::subset_cache::{CachedSubset, SubsetCache};
use crate::model::{Lang, Meta};

const PRODUCER: &str = "nianbao (lopdf 0.44.0, subsetter 0.2)";

/// The page's width as the `/MediaBox` gives it: the layout's A4 width rounded to a
/// thousandth of a point (595.276), as this writer has always written it, so that
/// files stay byte-identical to earlier builds. The height is written in full.
const MEDIA_WIDTH: f32 = (PAGE_WIDTH * 1000.0).round() / 1000.0;

/// zlib level for every stream. Measured on this report (zlib-rs): level 2 costs
/// 80 M fewer instructions than the default 6 for files 2 % larger; level 1
/// saves 65 M more but makes the Chinese PDF 20 % larger.
const DEFLATE_LEVEL: u32 = 2;

pub fn write(doc: &Document, meta: &Meta, lang: Lang, fonts: &Fonts) -> Result<Vec<u8>, PdfError> {
    let mut lo = lopdf::Document::with_version("1.7");
    let pages_id = lo.new_object_id();
    let mut deflater = Deflater::new();

    let embedded = embed_fonts(&mut lo, &mut deflater, doc, fonts)?;
    let resources = lo.add_object(Dictionary::from_iter(vec![(
        "Font",
        Object::Dictionary(Dictionary::from_iter(
            embedded
                .values()
                .map(|font| (font.resource.as_str(), Object::Reference(font.id))),
        )),
    )]));

    let page_ids: Vec<ObjectId> = doc
        .pages
        .iter()
        .map(|page| {
            let contents =
                lo.add_object(deflater.stream(Dictionary::new(), &page_content(page, &embedded)));
            lo.add_object(Dictionary::from_iter(vec![
                ("Type", Object::Name(b"Page".to_vec())),
                ("Parent", Object::Reference(pages_id)),
                (
                    "MediaBox",
                    Object::Array(vec![
                        0.into(),
                        0.into(),
                        Object::Real(MEDIA_WIDTH),
                        Object::Real(PAGE_HEIGHT),
                    ]),
                ),
                ("Resources", Object::Reference(resources)),
                ("Contents", Object::Reference(contents)),
            ]))
        })
        .collect();
    lo.objects.insert(
        pages_id,
        Object::Dictionary(Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Pages".to_vec())),
            ("Count", Object::Integer(page_ids.len() as i64)),
            (
                "Kids",
                Object::Array(page_ids.iter().map(|&id| Object::Reference(id)).collect()),
            ),
        ])),
    );

    let outline = write_outline(&mut lo, &doc.outline, &page_ids);
    let mut catalog = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Catalog".to_vec())),
        ("Pages", Object::Reference(pages_id)),
        ("Lang", Object::string_literal(lang.tag())),
        (
            "ViewerPreferences",
            Object::Dictionary(Dictionary::from_iter(vec![(
                "DisplayDocTitle",
                Object::Boolean(true),
            )])),
        ),
    ]);
    match outline {
        Some(id) => {
            catalog.set("Outlines", Object::Reference(id));
            catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
        }
        None => catalog.set("PageMode", Object::Name(b"UseNone".to_vec())),
    }
    let catalog_id = lo.add_object(catalog);
    lo.trailer.set("Root", Object::Reference(catalog_id));
    let info_id = lo.add_object(info(meta));
    lo.trailer.set("Info", Object::Reference(info_id));
    save_with_id(&mut lo)
}

/// A face as the pages refer to it.
struct EmbeddedFont {
    /// The `/Type0` font object.
    id: ObjectId,
    /// Its name in the pages' resources (`F1`, `F2`, …).
    resource: String,
    /// Original glyph id → glyph code in the subset (which is also its CID).
    codes: GlyphRemapper,
    /// Advance of each code, in thousandths of an em, as `/W` gives it: the
    /// content stream positions glyphs against these very numbers.
    widths: BTreeMap<u16, i64>,
}

/// Subsets and embeds every face the document uses, in `Face` order.
fn embed_fonts(
    lo: &mut lopdf::Document,
    deflater: &mut Deflater,
    doc: &Document,
    fonts: &Fonts,
) -> Result<BTreeMap<Face, EmbeddedFont>, PdfError> {
    // Original glyph id → the character it shows, per face.
    let mut used: BTreeMap<Face, BTreeMap<u16, char>> = BTreeMap::new();
    for glyph in doc
        .pages
        .iter()
        .flat_map(|p| &p.lines)
        .flat_map(|l| &l.glyphs)
    {
        used.entry(glyph.face)
            .or_default()
            .entry(glyph.gid)
            .or_insert(glyph.ch);
    }
    // Subsetting and compressing the font files is most of the work of a PDF, and
    // the faces are independent: one thread each.
    let programs: Vec<Result<FontProgram, PdfError>> = std::thread::scope(|scope| {
        let tasks: Vec<_> = used
            .iter()
            .map(|(&face, glyphs)| {
                let file = fonts.file(face);
                scope.spawn(move || font_program(file, glyphs, fonts.subset_cache()))
            })
            .collect();
        tasks
            .into_iter()
            .map(|t| {
                t.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut embedded = BTreeMap::new();
    for (n, ((face, glyphs), program)) in used.into_iter().zip(programs).enumerate() {
        let font = embed_font(
            lo,
            deflater,
            face,
            fonts.file(face),
            &glyphs,
            program?,
            format!("F{}", n + 1),
        )?;
        embedded.insert(face, font);
    }
    Ok(embedded)
}

/// A face's font file cut down to the glyphs used, compressed, ready to embed.
struct FontProgram {
    /// Original glyph id → glyph code (and CID) in the subset.
    codes: GlyphRemapper,
    /// `FontFile3` with bare CFF outlines, or `FontFile2` with TrueType ones.
    stream: Stream,
    cff: bool,
}

fn font_program(
    file: &FontFile,
    glyphs: &BTreeMap<u16, char>,
    cache: &SubsetCache,
) -> Result<FontProgram, PdfError> {
    let mut codes = GlyphRemapper::new();
    for &gid in glyphs.keys() {
        codes.remap(gid);
    }
    let cff = file.is_cff();
    let key = SubsetCache::key(file.identity(), glyphs.keys().copied());
    let subset = match cache.get(&key) {
        Some(subset) => subset,
        None => {
            let subset = subset_font(file, &codes, cff)?;
            cache.put(&key, &subset);
            subset
        }
    };
    let dict = if cff {
        Dictionary::from_iter(vec![("Subtype", Object::Name(b"CIDFontType0C".to_vec()))])
    } else {
        Dictionary::from_iter(vec![("Length1", Object::Integer(subset.raw_len as i64))])
    };
    Ok(FontProgram {
        codes,
        stream: compressed_stream(dict, subset.compressed),
        cff,
    })
}

/// The font program of `file` cut down to the glyphs of `codes`, compressed.
fn subset_font(
    file: &FontFile,
    codes: &GlyphRemapper,
    cff: bool,
) -> Result<CachedSubset, PdfError> {
    let error = |message: String| PdfError::Font {
        path: file.path().to_path_buf(),
        message,
    };
    let subset = subsetter::subset(file.bytes(), 0, codes)
        .map_err(|e| error(format!("cannot subset: {e}")))?;
    let program = if cff {
        // The subsetter returns an OpenType wrapper: the PDF embeds its bare CFF.
        ttf_parser::RawFace::parse(&subset, 0)
            .ok()
            .and_then(|raw| raw.table(ttf_parser::Tag::from_bytes(b"CFF ")))
            .ok_or_else(|| error("the subset has no CFF table".to_string()))?
    } else {
        &subset
    };
    Ok(CachedSubset {
        raw_len: program.len() as u64,
        compressed: Deflater::new().compress(program),
    })
}

/// One face as a Type0 font over a CIDFont, with its subset `program`.
fn embed_font(
    lo: &mut lopdf::Document,
    deflater: &mut Deflater,
    face: Face,
    file: &FontFile,
    glyphs: &BTreeMap<u16, char>,
    program: FontProgram,
    resource: String,
) -> Result<EmbeddedFont, PdfError> {
    let FontProgram { codes, stream, cff } = program;
    let metrics = file.descriptor_metrics();
    let widths: BTreeMap<u16, i64> = glyphs
        .keys()
        .map(|&gid| {
            let code = codes.get(gid).expect("every used glyph was remapped");
            (code, (file.advance(gid) * 1000.0).round() as i64)
        })
        .collect();

    // ISO 32000 wants the subset tag to change when the subset does: derive it
    // from the face and the characters it sets.
    let mut hash = Sha256::new();
    hash.update(face.file_name().as_bytes());
    hash.update(glyphs.values().collect::<String>().as_bytes());
    let tag: String = hash
        .finalize()
        .iter()
        .take(6)
        .map(|b| char::from(b'A' + b % 26))
        .collect();
    let postscript = file.postscript_name().unwrap_or_else(|| {
        face.file_name()
            .trim_end_matches(".ttf")
            .trim_end_matches(".otf")
            .to_string()
    });
    let base_font = Object::Name(format!("{tag}+{postscript}").into_bytes());

    let (subtype, font_file) = if cff {
        ("CIDFontType0", ("FontFile3", lo.add_object(stream)))
    } else {
        ("CIDFontType2", ("FontFile2", lo.add_object(stream)))
    };

    // Flags: symbolic (4: the glyphs are outside the standard Latin set), plus
    // serif (2) and italic (64) where they apply.
    let mut flags = 4;
    if face != Face::Hei {
        flags |= 2;
    }
    if metrics.italic_angle != 0.0 {
        flags |= 64;
    }
    let descriptor = lo.add_object(Dictionary::from_iter(vec![
        ("Type", Object::Name(b"FontDescriptor".to_vec())),
        ("FontName", base_font.clone()),
        ("Flags", Object::Integer(flags)),
        (
            "FontBBox",
            Object::Array(metrics.bbox.iter().map(|&v| Object::Integer(v)).collect()),
        ),
        ("ItalicAngle", Object::Real(metrics.italic_angle)),
        ("Ascent", Object::Integer(metrics.ascent)),
        ("Descent", Object::Integer(metrics.descent)),
        ("CapHeight", Object::Integer(metrics.cap_height)),
        ("StemV", Object::Integer(80)),
        (font_file.0, Object::Reference(font_file.1)),
    ]));

    let mut cid_font = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Font".to_vec())),
        ("Subtype", Object::Name(subtype.as_bytes().to_vec())),
        ("BaseFont", base_font.clone()),
        (
            "CIDSystemInfo",
            Object::Dictionary(Dictionary::from_iter(vec![
                ("Registry", Object::string_literal("Adobe")),
                ("Ordering", Object::string_literal("Identity")),
                ("Supplement", Object::Integer(0)),
            ])),
        ),
        ("FontDescriptor", Object::Reference(descriptor)),
        ("W", width_array(&widths)),
    ]);
    if !cff {
        cid_font.set("CIDToGIDMap", Object::Name(b"Identity".to_vec()));
    }
    let cid_font = lo.add_object(cid_font);

    let to_unicode =
        lo.add_object(deflater.stream(
            Dictionary::new(),
            &to_unicode_cmap(
                glyphs.iter().map(|(&gid, &ch)| {
                    (codes.get(gid).expect("every used glyph was remapped"), ch)
                }),
            ),
        ));
    let id = lo.add_object(Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Font".to_vec())),
        ("Subtype", Object::Name(b"Type0".to_vec())),
        ("BaseFont", base_font),
        ("Encoding", Object::Name(b"Identity-H".to_vec())),
        (
            "DescendantFonts",
            Object::Array(vec![Object::Reference(cid_font)]),
        ),
        ("ToUnicode", Object::Reference(to_unicode)),
    ]));
    Ok(EmbeddedFont {
        id,
        resource,
        codes,
        widths,
    })
}

/// `/W` as runs of consecutive codes: `[first [w w w] first [w] …]`.
fn width_array(widths: &BTreeMap<u16, i64>) -> Object {
    let mut array = Vec::new();
    let mut run: Vec<Object> = Vec::new();
    let mut start = None;
    let mut previous = None;
    for (&code, &width) in widths {
        if previous.is_none_or(|p: u16| p + 1 != code) {
            if let Some(first) = start {
                array.push(Object::Integer(i64::from(first)));
                array.push(Object::Array(std::mem::take(&mut run)));
            }
            start = Some(code);
        }
        run.push(Object::Integer(width));
        previous = Some(code);
    }
    if let Some(first) = start {
        array.push(Object::Integer(i64::from(first)));
        array.push(Object::Array(run));
    }
    Object::Array(array)
}

/// The CMap that lets readers copy and search the text: code → character.
fn to_unicode_cmap(codes: impl Iterator<Item = (u16, char)>) -> Vec<u8> {
    let mut entries: Vec<(u16, char)> = codes.collect();
    entries.sort_unstable();
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    // At most 100 entries per block, as the CMap format requires.
    for block in entries.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", block.len()));
        for &(code, ch) in block {
            let mut units = [0u16; 2];
            let utf16: String = ch
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            cmap.push_str(&format!("<{code:04X}> <{utf16}>\n"));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap.into_bytes()
}

/// The page's drawings, rules and text. Glyphs are placed where layout put them:
/// each run of one face and size on a line is one `TJ`, whose adjustments are
/// the differences between the layout's positions and the `/W` advances.
fn page_content(page: &Page, fonts: &BTreeMap<Face, EmbeddedFont>) -> Vec<u8> {
    let mut out = Content::new();
    for drawing in &page.drawings {
        super::chart::draw(drawing, &mut out);
    }
    if !page.rules.is_empty() {
        out.save();
        out.stroke_grey(0.0);
        for rule in &page.rules {
            out.line_width(rule.width);
            out.move_to(rule.x1, PAGE_HEIGHT - rule.y1);
            out.line_to(rule.x2, PAGE_HEIGHT - rule.y2);
            out.stroke();
        }
        out.restore();
    }
    out.begin_text();
    let mut current = None;
    for line in &page.lines {
        for run in line
            .glyphs
            .chunk_by(|a, b| a.face == b.face && a.size == b.size && a.rise == b.rise)
        {
            let (face, size) = (run[0].face, run[0].size);
            let font = &fonts[&face];
            if current != Some((face, size)) {
                out.font(&font.resource, size);
                current = Some((face, size));
            }
            text_run(line, run, font, &mut out);
        }
    }
    out.end_text();
    out.into_bytes()
}

fn text_run(line: &Line, run: &[Glyph], font: &EmbeddedFont, out: &mut Content) {
    out.text_origin(run[0].x, PAGE_HEIGHT - line.baseline + run[0].rise);
    let size = run[0].size;
    let glyphs = run.iter().enumerate().map(|(i, glyph)| {
        let code = font
            .codes
            .get(glyph.gid)
            .expect("every used glyph was remapped");
        let adjust = match run.get(i + 1) {
            Some(next) => {
                let advance = font.widths[&code] as f32 * size / 1000.0;
                -(next.x - (glyph.x + advance)) * 1000.0 / size
            }
            None => 0.0,
        };
        (code, adjust)
    });
    out.show_glyphs(glyphs);
}

/// Compresses streams with one zlib state for the whole file: setting one up
/// clears some 300 KB of tables, which would cost more than the page it packs.
struct Deflater {
    encoder: ZlibEncoder<Vec<u8>>,
}

impl Deflater {
    fn new() -> Deflater {
        Deflater {
            encoder: ZlibEncoder::new(Vec::new(), Compression::new(DEFLATE_LEVEL)),
        }
    }

    /// `content`, zlib-compressed.
    fn compress(&mut self, content: &[u8]) -> Vec<u8> {
        // Room for a compressed copy of half the size, to grow the buffer rarely.
        self.encoder.get_mut().reserve(content.len() / 2);
        self.encoder
            .write_all(content)
            .and_then(|()| self.encoder.try_finish())
            .and_then(|()| self.encoder.reset(Vec::new()))
            .expect("compressing into memory cannot fail")
    }

    /// A stream of `content`, compressed, under `dict` (plus its `/Filter`).
    fn stream(&mut self, dict: Dictionary, content: &[u8]) -> Stream {
        compressed_stream(dict, self.compress(content))
    }
}

/// A stream of zlib-compressed bytes.
fn compressed_stream(mut dict: Dictionary, compressed: Vec<u8>) -> Stream {
    dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
    let mut stream = Stream::new(dict, compressed);
    stream.allows_compression = false;
    stream
}

/// Title, author and dates; never the clock.
fn info(meta: &Meta) -> Dictionary {
    let mut info = Dictionary::new();
    info.set("Title", lopdf::text_string(&meta.title));
    info.set("Author", lopdf::text_string(&meta.court));
    info.set("Creator", Object::string_literal("nianbao"));
    info.set("Producer", Object::string_literal(PRODUCER));
    if let Some(date) = pdf_date(meta) {
        info.set("CreationDate", Object::string_literal(date.clone()));
        info.set("ModDate", Object::string_literal(date));
    }
    info
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
