//! `nianbao fmt`: Markdown prose rewritten to one sentence per line, so that `git diff`
//! shows the sentence that changed. The output of the report does not change.
//!
//! Why that holds: a line break in a paragraph renders as `script::soft_break` says,
//! the one rule every stage follows: nothing next to a full-width character, one space
//! between Latin characters, quotes and dashes counting as what stands beyond them. So
//! - a Chinese sentence ends after 。！？； (and the closing quotes and brackets that
//!   follow): a break there stands next to a full-width character and renders as nothing;
//! - an English sentence ends after . ! ? followed by one space and a capital or digit,
//!   and a clause after `;` and one space (as Chinese splits at `；`): the break
//!   replaces that space and renders as a space.
//!
//! Lines of a paragraph are first joined where the join is equally invisible, so that a
//! sentence written across lines ends up on one; a line ending a sentence or a clause
//! is never joined to the next. Nothing is split or joined inside
//! `{{ … }}`, `{% … %}`, `[…](…)`, `**…**`, `*…*`, `` `…` ``, `<…>` or quotes, nor
//! next to them where the rendered character is unknown; headings, lists, comments,
//! code and indented lines are left exactly as they are. Running `fmt` twice changes
//! nothing the second time.

use std::path::{Path, PathBuf};

use crate::atomic::FileError;
use crate::script::{self, CJK_SENTENCE_ENDS, LATIN_CLAUSE_ENDS, LATIN_SENTENCE_ENDS};
use crate::source::files::prose_files;

/// Rewrite every Markdown file in the report's subfolders; returns the files changed.
/// Every new text is staged beside its file first, and the files are replaced only
/// when all are staged: a failure (a full disk, a file-size limit, a read-only file)
/// changes no file and names the one that failed.
pub fn fmt(report_dir: &Path) -> Result<Vec<PathBuf>, FileError> {
    let mut changed = Vec::new();
    let mut batch = crate::atomic::Batch::default();
    for (file, text) in prose(report_dir)? {
        let formatted = one_sentence_per_line(&text);
        if formatted != text {
            batch.add(&report_dir.join(&file), formatted.as_bytes())?;
            changed.push(file);
        }
    }
    batch.commit()?;
    Ok(changed)
}

/// The files `fmt` would change, changing nothing.
pub fn unformatted(report_dir: &Path) -> Result<Vec<PathBuf>, FileError> {
    Ok(prose(report_dir)?
        .into_iter()
        .filter(|(_, text)| one_sentence_per_line(text) != *text)
        .map(|(file, _)| file)
        .collect())
}

/// Every prose file with its text; only regular files are read.
fn prose(report_dir: &Path) -> Result<Vec<(PathBuf, String)>, FileError> {
    let files = prose_files(report_dir).map_err(|e| FileError::reading(report_dir, e))?;
    files
        .into_iter()
        .map(|file| {
            let path = report_dir.join(&file);
            let bytes = crate::source::read_regular_file(&path, crate::source::MAX_FILE_BYTES + 1)
                .map_err(|e| FileError::reading(&path, e))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                let invalid =
                    std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text");
                FileError::reading(&path, invalid)
            })?;
            Ok((file, text))
        })
        .collect()
}

/// The text with every prose paragraph at one sentence per line.
pub fn one_sentence_per_line(text: &str) -> String {
    // Windows line ends are rare here and would need care at every join: leave such files.
    if text.contains('\r') {
        return text.to_string();
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        // Blocks whose lines are never touched, from their first line to their last.
        if let Some(end) = opaque_block_end(&lines, i) {
            flush(&mut run, &mut out);
            out.extend(lines[i..=end].iter().map(|l| l.to_string()));
            i = end + 1;
            continue;
        }
        let next_is_underline = lines.get(i + 1).is_some_and(|l| is_setext_underline(l));
        if is_prose(line) && !next_is_underline {
            run.push(line);
        } else {
            // A setext heading's text stays as it is, with the rest of its paragraph.
            if next_is_underline {
                out.extend(run.drain(..).map(str::to_string));
            }
            flush(&mut run, &mut out);
            out.push(line.to_string());
        }
        i += 1;
    }
    flush(&mut run, &mut out);
    let mut result = out.join("\n");
    if text.ends_with('\n') {
        result.push('\n');
    }
    result
}

/// Join a run of prose lines where the join is invisible, then split into sentences.
fn flush(run: &mut Vec<&str>, out: &mut Vec<String>) {
    if run.is_empty() {
        return;
    }
    let mut joined: Vec<String> = Vec::new();
    for line in run.iter() {
        match joined.last_mut() {
            Some(last) if let Some(glue) = join_glue(last, line) => {
                last.push_str(glue);
                last.push_str(line);
            }
            _ => joined.push(line.to_string()),
        }
    }
    let formatted: Vec<String> = joined.iter().flat_map(|l| split_sentences(l)).collect();
    // The rules above follow the renderer's; Markdown's emphasis rules (a `**` before
    // a letter closes only after a letter) are not all among them. A paragraph whose
    // text would change anyway is left as it was.
    let original = run.join("\n");
    if formatted.join("\n") == original || renders_the_same(&original, &formatted.join("\n")) {
        out.extend(formatted);
    } else {
        out.extend(run.iter().map(|l| l.to_string()));
    }
    run.clear();
}

/// Do two versions of a paragraph become the same blocks?
fn renders_the_same(a: &str, b: &str) -> bool {
    let text = |source: &str| -> Vec<String> {
        let (blocks, _) = crate::resolve::prose(Path::new(""), source);
        blocks.iter().map(crate::model::block_text).collect()
    };
    text(a) == text(b)
}

/// What replaces the line break between `a` and `b` so that the paragraph renders the
/// same, or `None` when that is not certain.
fn join_glue(a: &str, b: &str) -> Option<&'static str> {
    let (Some(last), Some(first)) = (a.chars().last(), b.chars().next()) else {
        return None;
    };
    // Markup or templates at the break, or between it and the character that decides
    // it: the character the renderer sees is elsewhere.
    let open_template = a.matches("{{").count() != a.matches("}}").count()
        || a.matches("{%").count() != a.matches("%}").count();
    if !is_plain(last) || !is_plain(first) || open_template || ends_sentence(a) {
        return None;
    }
    let before = script::last_decisive(a).filter(|&c| is_plain(c))?;
    let after = script::first_decisive(b).filter(|&c| is_plain(c))?;
    Some(script::soft_break(Some(before), Some(after)))
}

/// A character that is text, not Markdown or template syntax.
fn is_plain(c: char) -> bool {
    !c.is_whitespace() && !"*_[]()<>{}`\\!~|#&".contains(c)
}

fn is_stop(c: char) -> bool {
    CJK_SENTENCE_ENDS.contains(c)
        || LATIN_SENTENCE_ENDS.contains(c)
        || LATIN_CLAUSE_ENDS.contains(c)
}

/// A line already ending a sentence stays a line of its own.
fn ends_sentence(line: &str) -> bool {
    let trimmed = line.trim_end_matches(|c| script::TRAILING.contains(c));
    trimmed.ends_with(is_stop)
}
/// Words that end with a full stop without ending the sentence.
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "No", "Nos", "St", "vs", "etc", "e.g", "i.e", "Art", "Para",
];

/// One logical line → its sentences.
fn split_sentences(line: &str) -> Vec<String> {
    let mut sentences = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    let mut i = 0;
    while i < line.len() {
        let rest = &line[i..];
        // Constructs that are skipped whole; a sentence may end right after `**…。**`.
        if let Some(len) = protected_len(rest) {
            let inner = &rest[..len];
            i += len;
            let text = inner.trim_end_matches('*');
            // Stops and closers right after it belong to the sentence: it ends after them.
            let stop_follows =
                line[i..].starts_with(|c| is_stop(c) || script::TRAILING.contains(c));
            if depth == 0 && !stop_follows && inner.starts_with("**") && ends_sentence(text) {
                // The renderer sees the last character inside the `**…**`.
                let stop = text.trim_end_matches(|c| script::TRAILING.contains(c));
                let stop = stop.chars().last().unwrap_or('*');
                let before = script::last_decisive(text).filter(|&c| is_plain(c) || is_stop(c));
                if let Some((cut, next)) = split_point(line, i, stop, before) {
                    sentences.push(line[start..cut].to_string());
                    start = next;
                    i = next;
                }
            }
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        i += c.len_utf8();
        if script::OPENERS.contains(c) {
            depth += 1;
        } else if script::CLOSERS.contains(c) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && is_stop(c) {
            if c == '.' && is_abbreviation(&line[..i - 1]) {
                continue;
            }
            i = absorb_closers(line, i);
            // The stop itself is text, `!` included.
            let before =
                script::last_decisive(&line[start..i]).filter(|&c| is_plain(c) || is_stop(c));
            if let Some((cut, next)) = split_point(line, i, c, before) {
                sentences.push(line[start..cut].to_string());
                start = next;
                i = next;
            }
        }
    }
    sentences.push(line[start..].to_string());
    sentences
}

/// After a sentence's last character: the closers and further stops that belong to it.
fn absorb_closers(line: &str, mut i: usize) -> usize {
    while let Some(c) = line[i..].chars().next() {
        if script::TRAILING.contains(c) || is_stop(c) {
            i += c.len_utf8();
        } else {
            break;
        }
    }
    i
}

/// Where to break after a sentence ending at `i` with the stop `stop`, `before` being
/// the character the renderer judges the break by: (end of this line, start of the
/// next), or `None` when a break there could change the output.
fn split_point(line: &str, i: usize, stop: char, before: Option<char>) -> Option<(usize, usize)> {
    let rest = &line[i..];
    let after = rest.chars().next()?;
    // What the renderer sees after the break, when it is plain text.
    let decisive = |text: &str| script::first_decisive(text).filter(|&c| is_plain(c));
    let (cut, next) = if !after.is_whitespace() {
        // Chinese: the break must render as nothing, as the missing space did. Beside a
        // wide character it does, whatever follows.
        let vanishes = match before {
            Some(b) if !script::spaces_a_break(b) => true,
            Some(_) => decisive(rest).is_some_and(|a| !script::spaces_a_break(a)),
            None => false,
        };
        if !vanishes {
            return None;
        }
        (i, i)
    } else if after == ' ' {
        // English: the break renders as the one space it replaces.
        let rest = &line[i + 1..];
        let first = rest.chars().next()?;
        let starts_sentence = first.is_uppercase() || first.is_ascii_digit();
        if script::soft_break(before, decisive(rest)) != " "
            || (!LATIN_CLAUSE_ENDS.contains(stop) && !starts_sentence)
        {
            return None;
        }
        (i, i + 1)
    } else {
        return None;
    };
    (!starts_block(&line[next..])).then_some((cut, next))
}

/// Would a line starting with `text` start a Markdown block instead of continuing the paragraph?
fn starts_block(text: &str) -> bool {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    text.starts_with(|c: char| c.is_whitespace() || "#>-+=|<~`".contains(c))
        || text.starts_with("* ")
        || (digits > 0 && text[digits..].starts_with(['.', ')']))
}

fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    ABBREVIATIONS.contains(&word)
        || (word.len() == 1 && word.chars().all(|c| c.is_ascii_uppercase()))
}

/// Length of a construct at the start of `text` that sentences never split.
fn protected_len(text: &str) -> Option<usize> {
    let to_closing = |open: &str, close: &str| {
        let after = &text[open.len()..];
        Some(open.len() + after.find(close).map_or(after.len(), |e| e + close.len()))
    };
    for (open, close) in [
        ("{{", "}}"),
        ("{%", "%}"),
        ("{#", "#}"),
        ("**", "**"),
        ("`", "`"),
        ("<", ">"),
    ] {
        if text.starts_with(open) {
            return to_closing(open, close);
        }
    }
    if text.starts_with('*') {
        return to_closing("*", "*");
    }
    if text.starts_with('[') {
        let text_end = matching(text, '[', ']')?;
        let rest = &text[text_end..];
        return Some(if rest.starts_with('(') {
            text_end + matching(rest, '(', ')').unwrap_or(rest.len())
        } else {
            text_end
        });
    }
    None
}

/// Length up to and including the bracket that closes the one `text` starts with.
fn matching(text: &str, open: char, close: char) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in text.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return Some(i + c.len_utf8());
            }
        }
    }
    Some(text.len())
}

/// Prose lines are the ones `fmt` may join and split.
fn is_prose(line: &str) -> bool {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    !(line.trim().is_empty()
        || line.starts_with(|c: char| c.is_whitespace() || "#>-+=|<~`".contains(c))
        || line.starts_with("* ")
        || line.starts_with("{%")
        || (line.starts_with('[') && line.contains("]:"))
        || (digits > 0 && line[digits..].starts_with(['.', ')']))
        || line.ends_with("  ")
        || line.ends_with('\\'))
}

fn is_setext_underline(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && (t.chars().all(|c| c == '=') || t.chars().all(|c| c == '-'))
}

/// The last line of a fenced code block or an HTML comment starting at line `i`.
fn opaque_block_end(lines: &[&str], i: usize) -> Option<usize> {
    let line = lines[i].trim_start();
    let close = if line.starts_with("```") {
        "```"
    } else if line.starts_with("~~~") {
        "~~~"
    } else if line.starts_with("<!--") {
        if line.contains("-->") {
            return Some(i);
        }
        "-->"
    } else {
        return None;
    };
    let found = lines[i + 1..]
        .iter()
        .position(|l| l.contains(close))
        .map_or(lines.len() - 1, |p| i + 1 + p);
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_splits_after_stops_keeping_closing_quotes_and_templates() {
        let text = "甲。乙“丙。”丁{{ a | percent(digits=1) }}；戊！\n己\n";
        assert_eq!(
            one_sentence_per_line(text),
            "甲。\n乙“丙。”丁{{ a | percent(digits=1) }}；\n戊！\n己\n"
        );
    }

    #[test]
    fn lines_of_a_sentence_are_joined() {
        assert_eq!(
            one_sentence_per_line("甲乙\n丙。丁。\n"),
            "甲乙丙。\n丁。\n"
        );
        assert_eq!(
            one_sentence_per_line("Cases were\nreceived. Then Mr. Li\nsaid e.g. that.\n"),
            "Cases were received.\nThen Mr. Li said e.g. that.\n"
        );
    }

    #[test]
    fn lead_ins_links_headings_and_comments_stay_whole() {
        let text = "<!-- a. B. -->\n# 标题。甲。 { #x }\n\n**坚决。**“防范”。见[甲。乙](term:x)。\n- 项。项。\n";
        assert_eq!(
            one_sentence_per_line(text),
            "<!-- a. B. -->\n# 标题。甲。 { #x }\n\n**坚决。**\n“防范”。\n见[甲。乙](term:x)。\n- 项。项。\n"
        );
        // `**坚决。**防范` is no lead-in for Markdown (a `**` after a stop and before a
        // letter closes nothing): splitting it would make one, so it stays.
        let literal = "**坚决。**防范。\n";
        assert_eq!(one_sentence_per_line(literal), literal);
    }

    #[test]
    fn nothing_is_split_where_the_break_could_show() {
        // A space after 。 would be lost; a wide character after ". " would lose its space;
        // "1. " would start a list.
        for text in ["甲。 乙", "Done. 中文", "In 2023. 1. first", "a.b"] {
            assert_eq!(split_sentences(text), vec![text.to_string()], "{text}");
        }
    }

    #[test]
    fn english_keeps_one_clause_per_line() {
        let text = "Throughout the year, the Court received 100,344 cases, up 10.2% year on year;\nclosed 105,890 cases, up 16.3%;\nand had 26,025 pending; the ratio rose. Then it\nended.\n";
        assert_eq!(
            one_sentence_per_line(text),
            "Throughout the year, the Court received 100,344 cases, up 10.2% year on year;\nclosed 105,890 cases, up 16.3%;\nand had 26,025 pending;\nthe ratio rose.\nThen it ended.\n"
        );
    }

    #[test]
    fn a_quote_at_a_join_keeps_the_space_beyond_it() {
        // The bug of issue 18: the join counted `”` as Chinese and dropped the space.
        assert_eq!(
            one_sentence_per_line("It ran a “probe”\nand moved on.\n"),
            "It ran a “probe” and moved on.\n"
        );
        assert_eq!(one_sentence_per_line("“体”\n工作。\n"), "“体”工作。\n");
    }

    #[test]
    fn formatting_twice_changes_nothing() {
        let text = "甲乙\n丙。丁。“戊。”己\n\nOne\ntwo. Three.\n";
        let once = one_sentence_per_line(text);
        assert_eq!(one_sentence_per_line(&once), once);
    }
}
