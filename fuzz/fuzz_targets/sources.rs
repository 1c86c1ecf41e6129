//! The source loader: any bytes as any one of the report's YAML files must give a
//! report or diagnostics, never a panic or a hang.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

const FILES: [&str; 5] = ["report.yaml", "data/caseload.yaml", "data/tables.yaml", "zh/glossary.yaml", "en/cases.yaml"];

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
