//! `nianbao serve`: builds, serves on 127.0.0.1, rebuilds on save, shows a broken build
//! in the page while serving the last good output, and stops cleanly on Ctrl-C.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use common::*;

/// The server process; killed if the test fails before stopping it.
struct Server {
    child: Child,
    host: String,
    port: u16,
    /// Lines the server writes to the terminal.
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(scratch: &Scratch) -> Server {
        Server::start_with(scratch, &[])
    }

    fn start_with(scratch: &Scratch, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .args(["serve", "report", "-o", "out", "--port", "0"])
            .args(extra)
            .current_dir(scratch.dir.path())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            host: String::new(),
            port: 0,
            lines,
            seen: Vec::new(),
        };
        let line = server.wait_for_line("serving http://");
        let address = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line}"));
        let (host, port) = address.rsplit_once(':').unwrap();
        server.host = host.to_string();
        server.port = port.parse().unwrap_or_else(|_| panic!("no port in {line}"));
        server
    }

    /// Wait (at most a minute) for a terminal line containing `needle`.
    fn wait_for_line(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => break,
            }
        }
        panic!(
            "no line with `{needle}`; the server said:\n{}",
            self.seen.join("\n")
        );
    }

    fn get(&self, path: &str) -> (u16, String) {
        self.request(&format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n"))
    }

    /// Send `request` as it is; the status and everything after the status line.
    fn request(&self, request: &str) -> (u16, String) {
        let mut stream = TcpStream::connect((self.host.as_str(), self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let response = String::from_utf8_lossy(&response).into_owned();
        let status = response[9..12].parse().unwrap();
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        if request.starts_with("GET ") {
            (status, body)
        } else {
            (status, response)
        }
    }

    /// The server's resident memory in KiB (Linux).
    fn resident_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }

    /// Send `signal` and wait (at most 20 s) for the server to stop.
    fn stop_with(&mut self, signal: &str) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args([&format!("-{signal}"), &pid])
                .status()
                .unwrap()
                .success()
        );
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "still running after SIG{signal}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn version(&self) -> String {
        self.get("/__nianbao/version").1
    }

    /// Wait (at most a minute) until a rebuild happened after `version`.
    fn wait_for_rebuild(&self, version: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let now = self.version();
            if now != version {
                return now;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("no rebuild within a minute");
    }
}

#[test]
fn serve_rebuilds_on_save_shows_errors_in_the_page_and_stops_on_ctrl_c() {
    let scratch = Scratch::new();
    let mut server = Server::start(&scratch);

    let (status, page) = server.get("/zh/");
    assert_eq!(status, 200);
    assert!(page.contains("我代表海淀区人民法院向大会报告工作，请予审议。"));
    assert!(
        page.contains("/__nianbao/version"),
        "the live-reload script"
    );
    let on_disk = std::fs::read_to_string(scratch.out().join("zh/index.html")).unwrap();
    assert!(
        !on_disk.contains("__nianbao"),
        "the script is never written to out/"
    );
    assert_eq!(server.get("/zh").0, 301, "a folder without its slash");
    assert_eq!(server.get("/no/such/page").0, 404);

    // Save a change: the served page follows.
    let version = server.version();
    scratch.edit(
        "zh/00-opening.md",
        "请予审议。",
        "请予审议。此句为测试所加。",
    );
    let version = server.wait_for_rebuild(&version);
    let (_, page) = server.get("/zh/");
    assert!(page.contains("此句为测试所加。"), "the edit is served");
    assert!(!page.contains("nianbao-build-error"));

    // Break the report: the page shows the problem with file and line, over the last
    // good output; the terminal says it too.
    scratch.edit(
        "zh/00-opening.md",
        "此句为测试所加。",
        "{{ no_such_figure }}",
    );
    server.wait_for_rebuild(&version);
    let (status, page) = server.get("/zh/");
    assert_eq!(status, 200);
    assert!(page.contains("id=\"nianbao-build-error\""), "{page}");
    assert!(
        page.contains("zh/00-opening.md:1:"),
        "file and line in the page"
    );
    assert!(page.contains("no_such_figure"));
    assert!(
        page.contains("此句为测试所加。"),
        "the last good output stays"
    );
    server.wait_for_line("zh/00-opening.md:1:");
    server.wait_for_line("build failed: still serving the last good output");

    // Ctrl-C stops it cleanly.
    let status = server.stop_with("INT");
    assert!(status.success(), "{status:?}");
    server.wait_for_line("stopped");
    let leftovers: Vec<_> = std::fs::read_dir(scratch.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".out"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn only_get_and_head_are_answered() {
    let scratch = Scratch::new();
    let server = Server::start(&scratch);
    for method in ["POST", "PUT", "DELETE"] {
        let (status, response) = server.request(&format!(
            "{method} /zh/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n\r\ndata"
        ));
        assert_eq!(status, 405, "{method}: {response}");
        assert!(
            response.contains("\r\nAllow: GET, HEAD\r\n"),
            "{method}: {response}"
        );
    }
    let (status, response) = server.request("HEAD /zh/ HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!(status, 200);
    assert!(response.ends_with("\r\n\r\n"), "no body for HEAD");
    let before = snapshot(&scratch.out());
    assert_eq!(snapshot(&scratch.out()), before);
}

#[test]
fn a_16_mib_header_is_refused_with_bounded_memory() {
    let scratch = Scratch::new();
    let server = Server::start(&scratch);
    assert_eq!(server.get("/zh/").0, 200);
    let before = server.resident_kib();

    let mut stream = TcpStream::connect((server.host.as_str(), server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    stream
        .write_all(b"GET /zh/ HTTP/1.1\r\nX-Filler: ")
        .unwrap();
    let chunk = vec![b'a'; 1024 * 1024];
    let mut sent = 0;
    for _ in 0..16 {
        // The server stops reading the head at its limit and discards the rest.
        if stream.write_all(&chunk).is_err() {
            break;
        }
        sent += 1;
    }
    // Measured while the head is still unfinished: a server that kept it would hold it now.
    let during = server.resident_kib();
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let response = String::from_utf8_lossy(&response);
    assert!(
        response.starts_with("HTTP/1.1 431 "),
        "sent {sent} MiB: {response}"
    );
    let grew = during.saturating_sub(before);
    assert!(
        grew < 4 * 1024,
        "the server grew by {grew} KiB while reading the header"
    );
    // And it goes on serving.
    assert_eq!(server.get("/zh/").0, 200);
}

#[test]
fn host_serves_on_the_address_given() {
    let scratch = Scratch::new();
    let mut server = Server::start_with(&scratch, &["--host", "127.0.0.2"]);
    assert_eq!(server.host, "127.0.0.2");
    let (status, page) = server.get("/zh/");
    assert_eq!(status, 200);
    assert!(page.contains("请予审议。"));
    assert!(
        TcpStream::connect(("127.0.0.1", server.port)).is_err(),
        "not on 127.0.0.1"
    );
    // A loopback address is visible to no network: no warning.
    assert!(
        !server.seen.iter().any(|l| l.starts_with("warning:")),
        "{:?}",
        server.seen
    );
    // SIGTERM stops it cleanly, as Ctrl-C does.
    let status = server.stop_with("TERM");
    assert!(status.success(), "{status:?}");
    server.wait_for_line("stopped");
}

#[test]
fn a_port_in_use_gets_the_hint_to_pick_a_free_one() {
    let scratch = Scratch::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = scratch.run(&["serve", "report", "-o", "out", "--port", &port]);
    let messages = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{messages}");
    assert!(
        messages.contains(&format!("port {port} on 127.0.0.1 is in use")),
        "{messages}"
    );
    assert!(messages.contains("`--port 0`"), "{messages}");
    assert!(!scratch.out().exists(), "nothing written");
}

#[test]
fn before_any_good_build_the_page_says_there_is_none() {
    let scratch = Scratch::new();
    scratch.edit(
        "zh/00-opening.md",
        "请予审议。",
        "请予审议。{{ no_such_figure }}",
    );
    let server = Server::start(&scratch);
    // The first build comes before the address is printed.
    assert!(
        server
            .seen
            .iter()
            .any(|l| l.contains("build failed: no build has succeeded yet")),
        "{:?}",
        server.seen
    );
    let (status, page) = server.get("/zh/");
    assert_eq!(status, 503);
    assert!(page.contains("no build has succeeded yet"), "{page}");
    assert!(!page.contains("last good output"), "{page}");
    assert!(page.contains("no_such_figure"), "{page}");
}
