//! The Markdown-plus-template pipeline: any text as a section, through Tera,
//! pulldown-cmark and the checks, must give a report or diagnostics, never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

/// The section the input replaces; the report lists no other (their text never changes,
/// and they made each run several times slower). Its English counterpart stays.
const SECTION: &str = "07-closing.md";

static SCRATCH: OnceLock<common::Scratch> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let scratch = SCRATCH.get_or_init(|| common::Scratch::with_only_section(SECTION));
    let file = scratch.report.join("zh").join(SECTION);
    std::fs::write(&file, data).unwrap();
    let checked = nianbao::check(&nianbao::Project::at(&scratch.report));
    let _ = checked.render_problems(&scratch.report);
    if !checked.has_errors() {
        // What resolves must also render.
        let project = nianbao::Project::at(&scratch.report);
        let site = nianbao::SiteOptions::default();
        let _ = nianbao::render::html::render(&checked.reports, &project.templates_dir, &site, &[]);
    }
});
