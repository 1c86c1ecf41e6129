//! The `nianbao` command: parses arguments, calls the library, maps outcomes to exit codes
//! (0 ok, 1 problems in the report, 2 usage or environment).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use nianbao::{BuildError, CheckOptions, Project};

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
        Command::Build { report_dir, out } => {
            let project = Project::at(&report_dir);
            match nianbao::build(&project, &out) {
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
