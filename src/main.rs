//! The `nianbao` command: parses arguments, calls the library, maps outcomes to exit codes
//! (0 ok, 1 problems in the report or changes found, 2 usage or environment).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGXFSZ};

use nianbao::diff::{self, version};
use nianbao::rollover::Kept;
use nianbao::serve::{ServeError, ServeOptions};
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
    /// fonts/ change; open pages reload themselves. Ctrl-C (or SIGTERM) stops.
    Serve {
        /// The report folder.
        #[arg(default_value = "report")]
        report_dir: PathBuf,
        /// The output folder, rewritten by every good build.
        #[arg(short, long, default_value = "out")]
        out: PathBuf,
        /// The port; 0 picks a free one.
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// The address to serve on, e.g. this machine's address on the office network to
        /// check the page on a phone. Anyone on that network can then read the draft.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
        host: IpAddr,
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
        /// Roll over in place even when the report is not committed in git (the old
        /// year is then kept nowhere).
        #[arg(long)]
        force: bool,
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
    // With a handler for SIGXFSZ, a write past a file-size limit (`ulimit -f`) fails
    // with an error naming the file, instead of the signal killing the process before
    // it can clean up.
    let _ = signal_hook::flag::register(SIGXFSZ, Arc::new(AtomicBool::new(false)));
    let command = Cli::parse().command;
    if !matches!(command, Command::Serve { .. }) {
        // Commands that write files: a stop removes what they had not finished.
        if let Err(e) = remove_unfinished_on_signals() {
            eprintln!("error: cannot handle Ctrl-C: {e}");
            return ExitCode::from(EXIT_ENVIRONMENT);
        }
    }
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
            host,
        } => serve(&report_dir, out, host, port),
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
            force,
        } => new_year(year, &report_dir, to.as_deref(), force),
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

/// On SIGINT, SIGTERM or SIGHUP: remove the staging folders and temporary files this
/// process had not finished (`nianbao::atomic`), then exit with 128 + the signal's
/// number, as a shell reports a process the signal ended.
fn remove_unfinished_on_signals() -> std::io::Result<()> {
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            // Held until exit, so that no write is finished after the clean-up.
            let _unfinished = nianbao::atomic::abandon();
            eprintln!("interrupted: unfinished files removed; earlier files are whole");
            std::process::exit(128 + signal);
        }
    });
    Ok(())
}

fn serve(report_dir: &std::path::Path, out_dir: PathBuf, host: IpAddr, port: u16) -> ExitCode {
    // Ctrl-C and SIGTERM only raise a flag: a build in progress finishes, so out/ is
    // never half-written.
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [SIGINT, SIGTERM, SIGHUP] {
        if let Err(e) = signal_hook::flag::register(signal, Arc::clone(&stop)) {
            eprintln!("error: cannot handle Ctrl-C: {e}");
            return ExitCode::from(EXIT_ENVIRONMENT);
        }
    }
    let options = ServeOptions {
        host,
        port,
        out_dir,
        site: SiteOptions::default(),
    };
    match nianbao::serve::run(&Project::at(report_dir), &options, &stop) {
        Ok(()) => ExitCode::SUCCESS,
        Err(ServeError::Refused(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_ENVIRONMENT)
        }
        Err(ServeError::Bind(e)) if e.kind() == std::io::ErrorKind::AddrInUse => {
            eprintln!(
                "error: port {port} on {host} is in use (another server?)\n  hint: choose another with --port N, or `--port 0` for a free one"
            );
            ExitCode::from(EXIT_ENVIRONMENT)
        }
        Err(ServeError::Bind(e)) => {
            eprintln!("error: cannot serve on {host}:{port}: {e}");
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
    if let Some(path) = output {
        // The redline never lands on a source: `-o report/zh/01-security.md` is a slip.
        let inside = |dir: &Path| {
            let (Ok(dir), Some(Ok(parent))) = (
                std::fs::canonicalize(dir),
                std::path::absolute(path)
                    .ok()
                    .and_then(|p| p.parent().map(std::fs::canonicalize)),
            ) else {
                return false;
            };
            parent.starts_with(dir)
        };
        if inside(report) {
            eprintln!(
                "error: {} is inside the report folder {}: the redline is written elsewhere, e.g. -o redline.html",
                path.display(),
                report.display()
            );
            return ExitCode::from(EXIT_ENVIRONMENT);
        }
        if let Err(e) = nianbao::atomic::write(path, report_diff.to_html().as_bytes()) {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_ENVIRONMENT);
        }
    }
    if report_diff.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_PROBLEMS)
    }
}

fn new_year(year: i32, report_dir: &Path, to: Option<&Path>, force: bool) -> ExitCode {
    match nianbao::rollover::new_year(report_dir, year, to, force) {
        Ok(rolled) => {
            let dir = rolled.report_dir.display();
            let from = rolled.from_year;
            eprintln!(
                "{dir} now covers {year}, compared with {from}: data/caseload.yaml has {year}'s figures empty, and {} section(s) are marked as drafts",
                rolled.drafts.len()
            );
            match &rolled.kept {
                Kept::Folder(old) => {
                    eprintln!("the {from} report stays in {}, unchanged", old.display());
                }
                Kept::Commit { commit, path } => eprintln!(
                    "the {from} report stays in git at commit {commit} (`git show {commit}:{path}/report.yaml`); tag it: git tag report-{from} {commit}"
                ),
                Kept::Nowhere => eprintln!(
                    "warning: the {from} report is kept nowhere (--force, and not committed in git)"
                ),
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
            eprintln!("error: {e}");
            eprintln!("no file was cut short: each is as it was, or formatted whole");
            ExitCode::from(EXIT_ENVIRONMENT)
        }
    }
}

/// As git's external diff: print the comparison (or a line diff with a note, see
/// `diff::git_driver`), and exit 0, for git stops the whole diff on any other status.
fn git_diff(args: &[String]) -> ExitCode {
    let [path, old_file, _, _, new_file, ..] = args else {
        eprintln!("error: git-diff takes the arguments git passes to an external diff");
        return ExitCode::from(EXIT_ENVIRONMENT);
    };
    print!(
        "{}",
        diff::git_driver::show(path, Path::new(old_file), Path::new(new_file))
    );
    ExitCode::SUCCESS
}
