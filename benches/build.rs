//! `cargo bench`: each stage of a build, in process, on the sample report and on
//! larger copies of it (sections repeated ×10 and ×50; annex tables of 2,000
//! rows), so that the growth of time with the length of a report shows. Whole
//! processes, peak memory and the targets are measured by `bench/run`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use nianbao::render::{html, pdf};
use nianbao::synthetic::{Scale, scaled_copy};
use nianbao::{Project, SiteOptions};

fn main() {
    divan::main();
    let _ = std::fs::remove_dir_all(scratch());
}

/// Where this run's synthetic reports are written.
fn scratch() -> PathBuf {
    std::env::temp_dir().join(format!("nianbao-bench-{}", std::process::id()))
}

/// The reports measured: the sample itself, then the synthetic ones.
const REPORTS: [&str; 4] = ["x1", "x10", "x50", "rows2000"];

fn project(name: &str) -> Project {
    static DIRS: OnceLock<Vec<(String, PathBuf)>> = OnceLock::new();
    let dirs = DIRS.get_or_init(|| {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let scratch = scratch();
        let scaled = |name: &str, scale| {
            let report = scaled_copy(repo, &scratch.join(name), scale).expect("scaled copy");
            (name.to_string(), report)
        };
        vec![
            ("x1".into(), repo.join("report")),
            scaled(
                "x10",
                Scale {
                    times: 10,
                    categories: None,
                },
            ),
            scaled(
                "x50",
                Scale {
                    times: 50,
                    categories: None,
                },
            ),
            scaled(
                "rows2000",
                Scale {
                    times: 1,
                    categories: Some(2000),
                },
            ),
        ]
    });
    let dir = &dirs
        .iter()
        .find(|(n, _)| n == name)
        .expect("a known report")
        .1;
    Project::at(dir)
}

fn fonts() -> &'static pdf::Fonts {
    static FONTS: OnceLock<pdf::Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        pdf::Fonts::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts")).expect("fonts")
    })
}

/// Load, resolve and check both languages.
#[divan::bench(args = REPORTS, sample_count = 20)]
fn check(bencher: divan::Bencher, name: &str) {
    let project = project(name);
    bencher.bench(|| nianbao::check(&project));
}

/// Every page of the site (both languages, parallel view, landing, 404), from
/// checked reports.
#[divan::bench(args = REPORTS, sample_count = 20)]
fn html_only(bencher: divan::Bencher, name: &str) {
    let project = project(name);
    let checked = nianbao::check(&project);
    bencher.bench(|| {
        html::render(
            &checked.reports,
            &project.templates_dir,
            &SiteOptions::default(),
            &[],
        )
        .expect("pages")
    });
}

/// Both PDFs, one after the other, from checked reports (fonts mapped once).
#[divan::bench(args = REPORTS, sample_count = 10)]
fn pdf_only(bencher: divan::Bencher, name: &str) {
    let project = project(name);
    let checked = nianbao::check(&project);
    let fonts = fonts();
    bencher.bench(|| {
        for report in &checked.reports {
            pdf::render(report, fonts).expect("a PDF");
        }
    });
}

/// What `nianbao build` does, short of writing `out/`: check, both PDFs in
/// parallel, every page.
#[divan::bench(args = REPORTS, sample_count = 10)]
fn full_build(bencher: divan::Bencher, name: &str) {
    let project = project(name);
    bencher.bench(|| nianbao::build_files(&project, &SiteOptions::default()).expect("a build"));
}
