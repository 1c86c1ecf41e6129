//! The benchmarks' synthetic reports (`nianbao::synthetic`) are reports like any
//! other: they check clean, with the translation current, and hold what they claim.

mod common;

use common::repo;
use nianbao::model::{Block, Lang};
use nianbao::synthetic::{Scale, scaled_copy};
use nianbao::{CheckOptions, Project};

fn checked(scale: Scale) -> (tempfile::TempDir, nianbao::Checked) {
    let dir = tempfile::tempdir().unwrap();
    let report = scaled_copy(&repo(), &dir.path().join("copy"), scale).unwrap();
    let project = Project::at(&report);
    let checked = nianbao::check_with(&project, CheckOptions { strict: true });
    assert!(
        !checked.has_errors(),
        "{}",
        checked.render_problems(&project.report_dir)
    );
    (dir, checked)
}

fn blocks(checked: &nianbao::Checked, lang: Lang) -> usize {
    let report = checked.reports.iter().find(|r| r.lang == lang).unwrap();
    report.body.len()
}

#[test]
fn repeated_sections_check_clean_and_repeat_every_block() {
    let (_one, original) = checked(Scale {
        times: 1,
        categories: None,
    });
    let (_three, tripled) = checked(Scale {
        times: 3,
        categories: None,
    });
    for lang in [Lang::Zh, Lang::En] {
        assert_eq!(
            blocks(&tripled, lang),
            3 * blocks(&original, lang),
            "{lang:?}"
        );
    }
}

#[test]
fn more_categories_give_annex_tables_of_that_many_rows() {
    let (_dir, checked) = checked(Scale {
        times: 1,
        categories: Some(40),
    });
    for report in &checked.reports {
        let tables: Vec<_> = report
            .annexes
            .iter()
            .flat_map(|a| &a.blocks)
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
            .collect();
        assert_eq!(tables.len(), 2, "{:?}", report.lang);
        for table in tables {
            // One row per category, then the total.
            assert_eq!(table.rows.len(), 41, "{:?} {}", report.lang, table.id);
        }
    }
}
