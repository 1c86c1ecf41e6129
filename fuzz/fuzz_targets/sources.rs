//! The source loader: any bytes as any one of the report's YAML files must give a
//! report or diagnostics, never a panic or a hang.
//!
//! The first byte picks the file (`FILES[byte % FILES.len()]`), the rest is its content.
//! `fuzz/seeds/sources/NN-*.yaml` hold each real file behind the byte that picks it.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

/// Every YAML file the loader reads. `en/terminology.yaml` is left out: it is a guide
/// for translators that nianbao never reads, so fuzzing it would only waste runs.
/// Append new files at the end: a seed's first byte is its index here.
const FILES: [&str; 9] = [
    "report.yaml",
    "data/caseload.yaml",
    "data/tables.yaml",
    "zh/glossary.yaml",
    "en/cases.yaml",
    "data/charts.yaml",
    "zh/cases.yaml",
    "en/glossary.yaml",
    "en/labels.yaml",
];

static SCRATCH: OnceLock<common::Scratch> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let scratch = SCRATCH.get_or_init(common::Scratch::new);
    let Some((&which, content)) = data.split_first() else { return };
    let file = scratch.report.join(FILES[usize::from(which) % FILES.len()]);
    let original = std::fs::read(&file).unwrap();
    std::fs::write(&file, content).unwrap();
    let checked = nianbao::check(&nianbao::Project::at(&scratch.report));
    let _ = checked.render_problems(&scratch.report);
    std::fs::write(&file, original).unwrap();
});
