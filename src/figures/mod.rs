//! Stage 2a, **compute**: raw counts → the figures prose and tables print.
//!
//! Every derived figure (year-over-year change, ratio, the previous year's open
//! cases) is computed here once; prose reaches it through Tera, tables through
//! [`Figures`]. The number formats of the report are in [`format`](mod@format); the Tera filters
//! that expose them to prose are resolve's (`resolve::filters`).

pub mod format;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::diag::{Diagnostic, Location};
use crate::source::{self, Caseload, Series, YamlSpans};

/// The figures of one report year, as the Tera context of every template sees them.
/// Plain data: computed once, read by every stage after.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub year: i32,
    pub previous_year: i32,
    pub received: SeriesFigures,
    pub closed: SeriesFigures,
    /// Cases open at the end of the year.
    pub pending: CountFigures,
    /// Cases closed per case received.
    pub closure_ratio: RateFigures,
    /// 一审服判息诉率.
    pub acceptance: RateFigures,
    /// Cases closed per judge.
    pub per_judge: CountFigures,
}

/// Counts per category (and `total`) for the report year and the year before.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesFigures {
    pub current: BTreeMap<String, u64>,
    pub previous: BTreeMap<String, u64>,
    /// Relative change per category, as a ratio (0.102 for +10.2%).
    pub change: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountFigures {
    pub current: u64,
    pub previous: u64,
    /// Absolute change.
    pub difference: i64,
    /// Relative change, as a ratio.
    pub change: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct RateFigures {
    /// As a ratio (1.055 for 105.5%).
    pub current: f64,
    pub previous: f64,
    /// Change in percentage points.
    pub change_points: f64,
}

impl Figures {
    pub fn series(&self, series: Series) -> &SeriesFigures {
        match series {
            Series::Received => &self.received,
            Series::Closed => &self.closed,
        }
    }
}

/// Compute the figures of the report year from the raw counts; `spans` are those of
/// `data/caseload.yaml`, to point at a figure not filled in.
pub fn compute(
    caseload: &Caseload,
    year: i32,
    spans: &YamlSpans,
) -> Result<Figures, Vec<Diagnostic>> {
    let previous_year = year - 1;
    let mut problems = Vec::new();
    // Each figure the report needs and does not have, at its own line: after
    // `nianbao new` this is the list of figures still to fill in.
    let mut missing = |keys: &[&str]| {
        let at = Location::new(Path::new(source::CASELOAD), spans.nearest_key(keys));
        problems.push(
            Diagnostic::error(
                "not-filled-in",
                at,
                format!("`{}` is not filled in", keys.join(".")),
            )
            .with_hint(format!(
                "write the published figure after `{}:`; the report compares {year} with {previous_year}",
                keys.last().unwrap_or(&"")
            )),
        );
    };
    let keys: Vec<&str> = caseload
        .categories
        .iter()
        .map(|c| c.id.as_str())
        .chain(["total"])
        .collect();
    for (name, by_year) in [
        ("received", &caseload.received),
        ("closed", &caseload.closed),
    ] {
        for y in [previous_year, year] {
            let year_key = y.to_string();
            for key in &keys {
                if !by_year
                    .get(&y)
                    .is_some_and(|counts| counts.contains_key(*key))
                {
                    missing(&[name, &year_key, key]);
                }
            }
        }
    }
    let year_key = year.to_string();
    let previous_key = previous_year.to_string();
    if !caseload.pending.contains_key(&year) {
        missing(&["pending", &year_key]);
    }
    for (name, years) in [
        (
            "first_instance_acceptance_percent",
            caseload
                .first_instance_acceptance_percent
                .keys()
                .copied()
                .collect::<Vec<_>>(),
        ),
        (
            "closed_per_judge",
            caseload.closed_per_judge.keys().copied().collect(),
        ),
    ] {
        for (y, key) in [(previous_year, &previous_key), (year, &year_key)] {
            if !years.contains(&y) {
                missing(&[name, key]);
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let received = series_figures(
        &caseload.received[&previous_year],
        &caseload.received[&year],
    );
    let closed = series_figures(&caseload.closed[&previous_year], &caseload.closed[&year]);
    let total = |m: &BTreeMap<String, u64>| m.get("total").copied().unwrap_or(0);

    // Open cases at the end of last year follow from the flow of this year's cases.
    let pending_now = caseload.pending[&year];
    let pending_before =
        (pending_now + total(&closed.current)).saturating_sub(total(&received.current));

    let ratio = |closed: u64, received: u64| {
        if received == 0 {
            0.0
        } else {
            closed as f64 / received as f64
        }
    };
    let closure_now = ratio(total(&closed.current), total(&received.current));
    let closure_before = ratio(total(&closed.previous), total(&received.previous));
    let acceptance_now = caseload.first_instance_acceptance_percent[&year] / 100.0;
    let acceptance_before = caseload.first_instance_acceptance_percent[&previous_year] / 100.0;

    Ok(Figures {
        year,
        previous_year,
        pending: count_figures(pending_before, pending_now),
        closure_ratio: rate_figures(closure_before, closure_now),
        acceptance: rate_figures(acceptance_before, acceptance_now),
        per_judge: count_figures(
            caseload.closed_per_judge[&previous_year],
            caseload.closed_per_judge[&year],
        ),
        received,
        closed,
    })
}

fn relative_change(before: u64, now: u64) -> f64 {
    if before == 0 {
        0.0
    } else {
        (now as f64 - before as f64) / before as f64
    }
}

fn series_figures(
    previous: &BTreeMap<String, u64>,
    current: &BTreeMap<String, u64>,
) -> SeriesFigures {
    let change = current
        .iter()
        .map(|(key, &now)| {
            let before = previous.get(key).copied().unwrap_or(0);
            (key.clone(), relative_change(before, now))
        })
        .collect();
    SeriesFigures {
        current: current.clone(),
        previous: previous.clone(),
        change,
    }
}

fn count_figures(previous: u64, current: u64) -> CountFigures {
    CountFigures {
        current,
        previous,
        difference: current as i64 - previous as i64,
        change: relative_change(previous, current),
    }
}

fn rate_figures(previous: f64, current: f64) -> RateFigures {
    RateFigures {
        current,
        previous,
        change_points: (current - previous) * 100.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caseload() -> Caseload {
        source::load(Path::new("report")).unwrap().caseload
    }

    #[test]
    fn opening_paragraph_figures_follow_from_the_counts() {
        let f = compute(&caseload(), 2023, &YamlSpans::default()).unwrap();
        assert_eq!(format::percent(f.received.change["total"], 1), "10.2%");
        assert_eq!(format::percent(f.closed.change["total"], 1), "16.3%");
        assert_eq!(f.pending.previous, 31571);
        assert_eq!(format::percent(f.pending.change, 1), "-17.6%");
        assert_eq!(format::percent(f.closure_ratio.current, 1), "105.5%");
        assert_eq!(format::fixed(f.closure_ratio.change_points, 1), "5.5");
        assert_eq!(format::fixed(f.acceptance.change_points, 1), "1.7");
        assert_eq!(f.per_judge.difference, 48);
    }
}
