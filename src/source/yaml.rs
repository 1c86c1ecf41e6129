//! The one place that parses YAML.
//!
//! serde_yaml turns a file into the structs of `source` and gives a position for
//! syntax and type errors, but keeps no spans on values. So that later checks (a total
//! that does not add up, a table with no rows) point at the exact key or value, the
//! same text is also read as events by saphyr-parser, whose spans are kept in a
//! [`YamlSpans`] per file: key path → where the key and its value stand.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use saphyr_parser::{Event, Parser, Span};

use crate::diag::{Diagnostic, Location};

/// Parse `text` (the file `path`) into `T`, with the spans of its keys and values.
pub fn parse<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
) -> Result<(T, YamlSpans), Diagnostic> {
    let value = serde_yaml::from_str(text).map_err(|e| {
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
        Diagnostic::error("yaml", Location::at(path, offset), format!("YAML: {message}"))
            .with_hint(hint)
    })?;
    Ok((value, YamlSpans::of(text)))
}

/// Where a key and its value stand in a YAML file, as byte ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The key, for a value in a mapping.
    pub key: Option<Range<usize>>,
    /// The value: a scalar, or a whole nested mapping or sequence.
    pub value: Range<usize>,
}

/// The spans of one YAML file, by key path: mapping keys as written, sequence items by
/// their 0-based index (`["received", "2023", "total"]`, `["2", "id"]`).
#[derive(Debug, Clone, Default)]
pub struct YamlSpans {
    nodes: HashMap<Vec<String>, Node>,
}

impl YamlSpans {
    /// The spans of `text`, as far as it parses (a file serde_yaml read always does).
    pub fn of(text: &str) -> YamlSpans {
        let mut walker = Walker {
            offsets: CharOffsets::new(text),
            stack: Vec::new(),
            nodes: HashMap::new(),
        };
        for event in Parser::new_from_str(text) {
            let Ok((event, span)) = event else { break };
            walker.event(event, span);
        }
        YamlSpans {
            nodes: walker.nodes,
        }
    }

    pub fn node(&self, path: &[&str]) -> Option<&Node> {
        let key: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        self.nodes.get(&key)
    }

    /// The value at `path`.
    pub fn value(&self, path: &[&str]) -> Option<Range<usize>> {
        self.node(path).map(|n| n.value.clone())
    }

    /// The key of the value at `path` (its value, for a sequence item).
    pub fn key(&self, path: &[&str]) -> Option<Range<usize>> {
        self.node(path)
            .map(|n| n.key.clone().unwrap_or_else(|| n.value.clone()))
    }

    /// The key at `path`, or of the nearest enclosing value that the file has: where
    /// to write a value that is missing. The start of the file when nothing is there.
    pub fn nearest_key(&self, path: &[&str]) -> Range<usize> {
        (1..=path.len())
            .rev()
            .find_map(|n| self.key(&path[..n]))
            .unwrap_or(0..0)
    }
}

/// A collection being read.
struct Frame {
    path: Vec<String>,
    key: Option<Range<usize>>,
    start: usize,
    kind: FrameKind,
}

enum FrameKind {
    /// A mapping; `Some` while its next value's key has been read.
    Mapping(Option<(String, Range<usize>)>),
    Sequence(usize),
}

struct Walker<'a> {
    offsets: CharOffsets<'a>,
    stack: Vec<Frame>,
    nodes: HashMap<Vec<String>, Node>,
}

impl Walker<'_> {
    fn event(&mut self, event: Event, span: Span) {
        let range = self.offsets.byte(span.start.index())..self.offsets.byte(span.end.index());
        match event {
            Event::Scalar(text, ..) => {
                if let Some(Frame {
                    kind: FrameKind::Mapping(pending @ None),
                    ..
                }) = self.stack.last_mut()
                {
                    *pending = Some((text.into_owned(), range));
                    return;
                }
                if let Some((path, key)) = self.child() {
                    self.nodes.insert(path, Node { key, value: range });
                }
            }
            Event::Alias(_) => {
                if let Some((path, key)) = self.child() {
                    self.nodes.insert(path, Node { key, value: range });
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let kind = match event {
                    Event::MappingStart(..) => FrameKind::Mapping(None),
                    _ => FrameKind::Sequence(0),
                };
                // A collection used as a key has no path: its contents are not kept.
                let (path, key) = self
                    .child()
                    .unwrap_or_else(|| (vec!["?".to_string()], None));
                self.stack.push(Frame {
                    path,
                    key,
                    start: range.start,
                    kind,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some(frame) = self.stack.pop() {
                    let value = frame.start..range.end.max(frame.start);
                    self.nodes.insert(
                        frame.path,
                        Node {
                            key: frame.key,
                            value,
                        },
                    );
                }
            }
            _ => {}
        }
    }

    /// The path and key of the value that comes next.
    fn child(&mut self) -> Option<(Vec<String>, Option<Range<usize>>)> {
        let Some(frame) = self.stack.last_mut() else {
            return Some((Vec::new(), None));
        };
        let mut path = frame.path.clone();
        match &mut frame.kind {
            FrameKind::Mapping(pending) => {
                let (name, key) = pending.take()?;
                path.push(name);
                Some((path, Some(key)))
            }
            FrameKind::Sequence(next) => {
                path.push(next.to_string());
                *next += 1;
                Some((path, None))
            }
        }
    }
}

/// saphyr-parser counts characters; the rest of nianbao counts bytes. Events come in
/// order, so one cursor walks the text once.
struct CharOffsets<'a> {
    text: &'a str,
    chars: usize,
    bytes: usize,
}

impl<'a> CharOffsets<'a> {
    fn new(text: &'a str) -> CharOffsets<'a> {
        CharOffsets {
            text,
            chars: 0,
            bytes: 0,
        }
    }

    fn byte(&mut self, chars: usize) -> usize {
        if chars < self.chars {
            self.chars = 0;
            self.bytes = 0;
        }
        for c in self.text[self.bytes..].chars().take(chars - self.chars) {
            self.bytes += c.len_utf8();
            self.chars += 1;
        }
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# 收案\nreceived:\n  2022:\n    criminal: 1\n    total: 5\n  2023: {criminal: 2, total: 7}\nclosed:\n  '2023':\n    total: 9   # 结案\nlist:\n  - id: a\n  - id: b\n";

    #[test]
    fn finds_keys_and_values_in_block_and_flow_style() {
        let spans = YamlSpans::of(TEXT);
        let at = |path: &[&str]| &TEXT[spans.value(path).unwrap()];
        assert_eq!(at(&["received", "2022", "total"]), "5");
        assert_eq!(at(&["received", "2023", "total"]), "7");
        assert_eq!(at(&["closed", "2023", "total"]), "9");
        assert_eq!(&TEXT[spans.key(&["list", "1", "id"]).unwrap()], "id");
        assert_eq!(at(&["list", "1", "id"]), "b");
        assert!(spans.value(&["closed", "2022"]).is_none());
        let nearest = spans.nearest_key(&["closed", "2022", "total"]);
        assert_eq!(&TEXT[nearest], "closed");
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
        assert_eq!(problem.location.range.start, 8);
        assert!(
            problem.message.contains("invalid type"),
            "{}",
            problem.message
        );
    }
}
