//! `nianbao fmt`: Markdown prose rewritten to one sentence per line, so that `git diff`
//! shows the sentence that changed. The output of the report does not change.
//!
//! Why that holds: in a paragraph a line break renders as nothing next to a full-width
//! character and as one space between Latin characters (see `resolve::markdown`). So
//! - a Chinese sentence ends after 。！？； (and the closing quotes and brackets that
//!   follow): a break there stands next to a full-width character and renders as nothing;
//! - an English sentence ends after . ! ? followed by one space and a capital or digit:
//!   the break replaces that space and renders as a space.
//!
//! Lines of a paragraph are first joined where the join is equally invisible, so that a
//! sentence written across lines ends up on one. Nothing is split or joined inside
//! `{{ … }}`, `{% … %}`, `[…](…)`, `**…**`, `*…*`, `` `…` ``, `<…>` or quotes, nor
//! next to them where the rendered character is unknown; headings, lists, comments,
//! code and indented lines are left exactly as they are. Running `fmt` twice changes
//! nothing the second time.

use std::path::{Path, PathBuf};

use crate::script::is_wide;
use crate::source::files::prose_files;

/// Rewrite every Markdown file in the report's subfolders; returns the files changed.
pub fn fmt(report_dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut changed = Vec::new();
    for file in prose_files(report_dir)? {
        let path = report_dir.join(&file);
        let text = std::fs::read_to_string(&path)?;
        let formatted = one_sentence_per_line(&text);
        if formatted != text {
            std::fs::write(&path, formatted)?;
            changed.push(file);
        }
    }
    Ok(changed)
}

/// The files `fmt` would change, changing nothing.
pub fn unformatted(report_dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for file in prose_files(report_dir)? {
        let text = std::fs::read_to_string(report_dir.join(&file))?;
        if one_sentence_per_line(&text) != text {
            files.push(file);
        }
    }
    Ok(files)
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
    let mut joined: Vec<String> = Vec::new();
    for line in run.drain(..) {
        match joined.last_mut() {
            Some(last) if let Some(glue) = join_glue(last, line) => {
                last.push_str(glue);
                last.push_str(line);
            }
            _ => joined.push(line.to_string()),
        }
    }
    for line in joined {
        out.extend(split_sentences(&line));
    }
}

/// What replaces the line break between `a` and `b` so that the paragraph renders the
/// same, or `None` when that is not certain.
fn join_glue(a: &str, b: &str) -> Option<&'static str> {
    let (Some(last), Some(first)) = (a.chars().last(), b.chars().next()) else {
        return None;
    };
    // Markup or templates at the break: the character the renderer sees is elsewhere.
    let plain = |c: char| !c.is_whitespace() && !"*_[]()<>{}`\\!~|#&".contains(c);
    let open_template = a.matches("{{").count() != a.matches("}}").count()
        || a.matches("{%").count() != a.matches("%}").count();
    if !plain(last) || !plain(first) || open_template || ends_sentence(a) {
        return None;
    }
    Some(if is_wide(last) || is_wide(first) {
        ""
    } else {
        " "
    })
}

/// A line already ending a sentence stays a line of its own.
fn ends_sentence(line: &str) -> bool {
    let trimmed = line.trim_end_matches(|c| CLOSERS.contains(c));
    trimmed.ends_with(|c| CJK_ENDS.contains(c) || LATIN_ENDS.contains(c))
}

const CJK_ENDS: &str = "。！？；";
const LATIN_ENDS: &str = ".!?";
/// Closing quotes and brackets that stay with the sentence they end (。” stays together).
const CLOSERS: &str = "”’」』）》】〕\"')…";
/// Quotes and brackets inside which no sentence ends.
const OPENING: &str = "“「『（《【〔";
const CLOSING: &str = "”」』）》】〕";
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
            if inner.starts_with("**") && ends_sentence(text) {
                // The renderer sees the last character inside the `**…**`.
                let before = text.chars().last().unwrap_or('*');
                if let Some((cut, next)) = split_point(line, i, before) {
                    sentences.push(line[start..cut].to_string());
                    start = next;
                    i = next;
                }
            }
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        i += c.len_utf8();
        if OPENING.contains(c) {
            depth += 1;
        } else if CLOSING.contains(c) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && (CJK_ENDS.contains(c) || LATIN_ENDS.contains(c)) {
            if c == '.' && is_abbreviation(&line[..i - 1]) {
                continue;
            }
            i = absorb_closers(line, i);
            let before = line[..i].chars().last().unwrap_or(c);
            if let Some((cut, next)) = split_point(line, i, before) {
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
        if CLOSERS.contains(c) || CJK_ENDS.contains(c) || LATIN_ENDS.contains(c) {
            i += c.len_utf8();
        } else {
            break;
        }
    }
    i
}

/// Where to break after a sentence ending at `i` with the character `before` (as the
/// renderer sees it): (end of this line, start of the next),
/// or `None` when a break there could change the output.
fn split_point(line: &str, i: usize, before: char) -> Option<(usize, usize)> {
    let after = line[i..].chars().next()?;
    let (cut, next) = if is_wide(before) && !after.is_whitespace() {
        // Chinese: the break renders as nothing, as the missing space did.
        (i, i)
    } else if !is_wide(before) && after == ' ' {
        // English: the break renders as the one space it replaces.
        let first = line[i + 1..].chars().next()?;
        if is_wide(first) || !(first.is_uppercase() || first.is_ascii_digit()) {
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
        let text = "<!-- a. B. -->\n# 标题。甲。 { #x }\n\n**坚决。**防范。见[甲。乙](term:x)。\n- 项。项。\n";
        assert_eq!(
            one_sentence_per_line(text),
            "<!-- a. B. -->\n# 标题。甲。 { #x }\n\n**坚决。**\n防范。\n见[甲。乙](term:x)。\n- 项。项。\n"
        );
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
    fn formatting_twice_changes_nothing() {
        let text = "甲乙\n丙。丁。“戊。”己\n\nOne\ntwo. Three.\n";
        let once = one_sentence_per_line(text);
        assert_eq!(one_sentence_per_line(&once), once);
    }
}
