//! Glossary terms and cases, compared by id and field by field.

use super::text::{Mark, Segment};
use super::{EntryDiff, Status, TextChange, text_change};
use crate::model::{Block, Case, GlossaryEntry, Report, plain_text};

/// An entry compared field by field: (id, label, fields).
type Entry = (String, String, Vec<(&'static str, String)>);

pub(super) fn glossary_entries(report: &Report) -> Vec<Entry> {
    let entry = |e: &GlossaryEntry| {
        let figure = e
            .figure
            .as_ref()
            .map(|f| f.caption.clone())
            .unwrap_or_default();
        (
            e.id.clone(),
            e.term.clone(),
            vec![
                ("term", e.term.clone()),
                ("definition", plain_text(&e.definition)),
                ("figure", figure),
            ],
        )
    };
    annex_entries(report, |b| match b {
        Block::Glossary(entries) => Some(entries.iter().map(entry).collect()),
        _ => None,
    })
}

pub(super) fn case_entries(report: &Report) -> Vec<Entry> {
    let entry = |c: &Case| {
        let figure = c
            .figure
            .as_ref()
            .map(|f| f.caption.clone())
            .unwrap_or_default();
        (
            c.id.clone(),
            c.title.clone(),
            vec![
                ("title", c.title.clone()),
                ("body", plain_text(&c.body)),
                ("figure", figure),
            ],
        )
    };
    annex_entries(report, |b| match b {
        Block::Cases(cases) => Some(cases.iter().map(entry).collect()),
        _ => None,
    })
}

fn annex_entries(report: &Report, pick: impl Fn(&Block) -> Option<Vec<Entry>>) -> Vec<Entry> {
    report
        .annexes
        .iter()
        .flat_map(|a| &a.blocks)
        .filter_map(pick)
        .flatten()
        .collect()
}

/// Entries by id, in the new order; removed ones last.
pub(super) fn entries(old: &[Entry], new: &[Entry]) -> Vec<EntryDiff> {
    let mut result = Vec::new();
    for (position, (id, label, fields)) in new.iter().enumerate() {
        let Some(from) = old.iter().position(|(o, _, _)| o == id) else {
            result.push(EntryDiff {
                id: id.clone(),
                label: label.clone(),
                status: Status::Added,
                fields: whole_fields(fields, Mark::Inserted),
            });
            continue;
        };
        let changed: Vec<TextChange> = old[from]
            .2
            .iter()
            .zip(fields)
            .filter_map(|((what, o), (_, n))| text_change(what, o, n))
            .collect();
        // Only the entry itself moving counts, not its neighbours' shifting.
        let moved_itself = old
            .iter()
            .filter(|(o, _, _)| new.iter().any(|(n, _, _)| n == o))
            .position(|(o, _, _)| o == id)
            != new
                .iter()
                .filter(|(n, _, _)| old.iter().any(|(o, _, _)| o == n))
                .position(|(n, _, _)| n == id);
        let status = if moved_itself {
            Status::Moved {
                from: from + 1,
                to: position + 1,
            }
        } else {
            Status::Kept
        };
        if status != Status::Kept || !changed.is_empty() {
            result.push(EntryDiff {
                id: id.clone(),
                label: label.clone(),
                status,
                fields: changed,
            });
        }
    }
    for (id, label, fields) in old {
        if !new.iter().any(|(n, _, _)| n == id) {
            result.push(EntryDiff {
                id: id.clone(),
                label: label.clone(),
                status: Status::Removed,
                fields: whole_fields(fields, Mark::Deleted),
            });
        }
    }
    result
}

fn whole_fields(fields: &[(&'static str, String)], mark: Mark) -> Vec<TextChange> {
    fields
        .iter()
        .filter(|(_, text)| !text.is_empty())
        .map(|(what, text)| TextChange {
            what: what.to_string(),
            segments: vec![Segment {
                mark,
                text: text.clone(),
            }],
        })
        .collect()
}
