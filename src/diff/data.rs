//! The data, compared value by value: the raw figures as a reader names them, then the
//! figures derived from them.

use std::path::Path;

use super::ValueChange;
use crate::figures::{self, format};
use crate::source::{Caseload, Sources};

/// Values of both sides, in the new side's order, then those only the old side has.
pub(super) fn compare_values(
    old: Vec<(String, String)>,
    new: Vec<(String, String)>,
) -> Vec<ValueChange> {
    let find = |list: &[(String, String)], name: &str| {
        list.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    };
    let mut changes: Vec<ValueChange> = new
        .iter()
        .map(|(name, value)| ValueChange {
            name: name.clone(),
            old: find(&old, name),
            new: Some(value.clone()),
        })
        .collect();
    changes.extend(
        old.iter()
            .filter(|(name, _)| find(&new, name).is_none())
            .map(|(name, value)| ValueChange {
                name: name.clone(),
                old: Some(value.clone()),
                new: None,
            }),
    );
    changes.retain(|c| c.old != c.new);
    changes
}

/// Every raw figure of `data/caseload.yaml`, named as a reader says it.
pub(super) fn caseload_values(c: &Caseload) -> Vec<(String, String)> {
    let mut values = Vec::new();
    for category in &c.categories {
        values.push((
            format!("category {} short", category.id),
            category.short.clone(),
        ));
        values.push((
            format!("category {} name", category.id),
            category.name.clone(),
        ));
    }
    for (series, by_year) in [("received", &c.received), ("closed", &c.closed)] {
        for (year, counts) in by_year {
            let keys = c.categories.iter().map(|c| c.id.as_str()).chain(["total"]);
            for key in keys.chain(counts.keys().map(String::as_str)) {
                let name = format!("{series} {year} {key}");
                if let Some(count) = counts.get(key)
                    && !values.iter().any(|(n, _)| *n == name)
                {
                    values.push((name, count.to_string()));
                }
            }
        }
    }
    for (year, v) in &c.pending {
        values.push((format!("pending {year}"), v.to_string()));
    }
    for (year, v) in &c.first_instance_acceptance_percent {
        values.push((
            format!("first_instance_acceptance_percent {year}"),
            v.to_string(),
        ));
    }
    for (year, v) in &c.closed_per_judge {
        values.push((format!("closed_per_judge {year}"), v.to_string()));
    }
    values
}

/// The derived figures, named as templates name them (`received.change.total`), formatted
/// to two decimals. The raw counts they come from are in [`caseload_values`].
pub(super) fn figure_values(sources: &Sources) -> Vec<(String, String)> {
    let spans = sources.yaml(Path::new(crate::source::CASELOAD));
    let Ok(figures) = figures::compute(&sources.caseload, sources.manifest.year, spans) else {
        return Vec::new();
    };
    let Ok(value) = serde_yaml::to_value(&figures) else {
        return Vec::new();
    };
    let mut values = Vec::new();
    flatten(&value, String::new(), &mut values);
    values.retain(|(name, _)| {
        let raw = [
            "received.current.",
            "received.previous.",
            "closed.current.",
            "closed.previous.",
        ];
        !raw.iter().any(|r| name.starts_with(r)) && name != "year" && name != "previous_year"
    });
    values
}

fn flatten(value: &serde_yaml::Value, path: String, out: &mut Vec<(String, String)>) {
    use serde_yaml::Value;
    match value {
        Value::Mapping(map) => {
            for (key, inner) in map {
                let key = key
                    .as_str()
                    .map_or_else(|| format!("{key:?}"), str::to_string);
                let path = if path.is_empty() {
                    key
                } else {
                    format!("{path}.{key}")
                };
                flatten(inner, path, out);
            }
        }
        Value::Number(n) => {
            let text = match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => i.to_string(),
                (None, Some(f)) if path.ends_with("change_points") => {
                    format!("{} pts", format::fixed(f, 2))
                }
                (None, Some(f)) => format::percent(f, 2),
                _ => n.to_string(),
            };
            out.push((path, text));
        }
        other => out.push((path, format!("{other:?}"))),
    }
}
