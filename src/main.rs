//! The `nianbao` command: parses arguments, calls the library, maps outcomes to exit codes
//! (0 ok, 1 problems in the report or changes found, 2 usage or environment).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use nianbao::diff::{self, version};
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
        /// `human` (default) on standard error, or `json` on standard output.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
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
        /// `human` (default) on standard error, or `json` on standard output.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Compare two versions: each a report folder or a git revision (HEAD~1, a tag, a branch).
    /// Exit status as diff(1): 0 no changes, 1 changes, 2 trouble.
    Diff {
        /// The old version: a report folder, or a git revision of the repository holding `--report`.
        old: String,
        /// The new version, in the same forms.
        new: String,
        /// Also write a self-contained HTML redline here.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The report folder in the working tree, whose path a git revision is read at.
        #[arg(long, default_value = "report")]
        report: PathBuf,
    },
    /// Roll the report over to YEAR: this year's figures become the comparison year,
    /// YEAR's are left empty, and every section is marked as a draft.
    New {
        /// The year the new report covers: the year after the current one.
        year: i32,
        /// The report folder to roll over, in place unless --to is given.
        #[arg(default_value = "report")]
        report_dir: PathBuf,
        /// Write the new report into this new folder instead.
        #[arg(long)]
        to: Option<PathBuf>,
    },
    /// Rewrite the Markdown prose to one sentence per line; the output does not change.
    Fmt {
        /// The report folder.
        #[arg(default_value = "report")]
        report_dir: PathBuf,
        /// Change nothing; exit 1 if a file is not formatted.
        #[arg(long)]
        check: bool,
    },
    /// The external diff `git diff` calls for report files (see README: diff.nianbao.command).
    #[command(hide = true)]
    GitDiff {
        /// path old-file old-hex old-mode new-file new-hex new-mode, as git passes them.
        #[arg(num_args = 1..)]
        args: Vec<String>,
    },
}

/// How problems are shown.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

fn show_problems(checked: &nianbao::Checked, report_dir: &Path, format: Format) {
    match format {
        Format::Human => eprint!("{}", checked.render_problems_for_stderr(report_dir)),
        Format::Json => println!("{}", checked.problems_json(report_dir)),
    }
}

const EXIT_PROBLEMS: u8 = 1;
const EXIT_ENVIRONMENT: u8 = 2;

/// Every command that reads a report folder refuses a missing or wrong one alike.
fn report_folder(dir: &Path) -> Result<(), ExitCode> {
    nianbao::source::files::report_dir(dir).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(EXIT_ENVIRONMENT)
    })
}

fn main() -> ExitCode {
    let command = Cli::parse().command;
    let folder = match &command {
        Command::Build { report_dir, .. }
        | Command::Serve { report_dir, .. }
        | Command::Check { report_dir, .. }
        | Command::New { report_dir, .. }
        | Command::Fmt { report_dir, .. } => Some(report_dir.as_path()),
        Command::Diff { .. } | Command::GitDiff { .. } => None,
    };
    if let Some(dir) = folder
        && let Err(code) = report_folder(dir)
    {
        return code;
    }
    match command {
        Command::Build {
            report_dir,
            out,
            format,
            base_url,
        } => {
            let project = Project::at(&report_dir);
            match nianbao::build_with(&project, &out, &SiteOptions { base_url }) {
                Ok(checked) => {
                    if !checked.problems.is_empty() || format == Format::Json {
                        show_problems(&checked, &report_dir, format);
                    }
                    eprintln!("built {}", out.display());
                    ExitCode::SUCCESS
                }
                Err(BuildError::Report(checked)) => {
                    show_problems(&checked, &report_dir, format);
                    eprintln!("nothing written: {} is unchanged", out.display());
                    ExitCode::from(EXIT_PROBLEMS)
                }
                Err(e @ BuildError::Environment(_)) => {
                    eprintln!("error: {e}");
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
        Command::Diff {
            old,
            new,
            output,
            report,
        } => diff(&old, &new, output.as_deref(), &report),
        Command::New {
            year,
            report_dir,
            to,
        } => new_year(year, &report_dir, to.as_deref()),
        Command::Fmt { report_dir, check } => fmt(&report_dir, check),
        Command::GitDiff { args } => git_diff(&args),
        Command::Check {
            report_dir,
            strict,
            format,
        } => {
            let checked = nianbao::check_with(&Project::at(&report_dir), CheckOptions { strict });
            show_problems(&checked, &report_dir, format);
            if checked.has_errors() {
                ExitCode::from(EXIT_PROBLEMS)
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}

fn serve(report_dir: &std::path::Path, out_dir: PathBuf, port: u16) -> ExitCode {
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

fn diff(old: &str, new: &str, output: Option<&Path>, report: &Path) -> ExitCode {
    let compared = version::open(old, report).and_then(|old_version| {
        let new_version = version::open(new, report)?;
        diff::compare(&old_version, &new_version)
    });
    let report_diff = match compared {
        Ok(d) => d,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_ENVIRONMENT);
        }
    };
    print!("{}", report_diff.summary());
    if let Some(path) = output
        && let Err(e) = std::fs::write(path, report_diff.to_html())
    {
        eprintln!("error: cannot write {}: {e}", path.display());
        return ExitCode::from(EXIT_ENVIRONMENT);
    }
    if report_diff.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_PROBLEMS)
    }
}

fn new_year(year: i32, report_dir: &Path, to: Option<&Path>) -> ExitCode {
    match nianbao::rollover::new_year(report_dir, year, to) {
        Ok(rolled) => {
            let dir = rolled.report_dir.display();
            eprintln!(
                "{dir} now covers {year}, compared with {}: data/caseload.yaml has {year}'s figures empty, and {} section(s) are marked as drafts",
                rolled.from_year,
                rolled.drafts.len()
            );
            if to.is_none() {
                eprintln!(
                    "the {} report stays in git history; tag it if you have not: git tag report-{} HEAD",
                    rolled.from_year, rolled.from_year
                );
            }
            eprintln!(
                "next: `nianbao check {dir}` lists every figure to fill in and every section to rewrite"
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_ENVIRONMENT)
        }
    }
}

fn fmt(report_dir: &Path, check: bool) -> ExitCode {
    let result = if check {
        nianbao::fmt::unformatted(report_dir)
    } else {
        nianbao::fmt::fmt(report_dir)
    };
    match result {
        Ok(files) => {
            let verb = if check { "not formatted" } else { "formatted" };
            for file in &files {
                eprintln!("{verb}: {}", report_dir.join(file).display());
            }
            if check && !files.is_empty() {
                ExitCode::from(EXIT_PROBLEMS)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("error: {}: {e}", report_dir.display());
            ExitCode::from(EXIT_ENVIRONMENT)
        }
    }
}

/// As git's external diff: print the comparison, and exit 0 on changes (git stops on
/// any other status).
fn git_diff(args: &[String]) -> ExitCode {
    let [path, old_file, _, _, new_file, ..] = args else {
        eprintln!("error: git-diff takes the arguments git passes to an external diff");
        return ExitCode::from(EXIT_ENVIRONMENT);
    };
    let compared = version::from_git_driver(path, Path::new(old_file), Path::new(new_file))
        .and_then(|(old, new)| diff::compare(&old, &new));
    match compared {
        Ok(report_diff) => {
            print!("{}", report_diff.summary());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("nianbao: {message}");
            ExitCode::from(EXIT_ENVIRONMENT)
        }
    }
}
