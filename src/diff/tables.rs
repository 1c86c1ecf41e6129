//! Annex tables, compared by id and cell by cell.

use super::data::compare_values;
use super::{Status, TableDiff};
use crate::model::{Block, Report, Table};

fn annex_tables(report: &Report) -> Vec<&Table> {
    report
        .annexes
        .iter()
        .flat_map(|a| &a.blocks)
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .collect()
}

/// Annex tables by id, cell by cell.
pub(super) fn tables(old: &Report, new: &Report) -> Vec<TableDiff> {
    let old_tables = annex_tables(old);
    let new_tables = annex_tables(new);
    let caption = |t: &Table| {
        t.caption
            .clone()
            .or_else(|| t.title.clone())
            .unwrap_or_else(|| t.id.clone())
    };
    let mut result = Vec::new();
    for (position, table) in new_tables.iter().enumerate() {
        let Some(from) = old_tables.iter().position(|t| t.id == table.id) else {
            result.push(TableDiff {
                id: table.id.clone(),
                caption: caption(table),
                status: Status::Added,
                changes: Vec::new(),
            });
            continue;
        };
        let before = old_tables[from];
        let status = if from == position {
            Status::Kept
        } else {
            Status::Moved {
                from: from + 1,
                to: position + 1,
            }
        };
        let changes = compare_values(table_values(before), table_values(table));
        if status != Status::Kept || !changes.is_empty() {
            result.push(TableDiff {
                id: table.id.clone(),
                caption: caption(table),
                status,
                changes,
            });
        }
    }
    for table in old_tables {
        if !new_tables.iter().any(|t| t.id == table.id) {
            result.push(TableDiff {
                id: table.id.clone(),
                caption: caption(table),
                status: Status::Removed,
                changes: Vec::new(),
            });
        }
    }
    result
}

/// A table's texts named by position, so that a header that changes with the year
/// ("2023年收案数" → "2024年收案数") still lines its column up. The names shown are
/// the row and column labels.
fn table_values(t: &Table) -> Vec<(String, String)> {
    let mut values = vec![
        ("title".to_string(), t.title.clone().unwrap_or_default()),
        ("unit".to_string(), t.unit.clone().unwrap_or_default()),
        ("caption".to_string(), t.caption.clone().unwrap_or_default()),
    ];
    for (c, cell) in t.header.iter().enumerate().skip(1) {
        values.push((format!("column {}", c), cell.text.clone()));
    }
    for (r, row) in t.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            values.push((format!("{r}:{c}"), cell.text.clone()));
        }
    }
    values
        .into_iter()
        .map(|(key, text)| (cell_name(t, &key), text))
        .collect()
}

/// "刑事案件 / 2023年收案数" for a cell at "r:c"; other keys as they are.
fn cell_name(t: &Table, key: &str) -> String {
    let Some((r, c)) = key.split_once(':') else {
        return key.to_string();
    };
    let (Ok(r), Ok(c)) = (r.parse::<usize>(), c.parse::<usize>()) else {
        return key.to_string();
    };
    let row = t.rows[r].first().map_or("", |c| c.text.as_str());
    let column = t.header.get(c).map_or("", |c| c.text.as_str());
    match (c, row.is_empty()) {
        (0, _) => format!("row {}", r + 1),
        (_, true) => format!("row {} / {column}", r + 1),
        _ => format!("{row} / {column}"),
    }
}
