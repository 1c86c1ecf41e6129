//! The one place that parses YAML, and finds keys in YAML text for diagnostics.
//!
//! serde_yaml gives a position for syntax and type errors but keeps no spans on
//! values, so checks that run later (a total that does not add up) find their line
//! with [`locate_key`], which walks the block-style text by indentation.

use std::path::Path;

use crate::check::{Diagnostic, Location};

pub fn parse<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<T, Diagnostic> {
    serde_yaml::from_str(text).map_err(|e| {
        let offset = e.location().map_or(0, |l| l.index());
        let message = e.to_string();
        // serde_yaml appends the position to its message; we show it in our own form.
        let message = match message.rfind(" at line ") {
            Some(cut) => message[..cut].to_string(),
            None => message,
        };
        let hint = if message.contains("unknown field") {
            "check the spelling of the key; the README lists the keys each file takes"
        } else if message.contains("invalid type") {
            "write the value in the form the message expects (a count is a whole number without quotes)"
        } else if message.contains("missing field") {
            "add the missing key"
        } else {
            "fix the YAML syntax: indentation with spaces, `key: value`, lists with `- `"
        };
        Diagnostic::error(Location::new(path, offset), format!("YAML: {message}")).with_hint(hint)
    })
}

/// Byte offset of the value of the key at `path` (e.g. `["received", "2023", "total"]`)
/// in block-style YAML, or of the key itself when the value is a nested block.
pub fn locate_key(text: &str, path: &[&str]) -> Option<usize> {
    let mut parent_indent: Option<usize> = None;
    let mut search_from = 0;
    let mut found = None;
    for key in path {
        let (offset, indent, value_offset) = find_key_line(text, search_from, key, parent_indent)?;
        parent_indent = Some(indent);
        search_from = offset;
        found = Some(value_offset);
    }
    found
}

/// Find `key:` after `from`, indented deeper than `parent_indent`, and stop at the end of
/// the parent's block. Returns (line start, indent, offset of the value or the key).
fn find_key_line(
    text: &str,
    from: usize,
    key: &str,
    parent_indent: Option<usize>,
) -> Option<(usize, usize, usize)> {
    let mut offset = from;
    let mut first = true;
    for line in text[from..].split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        if first && parent_indent.is_some() {
            // The parent's own line.
            first = false;
            continue;
        }
        first = false;
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        if let Some(parent) = parent_indent
            && indent <= parent
        {
            return None;
        }
        let unquoted = trimmed.trim_start_matches("- ");
        if let Some(rest) = unquoted.strip_prefix(key)
            && let Some(after) = rest.strip_prefix(':')
        {
            let key_offset = line_start + (line.len() - unquoted.len());
            let value = after.trim_start();
            let value_offset = if value.trim().is_empty() || value.starts_with('#') {
                key_offset
            } else {
                line_start + line.len() - value.len()
            };
            return Some((line_start, indent, value_offset));
        }
    }
    None
}

/// Byte offset of `value` where it first stands below the key path `keys`.
pub fn locate_after_key(text: &str, keys: &[&str], value: &str) -> Option<usize> {
    let start = locate_key(text, keys)?;
    text[start..].find(value).map(|i| start + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "received:\n  2022:\n    criminal: 1\n    total: 5\n  2023:\n    criminal: 2\n    total: 7\nclosed:\n  2023:\n    total: 9\n";

    #[test]
    fn finds_nested_values() {
        let at = locate_key(TEXT, &["received", "2023", "total"]).unwrap();
        assert!(TEXT[at..].starts_with("7"));
        let at = locate_key(TEXT, &["closed", "2023", "total"]).unwrap();
        assert!(TEXT[at..].starts_with("9"));
        assert!(locate_key(TEXT, &["closed", "2022"]).is_none());
    }

    #[test]
    fn alias_bombs_and_deep_nesting_are_refused_whatever_the_expected_type() {
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            bomb.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let started = std::time::Instant::now();
        let problem = parse::<serde_yaml::Value>(Path::new("x.yaml"), &bomb).unwrap_err();
        assert!(started.elapsed().as_secs() < 5);
        assert!(
            problem.message.contains("repetition limit"),
            "{}",
            problem.message
        );
        let deep = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
        let problem = parse::<serde_yaml::Value>(Path::new("x.yaml"), &deep).unwrap_err();
        assert!(
            problem.message.contains("recursion limit"),
            "{}",
            problem.message
        );
    }

    #[test]
    fn type_errors_carry_their_position() {
        let problem = parse::<std::collections::BTreeMap<String, u64>>(
            Path::new("x.yaml"),
            "a: 1\nb: many\n",
        )
        .unwrap_err();
        assert_eq!(problem.location.offset, 8);
        assert!(
            problem.message.contains("invalid type"),
            "{}",
            problem.message
        );
    }
}
