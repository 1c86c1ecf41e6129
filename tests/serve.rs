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
        let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .args(["serve", "report", "-o", "out", "--port", "0"])
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
            port: 0,
            lines,
            seen: Vec::new(),
        };
        let line = server.wait_for_line("serving http://127.0.0.1:");
        let port = line
            .rsplit(':')
            .next()
            .and_then(|rest| rest.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line}"));
        server.port = port;
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
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let response = String::from_utf8_lossy(&response).into_owned();
        let status = response[9..12].parse().unwrap();
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
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
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running after Ctrl-C");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "{status:?}");
    server.wait_for_line("stopped");
    let leftovers: Vec<_> = std::fs::read_dir(scratch.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".out"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
