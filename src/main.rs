//! The `nianbao` command: parses arguments, calls the library, maps outcomes to exit codes
//! (0 ok, 1 problems in the report, 2 usage or environment).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use nianbao::serve::ServeOptions;
use nianbao::{BuildError, CheckOptions, Project, SiteOptions};

#[derive(Parser)]
#[command(
    name = "nianbao",
    version,
    about = "Build a court's yearly work report into a web page and a PDF"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check the report, then write the web page and the PDF into the output folder.
    Build {
        /// The report folder.
        #[arg(default_value = "report")]
        report_dir: PathBuf,
        /// The output folder; replaced whole, and only when the build succeeds.
        #[arg(short, long, default_value = "out")]
        out: PathBuf,
        /// The address the output will be published at (e.g. https://court.example/report/2023/),
        /// for canonical links; every other link stays relative.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
    /// Build, serve the output on 127.0.0.1 and rebuild whenever report/, templates/ or
    /// fonts/ change; open pages reload themselves. Ctrl-C stops.
    Serve {
        /// The report folder.
        #[arg(default_value = "report")]
        report_dir: PathBuf,
        /// The output folder, rewritten by every good build.
        #[arg(short, long, default_value = "out")]
        out: PathBuf,
        /// The port on 127.0.0.1; 0 picks a free one.
        #[arg(long, default_value_t = 8000)]
        port: u16,
    },
    /// Check the report and list every problem, writing nothing.
    Check {
        /// The report folder.
        #[arg(default_value = "report")]
        report_dir: PathBuf,
        /// Treat untranslated blocks and stale translations as errors.
        #[arg(long)]
        strict: bool,
    },
}

const EXIT_PROBLEMS: u8 = 1;
const EXIT_ENVIRONMENT: u8 = 2;

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Build {
            report_dir,
            out,
            base_url,
        } => {
            let project = Project::at(&report_dir);
            match nianbao::build_with(&project, &out, &SiteOptions { base_url }) {
                Ok(checked) => {
                    if !checked.problems.is_empty() {
                        eprint!("{}", checked.render_problems(&report_dir));
                    }
                    eprintln!("built {}", out.display());
                    ExitCode::SUCCESS
                }
                Err(BuildError::Report(checked)) => {
                    eprint!("{}", checked.render_problems(&report_dir));
                    eprintln!("nothing written: {} is unchanged", out.display());
                    ExitCode::from(EXIT_PROBLEMS)
                }
                Err(BuildError::Environment(message)) => {
                    eprintln!("error: {message}");
                    eprintln!("nothing written: {} is unchanged", out.display());
                    ExitCode::from(EXIT_ENVIRONMENT)
                }
            }
        }
        Command::Serve {
            report_dir,
            out,
            port,
        } => serve(&report_dir, out, port),
        Command::Check { report_dir, strict } => {
            if !report_dir.is_dir() {
                eprintln!("error: {} is not a folder", report_dir.display());
                return ExitCode::from(EXIT_ENVIRONMENT);
            }
            let checked = nianbao::check_with(&Project::at(&report_dir), CheckOptions { strict });
            eprint!("{}", checked.render_problems(&report_dir));
            if checked.has_errors() {
                ExitCode::from(EXIT_PROBLEMS)
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}

fn serve(report_dir: &std::path::Path, out_dir: PathBuf, port: u16) -> ExitCode {
    if !report_dir.is_dir() {
        eprintln!("error: {} is not a folder", report_dir.display());
        return ExitCode::from(EXIT_ENVIRONMENT);
    }
    // Ctrl-C only raises a flag: a build in progress finishes, so out/ is never half-written.
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    if let Err(e) = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst)) {
        eprintln!("error: cannot handle Ctrl-C: {e}");
        return ExitCode::from(EXIT_ENVIRONMENT);
    }
    let options = ServeOptions {
        port,
        out_dir,
        site: SiteOptions::default(),
    };
    match nianbao::serve::run(&Project::at(report_dir), &options, &stop) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot serve on 127.0.0.1:{port}: {e}");
            ExitCode::from(EXIT_ENVIRONMENT)
        }
    }
}
