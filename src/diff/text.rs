//! Inline text diff: Chinese character by character, English word by word, a number
//! always whole, so that `100344` → `100444` is marked as one changed figure.

use similar::{Algorithm, DiffTag, capture_diff_slices};

use crate::script::is_wide;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Same,
    Deleted,
    Inserted,
}

/// A run of text and whether it stayed, went or came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub mark: Mark,
    pub text: String,
}

/// The tokens compared: one full-width character, a run of letters or a number (with
/// its decimal point), a run of spaces, or one other character. A word-level diff for
/// English and a character-level one for Chinese fall out of the same rule.
pub fn tokens(text: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let mut end = start + c.len_utf8();
        let word = |c: char| c.is_alphanumeric() && !is_wide(c);
        if word(c) || c.is_whitespace() {
            let same_kind = |n: char| if word(c) { word(n) } else { n.is_whitespace() };
            while let Some(&(i, n)) = chars.peek() {
                // 1.95 and 100,344 stay one number.
                let inside_number = matches!(n, '.' | ',')
                    && c.is_ascii_digit()
                    && text[i + 1..].starts_with(|d: char| d.is_ascii_digit());
                if same_kind(n) || inside_number {
                    end = i + n.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
        }
        tokens.push(&text[start..end]);
    }
    tokens
}

/// The segments that turn `old` into `new`.
pub fn diff(old: &str, new: &str) -> Vec<Segment> {
    let (old_tokens, new_tokens) = (tokens(old), tokens(new));
    let ops = capture_diff_slices(Algorithm::Patience, &old_tokens, &new_tokens);
    let mut segments: Vec<Segment> = Vec::new();
    let mut push = |mark: Mark, parts: &[&str]| {
        let text: String = parts.concat();
        if text.is_empty() {
            return;
        }
        match segments.last_mut() {
            Some(last) if last.mark == mark => last.text.push_str(&text),
            _ => segments.push(Segment { mark, text }),
        }
    };
    for op in ops {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => push(Mark::Same, &old_tokens[old_range]),
            DiffTag::Delete => push(Mark::Deleted, &old_tokens[old_range]),
            DiffTag::Insert => push(Mark::Inserted, &new_tokens[new_range]),
            DiffTag::Replace => {
                push(Mark::Deleted, &old_tokens[old_range]);
                push(Mark::Inserted, &new_tokens[new_range]);
            }
        }
    }
    absorb_chaff(segments)
}

/// A single character left unchanged between two changes is noise to a reader
/// (甲<del>乙</del><ins>丙</ins>的<del>丁</del>…): fold it into both sides.
fn absorb_chaff(segments: Vec<Segment>) -> Vec<Segment> {
    let changed = |s: Option<&Segment>| s.is_some_and(|s| s.mark != Mark::Same);
    let mut out: Vec<Segment> = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        let chaff = segment.mark == Mark::Same
            && segment.text.chars().count() == 1
            && i > 0
            && changed(segments.get(i - 1))
            && changed(segments.get(i + 1));
        if chaff {
            for mark in [Mark::Deleted, Mark::Inserted] {
                append(&mut out, mark, &segment.text);
            }
        } else {
            append(&mut out, segment.mark, &segment.text);
        }
    }
    out
}

/// Append keeping deletions before insertions within one changed run.
fn append(out: &mut Vec<Segment>, mark: Mark, text: &str) {
    let run_start = out
        .iter()
        .rposition(|s| s.mark == Mark::Same)
        .map_or(0, |p| p + 1);
    if let Some(existing) = out[run_start..].iter_mut().find(|s| s.mark == mark) {
        existing.text.push_str(text);
        return;
    }
    let segment = Segment {
        mark,
        text: text.to_string(),
    };
    if mark == Mark::Deleted {
        out.insert(run_start, segment);
    } else {
        out.push(segment);
    }
}

pub fn is_changed(segments: &[Segment]) -> bool {
    segments.iter().any(|s| s.mark != Mark::Same)
}

/// Stands for unchanged text left out; not "…", which Chinese prose uses itself.
pub const ELIDED: &str = "⋯";

/// Long unchanged runs shortened to `context` characters on each side of a change.
pub fn with_context(segments: &[Segment], context: usize) -> Vec<Segment> {
    let last = segments.len().saturating_sub(1);
    segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if s.mark != Mark::Same {
                return s.clone();
            }
            let chars: Vec<char> = s.text.chars().collect();
            let keep_start = if i == 0 { 0 } else { context };
            let keep_end = if i == last { 0 } else { context };
            if chars.len() <= keep_start + keep_end + 1 {
                return s.clone();
            }
            let head: String = chars[..keep_start].iter().collect();
            let tail: String = chars[chars.len() - keep_end..].iter().collect();
            Segment {
                mark: Mark::Same,
                text: format!("{head}{ELIDED}{tail}"),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(old: &str, new: &str) -> String {
        diff(old, new)
            .iter()
            .map(|s| match s.mark {
                Mark::Same => s.text.clone(),
                Mark::Deleted => format!("[-{}-]", s.text),
                Mark::Inserted => format!("{{+{}+}}", s.text),
            })
            .collect()
    }

    #[test]
    fn a_changed_character_figure_or_word_is_marked_alone() {
        assert_eq!(
            marked("全年共收案件", "全年共结案件"),
            "全年共[-收-]{+结+}案件"
        );
        assert_eq!(
            marked("收案100344件", "收案100444件"),
            "收案[-100344-]{+100444+}件"
        );
        assert_eq!(marked("上升10.2%", "上升10.3%"), "上升[-10.2-]{+10.3+}%");
        assert_eq!(
            marked("Cases were received.", "Cases were closed."),
            "Cases were [-received-]{+closed+}."
        );
    }

    #[test]
    fn context_keeps_the_neighbourhood_of_a_change() {
        let segments = diff("一二三四五六七八九十甲", "一二三四五六七八九十乙");
        let short = with_context(&segments, 2);
        assert_eq!(short[0].text, "⋯九十");
        let segments = diff("甲一二三四五六七八九十甲", "乙一二三四五六七八九十乙");
        let short = with_context(&segments, 2);
        assert_eq!(short[2].text, "一二⋯九十");
    }
}
