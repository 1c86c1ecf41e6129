//! The HTTP side of `serve`: one thread per connection, each bounded in what it reads
//! and how long it waits, so that a slow, stalled or hostile client costs one thread
//! for a limited time and never delays another.
//!
//! - the request line may be at most [`MAX_REQUEST_LINE_BYTES`] (else 414), the whole
//!   head at most [`MAX_HEAD_BYTES`] (else 431); the head is read into a buffer of that
//!   size at most, whatever the client sends;
//! - reading the head and every write have [`TIMEOUT`];
//! - at most [`MAX_CONNECTIONS`] at once (else 503);
//! - only GET and HEAD (else 405 with `Allow`);
//! - a response is sent without holding the state's lock: the files of a build are
//!   shared by reference (`Arc`), so a client that stops reading holds up no one.
//!
//! After an error answer the connection is closed gracefully: the server stops
//! sending, then reads and discards what the client still sends (for a bounded time
//! and amount), so that the client sees the answer instead of a reset.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::{Built, LONG_POLL, Shared, VERSION_PATH, content_type, inject};

/// The longest request line accepted (method, path, version).
pub const MAX_REQUEST_LINE_BYTES: usize = 8 * 1024;
/// The longest request head accepted (request line and headers).
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// How long a client may take to send its request head, and each write may wait.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once.
const MAX_CONNECTIONS: usize = 256;
/// At most this much is read and discarded after an error answer.
const MAX_DISCARD_BYTES: u64 = 64 * 1024 * 1024;

/// Accept connections on `listener` for as long as the process runs.
pub(super) fn accept(listener: TcpListener, shared: Arc<Shared>) {
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming().flatten() {
        if open.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            let mut stream = stream;
            let _ = stream.set_nonblocking(true);
            let _ = send_status(&mut stream, 503, "too many connections, try again");
            continue;
        }
        open.fetch_add(1, Ordering::SeqCst);
        let (shared, open) = (Arc::clone(&shared), Arc::clone(&open));
        let spawned = std::thread::Builder::new().spawn(move || {
            let _ = connection(stream, &shared);
            open.fetch_sub(1, Ordering::SeqCst);
        });
        if spawned.is_err() {
            // No thread to serve it: the connection is dropped, and so is the count.
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// A request head, as far as `serve` needs it.
#[derive(Debug, PartialEq, Eq)]
enum Head {
    Request { method: String, target: String },
    LineTooLong,
    TooLarge,
    Malformed,
}

/// Serve one connection: one request, one answer, then close.
fn connection(mut stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_write_timeout(Some(TIMEOUT))?;
    let head = read_head(&mut stream)?;
    let (method, target) = match head {
        Head::Request { method, target } => (method, target),
        Head::LineTooLong => return refuse(stream, 414, "request line too long"),
        Head::TooLarge => return refuse(stream, 431, "request headers too large"),
        Head::Malformed => return refuse(stream, 400, "malformed request"),
    };
    if method != "GET" && method != "HEAD" {
        return refuse(stream, 405, "only GET and HEAD");
    }
    let head_only = method == "HEAD";
    let path = target.split(['?', '#']).next().unwrap_or("/");
    if path == VERSION_PATH {
        let since = target
            .split_once("?since=")
            .and_then(|(_, v)| v.parse::<u64>().ok());
        let version = wait_for_version(shared, since);
        return send(
            &mut stream,
            head_only,
            200,
            "text/plain",
            &[],
            version.to_string().as_bytes(),
        );
    }
    // Only what the answer needs is taken from the state; the lock is let go at once.
    let (version, error, built) = {
        let state = shared.lock();
        (state.version, state.error.clone(), state.built.clone())
    };
    match lookup(built.as_deref(), path) {
        Found::File(n) => {
            let built = built
                .as_deref()
                .unwrap_or_else(|| unreachable!("found in a build"));
            answer(
                &mut stream,
                head_only,
                200,
                built,
                n,
                version,
                error.as_deref(),
            )
        }
        Found::Missing(Some(n)) => {
            let built = built
                .as_deref()
                .unwrap_or_else(|| unreachable!("found in a build"));
            answer(
                &mut stream,
                head_only,
                404,
                built,
                n,
                version,
                error.as_deref(),
            )
        }
        Found::Missing(None) => send(
            &mut stream,
            head_only,
            404,
            "text/plain; charset=utf-8",
            &[],
            b"not found",
        ),
        Found::Redirect(location) => {
            let header = format!("Location: {location}\r\n");
            send(
                &mut stream,
                head_only,
                301,
                "text/plain; charset=utf-8",
                &[&header],
                b"",
            )
        }
        Found::NoBuild => {
            let page = inject(NO_BUILD_PAGE, version, error.as_deref(), false);
            send(
                &mut stream,
                head_only,
                503,
                "text/html; charset=utf-8",
                &[],
                page.as_bytes(),
            )
        }
    }
}

/// Send file `n` of `built`; a page gets the live-reload script (and the problems).
fn answer(
    stream: &mut TcpStream,
    head_only: bool,
    status: u16,
    built: &Built,
    n: usize,
    version: u64,
    error: Option<&str>,
) -> io::Result<()> {
    let file = &built.files[n];
    let name = file.path.to_string_lossy();
    let kind = content_type(&name);
    if kind.starts_with("text/html") {
        let page = inject(&String::from_utf8_lossy(&file.bytes), version, error, true);
        return send(stream, head_only, status, kind, &[], page.as_bytes());
    }
    send(stream, head_only, status, kind, &[], &file.bytes)
}

/// The version, after waiting (a long poll) while it is still `since`.
fn wait_for_version(shared: &Shared, since: Option<u64>) -> u64 {
    let state = shared.lock();
    let Some(since) = since else {
        return state.version;
    };
    shared
        .rebuilt
        .wait_timeout_while(state, LONG_POLL, |s| s.version == since)
        .unwrap_or_else(|e| e.into_inner())
        .0
        .version
}

/// What a request path names in a build.
#[derive(Debug, PartialEq, Eq)]
enum Found {
    File(usize),
    /// The build's 404 page, if it has one.
    Missing(Option<usize>),
    /// A folder without its trailing slash: the new location.
    Redirect(String),
    /// No build has succeeded yet.
    NoBuild,
}

/// The file for a request path. A folder without its trailing slash is redirected,
/// so that the pages' relative links resolve as they will on the court's server.
fn lookup(built: Option<&Built>, path: &str) -> Found {
    let Some(built) = built else {
        return Found::NoBuild;
    };
    let relative = path.trim_start_matches('/');
    let unsafe_path = relative.split('/').any(|s| s == "..");
    let name = if relative.is_empty() || relative.ends_with('/') {
        format!("{relative}index.html")
    } else {
        relative.to_string()
    };
    if !unsafe_path {
        if let Some(n) = built.get(&name) {
            return Found::File(n);
        }
        if built.get(&format!("{name}/index.html")).is_some() {
            return Found::Redirect(format!("{path}/"));
        }
    }
    Found::Missing(built.get("404.html"))
}

const NO_BUILD_PAGE: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>No build yet</title></head>\n<body>\n<main><h1>No build has succeeded yet</h1><p>Fix the problems shown above; this page shows the report as soon as a build succeeds.</p></main>\n</body></html>\n";

/// Read the request head, at most [`MAX_HEAD_BYTES`] of it, within [`TIMEOUT`].
fn read_head(stream: &mut TcpStream) -> io::Result<Head> {
    let deadline = Instant::now() + TIMEOUT;
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        let line_end = head.iter().position(|&b| b == b'\n');
        if line_end.map_or(head.len(), |e| e) > MAX_REQUEST_LINE_BYTES {
            return Ok(Head::LineTooLong);
        }
        if let Some(end) = head_end(&head) {
            return Ok(parse_head(&head[..end]));
        }
        if head.len() > MAX_HEAD_BYTES {
            return Ok(Head::TooLarge);
        }
        let left = deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| io::Error::new(io::ErrorKind::TimedOut, "request head too slow"))?;
        stream.set_read_timeout(Some(left))?;
        let room = (MAX_HEAD_BYTES + 1 - head.len()).min(chunk.len());
        let n = stream.read(&mut chunk[..room])?;
        if n == 0 {
            return Ok(Head::Malformed);
        }
        head.extend_from_slice(&chunk[..n]);
    }
}

/// Where the head ends: after the first empty line.
fn head_end(bytes: &[u8]) -> Option<usize> {
    let crlf = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4);
    let lf = bytes.windows(2).position(|w| w == b"\n\n").map(|p| p + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn parse_head(head: &[u8]) -> Head {
    let text = String::from_utf8_lossy(head);
    let line = text.lines().next().unwrap_or("");
    let mut parts = line.split_whitespace();
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(method), Some(target), Some(version), None) if version.starts_with("HTTP/") => {
            Head::Request {
                method: method.to_string(),
                target: target.to_string(),
            }
        }
        _ => Head::Malformed,
    }
}

/// Answer with an error status, then close without a reset (see the module's note).
fn refuse(mut stream: TcpStream, status: u16, text: &str) -> io::Result<()> {
    send_status(&mut stream, status, text)?;
    stream.shutdown(Shutdown::Write)?;
    let deadline = Instant::now() + TIMEOUT;
    let mut sink = [0u8; 8192];
    let mut discarded = 0u64;
    while discarded < MAX_DISCARD_BYTES {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            break;
        };
        if left.is_zero() {
            break;
        }
        stream.set_read_timeout(Some(left))?;
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => discarded += n as u64,
        }
    }
    Ok(())
}

fn send_status(stream: &mut TcpStream, status: u16, text: &str) -> io::Result<()> {
    let allow = if status == 405 {
        "Allow: GET, HEAD\r\n"
    } else {
        ""
    };
    send(
        stream,
        false,
        status,
        "text/plain; charset=utf-8",
        &[allow],
        text.as_bytes(),
    )
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    }
}

/// Write one response; `extra` are whole header lines (`Name: value\r\n`).
fn send(
    stream: &mut TcpStream,
    head_only: bool,
    status: u16,
    content_type: &str,
    extra: &[&str],
    body: &[u8],
) -> io::Result<()> {
    // Never cached: the next edit must show on the next load.
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n",
        reason(status),
        body.len()
    );
    for line in extra {
        head.push_str(line);
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::OutputFile;
    use std::net::SocketAddr;

    fn built(files: &[(&str, Vec<u8>)]) -> Built {
        Built::new(
            files
                .iter()
                .map(|(name, bytes)| OutputFile::new(*name, bytes.clone()))
                .collect(),
        )
    }

    /// A server on a free loopback port for `files`; its address.
    fn server(files: &[(&str, Vec<u8>)]) -> SocketAddr {
        let shared = Arc::new(Shared::default());
        shared.lock().built = Some(Arc::new(built(files)));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        std::thread::spawn(move || accept(listener, shared));
        address
    }

    fn request(address: SocketAddr, text: &[u8]) -> String {
        let mut stream = TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        stream.write_all(text).unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        String::from_utf8_lossy(&response).into_owned()
    }

    #[test]
    fn folders_serve_their_index_and_redirect_without_a_slash() {
        let b = built(&[
            ("index.html", b"top".to_vec()),
            ("zh/index.html", b"zh".to_vec()),
            ("404.html", b"gone".to_vec()),
        ]);
        assert_eq!(
            lookup(Some(&b), "/"),
            Found::File(b.get("index.html").unwrap())
        );
        assert_eq!(
            lookup(Some(&b), "/zh/"),
            Found::File(b.get("zh/index.html").unwrap())
        );
        assert_eq!(lookup(Some(&b), "/zh"), Found::Redirect("/zh/".into()));
        assert_eq!(
            lookup(Some(&b), "/../etc/passwd"),
            Found::Missing(b.get("404.html"))
        );
        assert_eq!(lookup(None, "/"), Found::NoBuild);
    }

    #[test]
    fn heads_beyond_the_limits_and_other_methods_are_refused() {
        let address = server(&[("index.html", b"<body>top</body>".to_vec())]);
        let ok = request(address, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assert!(ok.starts_with("HTTP/1.1 200 OK\r\n"), "{ok}");
        let long_line = format!(
            "GET /{} HTTP/1.1\r\n\r\n",
            "a".repeat(MAX_REQUEST_LINE_BYTES)
        );
        assert!(request(address, long_line.as_bytes()).starts_with("HTTP/1.1 414 "));
        let big = format!(
            "GET / HTTP/1.1\r\n{}\r\n",
            "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(2000)
        );
        assert!(request(address, big.as_bytes()).starts_with("HTTP/1.1 431 "));
        assert!(request(address, b"nonsense\r\n\r\n").starts_with("HTTP/1.1 400 "));
        for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
            let answer = request(
                address,
                format!("{method} / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello").as_bytes(),
            );
            assert!(answer.starts_with("HTTP/1.1 405 "), "{method}: {answer}");
            assert!(
                answer.contains("\r\nAllow: GET, HEAD\r\n"),
                "{method}: {answer}"
            );
        }
        let head = request(address, b"HEAD / HTTP/1.1\r\n\r\n");
        assert!(
            head.starts_with("HTTP/1.1 200 ") && head.ends_with("\r\n\r\n"),
            "{head}"
        );
    }

    #[test]
    fn a_client_that_stops_reading_a_large_page_holds_up_no_one() {
        let large = vec![b'x'; 6 * 1024 * 1024];
        let address = server(&[
            ("large.pdf", large),
            ("small.html", b"<body>small</body>".to_vec()),
        ]);
        // The stalled client: it asks for the large file, reads its first bytes (so the
        // answer is being sent), then reads no more.
        let mut stalled = TcpStream::connect(address).unwrap();
        stalled
            .write_all(b"GET /large.pdf HTTP/1.1\r\n\r\n")
            .unwrap();
        let mut first = [0u8; 12];
        stalled.read_exact(&mut first).unwrap();
        assert_eq!(&first, b"HTTP/1.1 200");

        let started = Instant::now();
        let answer = request(address, b"GET /small.html HTTP/1.1\r\n\r\n");
        let took = started.elapsed();
        assert!(answer.contains("small"), "{answer}");
        // A server that waited for the stalled writer would answer only when its write
        // timed out (TIMEOUT); half of that tells the two apart on however busy a machine,
        // where a bound such as 0.5 s would be a bound on the machine's speed.
        assert!(took < TIMEOUT / 2, "answered after {took:?}");
        drop(stalled);
    }

    #[test]
    fn a_client_that_sends_nothing_holds_up_no_one() {
        let address = server(&[("index.html", b"<body>top</body>".to_vec())]);
        let _silent = TcpStream::connect(address).unwrap();
        let mut half = TcpStream::connect(address).unwrap();
        half.write_all(b"GET / HT").unwrap();
        let answer = request(address, b"GET / HTTP/1.1\r\n\r\n");
        assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
    }
}
