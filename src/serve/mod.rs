//! `nianbao serve`: build, serve the output on 127.0.0.1 (or `--host`), rebuild when
//! an input changes and show the new build in the open page.
//!
//! [`run`] is the entry point. Three small parts:
//!
//! - **watch**: every [`POLL`] the modification times of every file under `report/`,
//!   `templates/` and `fonts/` are compared with the last ones; a change is built once
//!   the files have been quiet for one more poll (editors may write in several steps).
//!   Polling is simpler and sturdier than OS notifications (editors that save by
//!   rename, network folders), and at 10 ms it costs a few dozen `stat` calls.
//! - **build**: each change runs the same check and render as `nianbao build`, serves
//!   the new files from memory at once and then writes `out/` (through the same
//!   output guard as `build`). A build with errors keeps the last good files; its
//!   diagnostics go to the terminal and onto every served page.
//! - **serve** (`http`): a small HTTP/1.1 server, one thread per connection, with
//!   limits on what a client may send and how long it may take, so that one slow or
//!   hostile client never holds up another. HTML responses get a small script that
//!   long-polls `/__nianbao/version?since=N`: the server answers as soon as a build
//!   (good or bad) happened, and the page shows the new build in place. The script is
//!   added on the way out and never written to `out/`.

mod http;

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime};

pub use http::{MAX_HEAD_BYTES, MAX_REQUEST_LINE_BYTES, TIMEOUT};

use crate::site::OutputFile;
use crate::{BuildError, Project, SiteOptions};

/// How often the inputs are looked at.
pub const POLL: Duration = Duration::from_millis(10);
/// How long a page's version request is held open when nothing changes.
const LONG_POLL: Duration = Duration::from_secs(25);
/// The endpoint the injected script polls.
pub const VERSION_PATH: &str = "/__nianbao/version";

pub struct ServeOptions {
    /// The address to serve on: 127.0.0.1 unless `--host` says otherwise.
    pub host: IpAddr,
    pub port: u16,
    pub out_dir: PathBuf,
    pub site: SiteOptions,
}

/// Why `serve` could not start.
#[derive(Debug)]
pub enum ServeError {
    /// The output guard refused the output folder (see `site::guard`).
    Refused(String),
    /// The address could not be bound.
    Bind(io::Error),
}

/// The warning `--host` prints when the draft becomes visible beyond this machine.
pub fn host_warning(host: IpAddr) -> Option<String> {
    (!host.is_loopback()).then(|| {
        let reach = if host.is_unspecified() {
            "every network this machine is on"
        } else {
            "the network of that address"
        };
        format!(
            "warning: serving on {host}: anyone on {reach} can read this draft, unpublished as it is"
        )
    })
}

/// A good build's files, shared by every response that sends one of them.
struct Built {
    files: Vec<OutputFile>,
    /// Path relative to `out/` (`zh/index.html`) → position in `files`.
    index: HashMap<String, usize>,
}

impl Built {
    fn new(files: Vec<OutputFile>) -> Built {
        let index = files
            .iter()
            .enumerate()
            .map(|(n, f)| (f.path.to_string_lossy().replace('\\', "/"), n))
            .collect();
        Built { files, index }
    }

    fn get(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }
}

/// What the server hands out: the last good build, and the last build's problems.
#[derive(Default)]
struct State {
    /// Bumped by every build, good or bad, so that open pages reload and show it.
    version: u64,
    /// The last good build, if any build has succeeded.
    built: Option<Arc<Built>>,
    /// The last build's problems, when it failed.
    error: Option<Arc<str>>,
}

/// The state, and the signal that wakes the pages' version requests when it changes.
/// The lock is held only to read or swap these few fields, never while sending.
#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    rebuilt: Condvar,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Build, then serve and rebuild until `stop` is set (by Ctrl-C or SIGTERM).
pub fn run(project: &Project, options: &ServeOptions, stop: &AtomicBool) -> Result<(), ServeError> {
    crate::site::check(&options.out_dir, &project.folders())
        .map_err(|refusal| ServeError::Refused(refusal.to_string()))?;
    let listener = TcpListener::bind((options.host, options.port)).map_err(ServeError::Bind)?;
    let address = listener.local_addr().map_err(ServeError::Bind)?;
    let state = Arc::new(Shared::default());
    rebuild(project, options, &state);
    {
        let state = Arc::clone(&state);
        std::thread::spawn(move || http::accept(listener, state));
    }
    if let Some(warning) = host_warning(options.host) {
        eprintln!("{warning}");
    }
    eprintln!("serving http://{address}/ (Ctrl-C stops)");
    let mut seen = fingerprint(project);
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(POLL);
        let now = fingerprint(project);
        if now == seen {
            continue;
        }
        // An editor may write a file in several steps: wait until it is quiet.
        seen = now;
        loop {
            std::thread::sleep(POLL);
            let now = fingerprint(project);
            if now == seen {
                break;
            }
            seen = now;
        }
        rebuild(project, options, &state);
    }
    eprintln!("stopped");
    Ok(())
}

/// Every input file with its modification time and length.
fn fingerprint(project: &Project) -> Vec<(PathBuf, SystemTime, u64)> {
    let mut files = Vec::new();
    let mut pending = vec![
        project.report_dir.clone(),
        project.templates_dir.clone(),
        project.fonts_dir.clone(),
    ];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                pending.push(path);
            } else {
                let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                files.push((path, modified, meta.len()));
            }
        }
    }
    files.sort();
    files
}

/// Build once; on success serve the new files, then write `out/`; else keep the old
/// ones and show the problems. Open pages reload either way.
fn rebuild(project: &Project, options: &ServeOptions, shared: &Shared) {
    let started = Instant::now();
    match crate::build_files(project, &options.site) {
        Ok((checked, files)) => {
            if !checked.problems.is_empty() {
                eprint!("{}", checked.render_problems(&project.report_dir));
            }
            let built = Arc::new(Built::new(files));
            publish(shared, |state| {
                state.built = Some(Arc::clone(&built));
                state.error = None;
            });
            let took = started.elapsed();
            match crate::write_site(project, &options.out_dir, &built.files) {
                Ok(()) => eprintln!(
                    "built {} in {} ms",
                    options.out_dir.display(),
                    took.as_millis()
                ),
                Err(message) => {
                    eprintln!("error: {message}\n(the pages are served all the same)")
                }
            }
        }
        Err(error) => {
            let text = match error {
                BuildError::Report(checked) => checked.render_problems(&project.report_dir),
                BuildError::Environment(message) => format!("error: {message}\n"),
            };
            eprint!("{text}");
            let good = shared.lock().built.is_some();
            if good {
                eprintln!("build failed: still serving the last good output");
            } else {
                eprintln!("build failed: no build has succeeded yet; the pages show the problems");
            }
            publish(shared, |state| state.error = Some(text.into()));
        }
    }
}

/// Changes the served state as one new version and wakes the waiting pages.
fn publish(shared: &Shared, change: impl FnOnce(&mut State)) {
    let mut state = shared.lock();
    change(&mut state);
    state.version += 1;
    shared.rebuilt.notify_all();
}

/// Waits for the next build (a long poll), then fetches the page again and puts its
/// body in place of the old one, keeping the scroll position: faster than a reload,
/// and the reader stays where they were. A changed stylesheet reloads the page.
/// Scripts that arrive inside the new body do not run (DOMParser), so this one
/// keeps polling.
const RELOAD_SCRIPT: &str = "<script>/* nianbao serve: show the page again after each build */\n\
(function(){var v=\"VERSION\";\
function swap(html){var next=new DOMParser().parseFromString(html,\"text/html\");\
var css=function(d){var l=d.querySelector('link[rel=\"stylesheet\"]');return l?l.getAttribute(\"href\"):\"\"};\
if(css(next)!==css(document)){location.reload();return}\
var y=window.scrollY;document.title=next.title;document.body.replaceWith(next.body);window.scrollTo(0,y)}\
function poll(){fetch(\"/__nianbao/version?since=\"+v,{cache:\"no-store\"}).then(function(r){return r.text()})\
.then(function(t){if(t===v){poll();return}v=t;\
return fetch(location.href,{cache:\"no-store\"}).then(function(r){return r.text()}).then(function(h){swap(h);poll()})})\
.catch(function(){setTimeout(poll,1000)})}poll()})();</script>\n";

/// What the problems panel says above the problems of a failed build.
fn panel_title(have_good_build: bool) -> &'static str {
    if have_good_build {
        "Build failed: showing the last good output."
    } else {
        "Build failed: no build has succeeded yet, so there is no output to show."
    }
}

/// Add the live-reload script and, after a failed build, the problems to a page.
/// `good` says whether the page is from a good build (or the placeholder shown
/// before any build succeeded).
pub fn inject(page: &str, version: u64, error: Option<&str>, good: bool) -> String {
    let script = RELOAD_SCRIPT.replace("VERSION", &version.to_string());
    let panel = error.map(|text| {
        format!(
            "<div id=\"nianbao-build-error\" role=\"alert\" lang=\"en\" style=\"position:sticky;top:0;z-index:10;\
             margin:0 0 1rem;padding:.75rem 1rem;background:#fff0f0;color:#600;border:2px solid #b00;\
             font:14px/1.5 monospace;text-align:left\"><strong>{}</strong>\
             <pre style=\"white-space:pre-wrap;margin:.5rem 0 0\">{}</pre></div>\n",
            panel_title(good),
            crate::render::html::escape(text)
        )
    });
    let mut out = String::with_capacity(page.len() + 2048);
    let body_open = page
        .find("<body")
        .and_then(|at| page[at..].find('>').map(|end| at + end + 1));
    let (head, rest) = match body_open {
        Some(at) => page.split_at(at),
        None => ("", page),
    };
    out.push_str(head);
    if let Some(panel) = &panel {
        out.push('\n');
        out.push_str(panel);
    }
    match rest.rfind("</body>") {
        Some(at) => {
            out.push_str(&rest[..at]);
            out.push_str(&script);
            out.push_str(&rest[at..]);
        }
        None => {
            out.push_str(rest);
            out.push_str(&script);
        }
    }
    out
}

fn content_type(name: &str) -> &'static str {
    match Path::new(name).extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("pdf") => "application/pdf",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("png") => "image/png",
        Some("json") => "application/json",
        _ => "text/plain; charset=utf-8",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_and_the_problems_are_added_inside_the_body() {
        let page = "<html><body class=\"x\">\n<p>text</p>\n</body></html>";
        let served = inject(page, 7, Some("report/zh/01.md:3:1 <oops>"), true);
        assert!(served.starts_with("<html><body class=\"x\">\n<div id=\"nianbao-build-error\""));
        assert!(served.contains("report/zh/01.md:3:1 &lt;oops&gt;"));
        assert!(served.contains("showing the last good output"));
        assert!(served.contains("var v=\"7\""));
        assert!(served.ends_with("</script>\n</body></html>"));
        assert!(!inject(page, 1, None, true).contains("nianbao-build-error"));
        let first = inject(page, 1, Some("problem"), false);
        assert!(first.contains("no build has succeeded yet"), "{first}");
        assert!(!first.contains("last good output"), "{first}");
    }

    #[test]
    fn only_addresses_beyond_this_machine_are_warned_about() {
        assert_eq!(host_warning("127.0.0.1".parse().unwrap()), None);
        assert_eq!(host_warning("127.0.0.2".parse().unwrap()), None);
        assert_eq!(host_warning("::1".parse().unwrap()), None);
        let lan = host_warning("192.168.1.20".parse().unwrap()).unwrap();
        assert!(
            lan.starts_with("warning: serving on 192.168.1.20: anyone on"),
            "{lan}"
        );
        assert!(!lan.contains('\n'));
        let all = host_warning("0.0.0.0".parse().unwrap()).unwrap();
        assert!(all.contains("every network"), "{all}");
    }
}
