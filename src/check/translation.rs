//! Translation tracking: is every block of the source language translated, and is each
//! translation still current?
//!
//! A translated Markdown file mirrors its source block by block, each block preceded by
//! a marker `<!-- zh 1a2b3c4d -->` that holds a hash of the source block it translates.
//! Glossary and case entries carry the same hash in a `zh:` field. Aligning the source
//! blocks' hashes with the markers (a sequence diff, so that an inserted paragraph does
//! not disturb the blocks after it) finds blocks untranslated, translations gone stale
//! because their source changed, and translations whose source was removed.

use std::path::Path;

use sha2::{Digest, Sha256};
use similar::{Algorithm, DiffOp, capture_diff_slices};

use crate::diag::{Diagnostic, Location, Severity};
use crate::script::{self, has_chinese};
use crate::source::{AnnexContent, Edition, Sources};

/// A block of a Markdown file: consecutive non-blank lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Byte offset of the block's first line.
    pub offset: usize,
    /// Hash of the block's text (comments excluded).
    pub hash: String,
    /// In a translation: the hash its marker names.
    pub marker: Option<String>,
    /// Does it still hold Chinese text (a block not yet translated)?
    pub has_chinese: bool,
}

/// Hash of a block's text, as its translation's marker names it: the first 8 hex digits
/// of SHA-256 over the block's lines joined as the renderer joins them (no space beside
/// a Chinese character, one space between Latin words: `script::join`). Re-wrapping a
/// block's lines (`nianbao fmt`) therefore leaves its hash, and its translation, current.
pub fn block_hash<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut joined = String::new();
    for line in lines.into_iter().map(str::trim).filter(|l| !l.is_empty()) {
        if !joined.is_empty() {
            joined.push_str(script::join(&joined, line));
        }
        joined.push_str(line);
    }
    let digest = Sha256::digest(joined.as_bytes());
    digest.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

/// The hash of a glossary or case entry: its two texts as two lines.
pub fn entry_hash(head: &str, body: &str) -> String {
    block_hash([head, body])
}

/// Split Markdown text into blocks, reading translation markers.
pub fn segments(text: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    let mut start = None;
    let mut marker = None;
    let mut offset = 0;
    let mut flush =
        |lines: &mut Vec<&str>, start: &mut Option<usize>, marker: &mut Option<String>| {
            if let Some(offset) = start.take() {
                segments.push(Segment {
                    offset,
                    hash: block_hash(lines.iter().copied()),
                    marker: marker.take(),
                    has_chinese: lines.iter().any(|l| has_chinese(l)),
                });
            }
            lines.clear();
        };
    for line in text.split_inclusive('\n') {
        let line_offset = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() {
            flush(&mut lines, &mut start, &mut marker);
            marker = None;
        } else if let Some(comment) = trimmed
            .strip_prefix("<!--")
            .and_then(|c| c.strip_suffix("-->"))
        {
            if let Some(hash) = comment.trim().strip_prefix("zh ") {
                marker = Some(hash.trim().to_string());
            }
        } else {
            start.get_or_insert(line_offset);
            lines.push(line);
        }
    }
    flush(&mut lines, &mut start, &mut marker);
    segments
}

/// Every untranslated, stale or orphaned block of every translation. `severity` is
/// `Warning` for an ordinary check and `Error` for `check --strict`.
pub fn check(sources: &Sources, severity: Severity) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let Some((source, translations)) = sources.editions.split_first() else {
        return problems;
    };
    for translation in translations {
        let mut tracker = Tracker {
            sources,
            translation,
            severity,
            problems: &mut problems,
        };
        for (source_file, translated_file) in source.sections.iter().zip(&translation.sections) {
            tracker.sections(source_file, translated_file);
        }
        for (source_annex, translated_annex) in source.annexes.iter().zip(&translation.annexes) {
            tracker.entries(&source_annex.content, &translated_annex.content);
        }
    }
    problems
}

struct Tracker<'a> {
    sources: &'a Sources,
    translation: &'a Edition,
    severity: Severity,
    problems: &'a mut Vec<Diagnostic>,
}

impl Tracker<'_> {
    fn problem(&mut self, rule: &'static str, at: Location, message: String, hint: String) {
        let diagnostic = Diagnostic::error(rule, at, message)
            .with_hint(hint)
            .with_severity(self.severity);
        self.problems.push(diagnostic);
    }

    fn sections(&mut self, source_file: &Path, translated_file: &Path) {
        let source = segments(self.sources.text(source_file));
        let translated = segments(self.sources.text(translated_file));
        let source_keys: Vec<&str> = source.iter().map(|s| s.hash.as_str()).collect();
        let translated_keys: Vec<&str> = translated
            .iter()
            .map(|s| s.marker.as_deref().unwrap_or(""))
            .collect();
        let lang = self.translation.lang.code();
        let at_source = |s: &Segment| Location::at(source_file, s.offset);
        let where_translated = |s: &Segment| {
            let line = self.sources.line_index(translated_file).line_of(s.offset);
            format!("{}:{line}", translated_file.display())
        };
        let ops = capture_diff_slices(Algorithm::Myers, &source_keys, &translated_keys);
        for op in ops {
            let (old, new) = (op.old_range(), op.new_range());
            let paired = old.len().min(new.len());
            if let DiffOp::Equal { .. } = op {
                for (s, t) in source[old].iter().zip(&translated[new]) {
                    if t.has_chinese {
                        let message = format!(
                            "this block is not translated yet: its {lang} text ({}) is still Chinese",
                            where_translated(t)
                        );
                        self.problem(
                            "untranslated",
                            at_source(s),
                            message,
                            "translate it; keep its marker line".into(),
                        );
                    }
                }
                continue;
            }
            for (s, t) in source[old.clone()].iter().zip(&translated[new.clone()]) {
                let message = format!(
                    "the {lang} translation of this block ({}) was made for an earlier version of it",
                    where_translated(t)
                );
                let hint = format!(
                    "review the translation against this block, then change its marker to `<!-- zh {} -->`",
                    s.hash
                );
                self.problem("stale-translation", at_source(s), message, hint);
            }
            for s in &source[old.start + paired..old.end] {
                let message = format!("this block has no {lang} translation");
                let hint = format!(
                    "add its translation to {} under a marker line `<!-- zh {} -->`",
                    translated_file.display(),
                    s.hash
                );
                self.problem("untranslated", at_source(s), message, hint);
            }
            for t in &translated[new.start + paired..new.end] {
                let message = format!(
                    "this {lang} block translates no block of {}",
                    source_file.display()
                );
                let hint = "remove it if its source was removed, or correct its marker".to_string();
                self.problem(
                    "orphan-translation",
                    Location::at(translated_file, t.offset),
                    message,
                    hint,
                );
            }
        }
    }

    fn entries(&mut self, source: &AnnexContent, translated: &AnnexContent) {
        let lang = self.translation.lang.code();
        let (source_file, source_entries, translated_file, translated_entries) =
            match (source, translated) {
                (
                    AnnexContent::Glossary {
                        file: sf,
                        entries: se,
                    },
                    AnnexContent::Glossary {
                        file: tf,
                        entries: te,
                    },
                ) => (
                    sf,
                    se.iter()
                        .map(|e| (e.id.as_str(), entry_hash(&e.term, &e.definition)))
                        .collect::<Vec<_>>(),
                    tf,
                    te.iter()
                        .map(|e| {
                            (
                                e.id.as_str(),
                                e.zh.clone(),
                                has_chinese(&e.term) || has_chinese(&e.definition),
                            )
                        })
                        .collect::<Vec<_>>(),
                ),
                (
                    AnnexContent::Cases {
                        file: sf,
                        entries: se,
                    },
                    AnnexContent::Cases {
                        file: tf,
                        entries: te,
                    },
                ) => (
                    sf,
                    se.iter()
                        .map(|e| (e.id.as_str(), entry_hash(&e.title, &e.body)))
                        .collect(),
                    tf,
                    te.iter()
                        .map(|e| {
                            (
                                e.id.as_str(),
                                e.zh.clone(),
                                has_chinese(&e.title) || has_chinese(&e.body),
                            )
                        })
                        .collect(),
                ),
                _ => return,
            };
        // Where the `index`th entry of `file` has its `id:`.
        let locate = |file: &Path, index: usize| {
            self.sources
                .yaml_location(file, &[&index.to_string(), "id"])
        };
        for (index, (id, hash)) in source_entries.iter().enumerate() {
            let at = locate(source_file, index);
            match translated_entries.iter().find(|(t, ..)| t == id) {
                None => {
                    let message = format!("entry `{id}` has no {lang} translation");
                    let hint = format!(
                        "add `- id: {id}` with `zh: {hash}` to {}",
                        translated_file.display()
                    );
                    self.problem("untranslated", at, message, hint);
                }
                Some((_, _, true)) => {
                    let message = format!(
                        "entry `{id}` is not translated yet: its {lang} text is still Chinese"
                    );
                    self.problem("untranslated", at, message, "translate it".into());
                }
                Some((_, marker, _)) if marker.as_deref() != Some(hash.as_str()) => {
                    let message = format!(
                        "the {lang} translation of entry `{id}` was made for an earlier version of it"
                    );
                    let hint = format!(
                        "review the translation, then set its `zh:` to `{hash}` in {}",
                        translated_file.display()
                    );
                    self.problem("stale-translation", at, message, hint);
                }
                Some(_) => {}
            }
        }
        for (index, (id, ..)) in translated_entries.iter().enumerate() {
            if !source_entries.iter().any(|(s, _)| s == id) {
                let message = format!(
                    "{lang} entry `{id}` translates no entry of {}",
                    source_file.display()
                );
                self.problem(
                    "orphan-translation",
                    locate(translated_file, index),
                    message,
                    "remove it or correct its id".into(),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_carry_their_markers_and_hashes() {
        let text = "<!-- zh 0123abcd -->\n## Heading\n\n<!-- zh 89abcdef -->\n**Lead.**\nRest\n";
        let s = segments(text);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].marker.as_deref(), Some("0123abcd"));
        assert_eq!(s[1].hash, block_hash(["**Lead.**", "Rest"]));
        assert_eq!(s[1].offset, text.find("**Lead").unwrap());
        assert!(!s[1].has_chinese);
        assert!(segments("段落。\n")[0].has_chinese);
        assert!(!has_chinese("the “Fengqiao Experience” — 100%"));
    }

    #[test]
    fn the_hash_follows_the_rendered_text_not_the_line_breaks() {
        assert_eq!(block_hash(["  a ", "b"]), block_hash(["a b"]));
        assert_eq!(
            block_hash(["段落。", "下一句。"]),
            block_hash(["段落。下一句。"])
        );
        assert_ne!(block_hash(["段落。"]), block_hash(["段落！"]));
        assert_eq!(block_hash(["a"]).len(), 8);
    }
}
