//! The terminal summary of a [`ReportDiff`]: one line per change, inline changes in
//! the notation of `git diff --word-diff=plain` (`[-old-]{+new+}`).

use std::fmt::Write as _;

use super::{Mark, ReportDiff, Segment, Status, TextChange, ValueChange, text};

/// Unchanged characters kept on each side of a change.
const CONTEXT: usize = 20;

impl ReportDiff {
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "--- {}\n+++ {}", self.old_label, self.new_label);
        for change in &self.front {
            let _ = writeln!(
                out,
                "report.yaml {}: {}",
                change.what,
                marked(&change.segments)
            );
        }
        for section in &self.sections {
            match &section.status {
                Status::Added => {
                    let _ = writeln!(out, "{}: section added", section.file);
                }
                Status::Removed => {
                    let _ = writeln!(out, "{}: section removed", section.file);
                }
                Status::Moved { from, to } => {
                    let _ = writeln!(
                        out,
                        "{}: section moved from place {from} to {to}",
                        section.file
                    );
                }
                Status::Kept => {}
            }
            if matches!(section.status, Status::Added | Status::Removed) {
                continue;
            }
            for block in &section.blocks {
                let _ = writeln!(
                    out,
                    "{}:{}: {}: {}",
                    section.file,
                    block.line,
                    block.kind,
                    marked(&block.segments)
                );
            }
        }
        let values = |out: &mut String, prefix: &str, changes: &[ValueChange]| {
            for c in changes {
                let _ = writeln!(out, "{prefix}{}: {}", c.name, arrow(c));
            }
        };
        values(&mut out, "data: ", &self.data);
        values(&mut out, "figure: ", &self.figures);
        for table in &self.tables {
            let status = match &table.status {
                Status::Added => " (added)".to_string(),
                Status::Removed => " (removed)".to_string(),
                Status::Moved { from, to } => format!(" (moved from {from} to {to})"),
                Status::Kept => String::new(),
            };
            let _ = writeln!(out, "table {}{status}", table.caption);
            values(&mut out, "  ", &table.changes);
        }
        for (kind, entries) in [("glossary", &self.glossary), ("case", &self.cases)] {
            for entry in entries {
                let status = match &entry.status {
                    Status::Added => " added".to_string(),
                    Status::Removed => " removed".to_string(),
                    Status::Moved { from, to } => format!(" moved from {from} to {to}"),
                    Status::Kept => String::new(),
                };
                let _ = writeln!(out, "{kind} {} ({}){status}", entry.id, entry.label);
                for TextChange { what, segments } in &entry.fields {
                    let _ = writeln!(out, "  {what}: {}", marked(segments));
                }
            }
        }
        let count = self.change_count();
        if count == 0 {
            out.push_str("no changes\n");
        } else {
            let _ = writeln!(out, "{count} change(s)");
        }
        out
    }
}

fn arrow(c: &ValueChange) -> String {
    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".to_string());
    format!("{} → {}", show(&c.old), show(&c.new))
}

fn marked(segments: &[Segment]) -> String {
    text::with_context(segments, CONTEXT)
        .iter()
        .map(|s| {
            let t = s.text.replace('\n', "⏎");
            match s.mark {
                Mark::Same => t,
                Mark::Deleted => format!("[-{t}-]"),
                Mark::Inserted => format!("{{+{t}+}}"),
            }
        })
        .collect()
}
