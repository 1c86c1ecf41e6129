//! Writes a larger copy of the sample report, for timing whole processes
//! (`bench/run`):
//!
//!     cargo run --release --example scaled -- TIMES [CATEGORIES] OUT
//!
//! TIMES repeats every section; CATEGORIES (optional) grows the annex tables to
//! that many rows. The report lands in OUT/report, ready for `nianbao build`.

use std::path::Path;
use std::process::ExitCode;

use nianbao::synthetic::{Scale, scaled_copy};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (times, categories, out) = match args.as_slice() {
        [times, out] => (times, None, out),
        [times, categories, out] => (times, Some(categories), out),
        _ => {
            eprintln!("usage: scaled TIMES [CATEGORIES] OUT");
            return ExitCode::from(2);
        }
    };
    let (Ok(times), Ok(categories)) = (
        times.parse::<usize>(),
        categories.map(|c| c.parse::<usize>()).transpose(),
    ) else {
        eprintln!("TIMES and CATEGORIES are whole numbers");
        return ExitCode::from(2);
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    match scaled_copy(repo, Path::new(out), Scale { times, categories }) {
        Ok(report) => {
            println!("{}", report.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
