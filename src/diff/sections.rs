//! Section files and their blocks, compared: files matched by name, blocks aligned by a
//! sequence diff and a changed block diffed inline.

use similar::{Algorithm, DiffTag, capture_diff_slices};

use super::text::{self, Mark, Segment};
use super::{BlockDiff, SectionDiff, Status, path_name};
use crate::model::{Block, Report, SourceSpan, Table, plain_text};
use crate::source::Sources;

/// The kind and the text of a body block, as compared.
fn block_text(block: &Block) -> (&'static str, String) {
    match block {
        Block::Heading(h) => ("heading", plain_text(&h.content)),
        Block::Paragraph(p) => {
            let lead = p.lead.as_deref().map(plain_text).unwrap_or_default();
            ("paragraph", lead + &plain_text(&p.content))
        }
        Block::List(l) => (
            "list",
            l.items
                .iter()
                .map(|i| plain_text(i))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Block::Table(t) => ("table", table_text(t)),
        Block::Figure(f) => ("figure", f.caption.clone()),
        // A chart's numbers are compared as data; its words are its title and description.
        Block::Chart(c) => ("chart", format!("{}\n{}", c.title, c.desc)),
        Block::Glossary(_) => ("glossary", String::new()),
        Block::Cases(_) => ("cases", String::new()),
        Block::Notes(notes) => (
            "notes",
            notes
                .iter()
                .map(|n| plain_text(&n.content))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    }
}

/// A block of the body with the line it starts on.
type Lined = (Block, usize);

fn table_text(t: &Table) -> String {
    std::iter::once(&t.header)
        .chain(&t.rows)
        .map(|row| {
            row.iter()
                .map(|c| c.text.as_str())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Sections matched by file name, in the new order; removed ones where they stood.
pub(super) fn sections(
    (old_files, old_sources, old): (&[String], &Sources, &Report),
    (new_files, new_sources, new): (&[String], &Sources, &Report),
) -> Vec<SectionDiff> {
    let blocks_of = |report: &Report, file: &str| -> Vec<Lined> {
        let sources = if std::ptr::eq(report, old) {
            old_sources
        } else {
            new_sources
        };
        report
            .body
            .iter()
            .filter_map(|b| {
                let span = body_span(b)?;
                (path_name(&span.file) == file).then(|| {
                    let line = sources.line_index(&span.file).line_of(span.range.start);
                    (b.clone(), line)
                })
            })
            .collect()
    };
    let whole = |report: &Report, file: &str, mark: Mark| -> Vec<BlockDiff> {
        blocks_diff(&[], &blocks_of(report, file))
            .into_iter()
            .map(|mut b| {
                for s in &mut b.segments {
                    s.mark = mark;
                }
                b
            })
            .collect()
    };
    let mut result = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, old_files, new_files) {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            for (file, _) in new_files[new_range].iter().zip(old_range) {
                let blocks = blocks_diff(&blocks_of(old, file), &blocks_of(new, file));
                result.push(SectionDiff {
                    file: file.clone(),
                    status: Status::Kept,
                    blocks,
                });
            }
            continue;
        }
        for i in old_range {
            let file = &old_files[i];
            if !new_files.contains(file) {
                result.push(SectionDiff {
                    file: file.clone(),
                    status: Status::Removed,
                    blocks: whole(old, file, Mark::Deleted),
                });
            }
        }
        for i in new_range {
            let file = &new_files[i];
            match old_files.iter().position(|f| f == file) {
                Some(from) => result.push(SectionDiff {
                    file: file.clone(),
                    status: Status::Moved {
                        from: from + 1,
                        to: i + 1,
                    },
                    blocks: blocks_diff(&blocks_of(old, file), &blocks_of(new, file)),
                }),
                None => result.push(SectionDiff {
                    file: file.clone(),
                    status: Status::Added,
                    blocks: whole(new, file, Mark::Inserted),
                }),
            }
        }
    }
    result.retain(|s| s.status != Status::Kept || !s.blocks.is_empty());
    result
}

fn body_span(block: &Block) -> Option<&SourceSpan> {
    match block {
        Block::Heading(h) => Some(&h.span),
        Block::Paragraph(p) => Some(&p.span),
        Block::List(l) => Some(&l.span),
        Block::Table(t) => Some(&t.span),
        _ => None,
    }
}

/// Blocks aligned by a sequence diff on their text; a replaced block that still
/// resembles its counterpart is diffed inline, otherwise it is removed and added.
fn blocks_diff(old: &[Lined], new: &[Lined]) -> Vec<BlockDiff> {
    let old_keys: Vec<(&str, String)> = old.iter().map(|(b, _)| block_text(b)).collect();
    let new_keys: Vec<(&str, String)> = new.iter().map(|(b, _)| block_text(b)).collect();
    let heading_before = |blocks: &[Lined], i: usize| {
        blocks[..i].iter().rev().find_map(|(b, _)| match b {
            Block::Heading(h) => Some(plain_text(&h.content)),
            _ => None,
        })
    };
    let mut result = Vec::new();
    let removed = |i: usize| BlockDiff {
        kind: old_keys[i].0,
        line: old[i].1,
        under: heading_before(old, i),
        segments: vec![Segment {
            mark: Mark::Deleted,
            text: old_keys[i].1.clone(),
        }],
    };
    let added = |j: usize| BlockDiff {
        kind: new_keys[j].0,
        line: new[j].1,
        under: heading_before(new, j),
        segments: vec![Segment {
            mark: Mark::Inserted,
            text: new_keys[j].1.clone(),
        }],
    };
    for op in capture_diff_slices(Algorithm::Myers, &old_keys, &new_keys) {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => {}
            DiffTag::Delete => result.extend(old_range.map(removed)),
            DiffTag::Insert => result.extend(new_range.map(added)),
            DiffTag::Replace => {
                let pairs = old_range.len().min(new_range.len());
                for k in 0..pairs.max(old_range.len()).max(new_range.len()) {
                    let (i, j) = (old_range.start + k, new_range.start + k);
                    if k < pairs && old_keys[i].0 == new_keys[j].0 {
                        let segments = text::diff(&old_keys[i].1, &new_keys[j].1);
                        if similarity(&segments) >= 0.4 {
                            result.push(BlockDiff {
                                kind: new_keys[j].0,
                                line: new[j].1,
                                under: heading_before(new, j),
                                segments,
                            });
                            continue;
                        }
                    }
                    if i < old_range.end {
                        result.push(removed(i));
                    }
                    if j < new_range.end {
                        result.push(added(j));
                    }
                }
            }
        }
    }
    result
}

/// Share of the characters that stayed.
fn similarity(segments: &[Segment]) -> f64 {
    let count = |m: Mark| -> usize {
        segments
            .iter()
            .filter(|s| s.mark == m)
            .map(|s| s.text.chars().count())
            .sum()
    };
    let same = count(Mark::Same);
    let longest = (same + count(Mark::Deleted)).max(same + count(Mark::Inserted));
    if longest == 0 {
        1.0
    } else {
        same as f64 / longest as f64
    }
}
