//! `nianbao serve`: build, serve the output on 127.0.0.1, rebuild when an input changes
//! and reload the open page.
//!
//! [`run`] is the entry point. Three small parts:
//!
//! - **watch**: every [`POLL`] the modification times of every file under `report/`,
//!   `templates/` and `fonts/` are compared with the last ones; a change is built once
//!   the files have been quiet for one more poll (editors may write in several steps).
//!   Polling is simpler and sturdier than OS notifications (editors that save by
//!   rename, network folders), and at 10 ms it costs a few dozen `stat` calls.
//! - **build**: each change runs the same check and render as `nianbao build`, serves
//!   the new files from memory at once and then writes `out/`. A build with errors
//!   keeps the last good files; its diagnostics go to the terminal and onto every
//!   served page.
//! - **serve**: a std-only HTTP/1.1 server, one short-lived thread per request. HTML
//!   responses get a small script that long-polls `/__nianbao/version?since=N`: the
//!   server answers as soon as a build (good or bad) happened, and the page shows the
//!   new build in place. The script is added on the way out and never written to
//!   `out/`.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime};

use crate::render::html::escape;
use crate::{BuildError, Project, SiteOptions};

/// How often the inputs are looked at.
pub const POLL: Duration = Duration::from_millis(10);
/// How long a page's version request is held open when nothing changes.
const LONG_POLL: Duration = Duration::from_secs(25);
/// The endpoint the injected script polls.
pub const VERSION_PATH: &str = "/__nianbao/version";

pub struct ServeOptions {
    pub port: u16,
    pub out_dir: PathBuf,
    pub site: SiteOptions,
}

/// What the server hands out: the last good build, and the last build's problems.
#[derive(Default)]
struct State {
    /// Bumped by every build, good or bad, so that open pages reload and show it.
    version: u64,
    /// The last good build's files, by path relative to `out/` (`zh/index.html`).
    files: BTreeMap<String, Vec<u8>>,
    /// The last build's problems, when it failed.
    error: Option<String>,
}

/// The state, and the signal that wakes the pages' version requests when it changes.
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

/// Build, then serve and rebuild until `stop` is set (by Ctrl-C).
pub fn run(project: &Project, options: &ServeOptions, stop: &AtomicBool) -> io::Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", options.port))?;
    let address = listener.local_addr()?;
    let state = Arc::new(Shared::default());
    rebuild(project, options, &state);
    {
        let state = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&state);
                std::thread::spawn(move || {
                    let _ = respond(stream, &state);
                });
            }
        });
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
            publish(shared, |state| {
                state.files = files
                    .iter()
                    .map(|f| (f.path.to_string_lossy().replace('\\', "/"), f.bytes.clone()))
                    .collect();
                state.error = None;
            });
            let built = started.elapsed();
            match crate::site::write(&options.out_dir, &files) {
                Ok(()) => eprintln!(
                    "built {} in {} ms",
                    options.out_dir.display(),
                    built.as_millis()
                ),
                Err(e) => eprintln!(
                    "error: cannot write {}: {e} (the pages are served all the same)",
                    options.out_dir.display()
                ),
            }
        }
        Err(error) => {
            let text = match error {
                BuildError::Report(checked) => checked.render_problems(&project.report_dir),
                BuildError::Environment(message) => format!("error: {message}\n"),
            };
            eprint!("{text}");
            eprintln!("build failed: still serving the last good output");
            publish(shared, |state| state.error = Some(text));
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

/// Answer one request.
fn respond(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // The headers are read and ignored: nothing here depends on them.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let mut stream = reader.into_inner();
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if method != "GET" && method != "HEAD" {
        return send(
            &mut stream,
            method,
            405,
            "text/plain",
            b"method not allowed",
        );
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let mut state = shared.lock();
    if path == VERSION_PATH {
        // `?since=N`: hold the answer until the version is another than N.
        let since = target
            .split_once("?since=")
            .and_then(|(_, v)| v.parse::<u64>().ok());
        if let Some(since) = since {
            state = shared
                .rebuilt
                .wait_timeout_while(state, LONG_POLL, |s| s.version == since)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        return send(
            &mut stream,
            method,
            200,
            "text/plain",
            state.version.to_string().as_bytes(),
        );
    }
    let (status, name, bytes) = lookup(&state, path);
    if status == 301 {
        return redirect(&mut stream, &name);
    }
    let content_type = content_type(&name);
    if content_type.starts_with("text/html") {
        let page = String::from_utf8_lossy(&bytes);
        let page = inject(&page, state.version, state.error.as_deref());
        return send(&mut stream, method, status, content_type, page.as_bytes());
    }
    send(&mut stream, method, status, content_type, &bytes)
}

/// The file for a request path: `(status, file name, bytes)`. A folder without its
/// trailing slash is redirected (status 301, the name is the new location), so that
/// the pages' relative links resolve as they will on the court's server.
fn lookup(state: &State, path: &str) -> (u16, String, Vec<u8>) {
    let relative = path.trim_start_matches('/');
    let unsafe_path = relative.split('/').any(|s| s == "..");
    let name = if relative.is_empty() || relative.ends_with('/') {
        format!("{relative}index.html")
    } else {
        relative.to_string()
    };
    if !unsafe_path {
        if let Some(bytes) = state.files.get(&name) {
            return (200, name, bytes.clone());
        }
        if state.files.contains_key(&format!("{name}/index.html")) {
            return (301, format!("{path}/"), Vec::new());
        }
    }
    if state.files.is_empty() {
        // No good build yet: every page is the error.
        return (500, "error.html".into(), error_page().into_bytes());
    }
    match state.files.get("404.html") {
        Some(bytes) => (404, "404.html".into(), bytes.clone()),
        None => (404, "404.txt".into(), b"not found".to_vec()),
    }
}

fn error_page() -> String {
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head>\n<body>\n<main><h1>No good build yet</h1></main>\n</body></html>\n".into()
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

/// Add the live-reload script and, after a failed build, the problems to a page.
pub fn inject(page: &str, version: u64, error: Option<&str>) -> String {
    let script = RELOAD_SCRIPT.replace("VERSION", &version.to_string());
    let panel = error.map(|text| {
        format!(
            "<div id=\"nianbao-build-error\" role=\"alert\" lang=\"en\" style=\"position:sticky;top:0;z-index:10;\
             margin:0 0 1rem;padding:.75rem 1rem;background:#fff0f0;color:#600;border:2px solid #b00;\
             font:14px/1.5 monospace;text-align:left\"><strong>Build failed: showing the last good output.</strong>\
             <pre style=\"white-space:pre-wrap;margin:.5rem 0 0\">{}</pre></div>\n",
            escape(text)
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

fn send(
    stream: &mut TcpStream,
    method: &str,
    status: u16,
    content_type: &str,
    body: &[u8],
) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Internal Server Error",
    };
    // Never cached: the next edit must show on the next load.
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if method != "HEAD" {
        stream.write_all(body)?;
    }
    stream.flush()
}

fn redirect(stream: &mut TcpStream, location: &str) -> io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 301 Moved Permanently\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        let mut state = State::default();
        for (name, text) in [
            ("index.html", "top"),
            ("zh/index.html", "zh"),
            ("404.html", "gone"),
        ] {
            state.files.insert(name.into(), text.as_bytes().to_vec());
        }
        state
    }

    #[test]
    fn folders_serve_their_index_and_redirect_without_a_slash() {
        let state = state();
        assert_eq!(lookup(&state, "/").2, b"top");
        assert_eq!(lookup(&state, "/zh/").2, b"zh");
        assert_eq!(lookup(&state, "/zh").0, 301);
        assert_eq!(lookup(&state, "/zh").1, "/zh/");
        let (status, _, bytes) = lookup(&state, "/../etc/passwd");
        assert_eq!((status, bytes.as_slice()), (404, b"gone".as_slice()));
    }

    #[test]
    fn the_script_and_the_problems_are_added_inside_the_body() {
        let page = "<html><body class=\"x\">\n<p>text</p>\n</body></html>";
        let served = inject(page, 7, Some("report/zh/01.md:3:1 <oops>"));
        assert!(served.starts_with("<html><body class=\"x\">\n<div id=\"nianbao-build-error\""));
        assert!(served.contains("report/zh/01.md:3:1 &lt;oops&gt;"));
        assert!(served.contains("var v=\"7\""));
        assert!(served.ends_with("</script>\n</body></html>"));
        assert!(!inject(page, 1, None).contains("nianbao-build-error"));
    }
}
