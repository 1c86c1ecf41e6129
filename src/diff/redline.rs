//! The HTML redline of a [`ReportDiff`]: one self-contained page (styles inline,
//! nothing fetched, no script) that reads on screen and prints on paper.
//!
//! Insertions are `<ins>` and deletions `<del>`, the elements that mean exactly that;
//! colour is never the only signal (underline and strike-through print in black and
//! white), and hidden text announces each change to screen readers, which often do
//! not voice `<ins>`/`<del>` by themselves. The page holds nothing that depends on
//! when or where it was made, so the same versions give the same bytes.

use std::fmt::Write as _;

use super::{Mark, ReportDiff, Segment, Status, TextChange, ValueChange, text};
use crate::render::html::escape;

/// Unchanged characters kept on each side of a change inside a block.
const CONTEXT: usize = 60;

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font-family: "Noto Serif SC", "Source Han Serif SC", "Songti SC", serif; line-height: 1.8; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.25rem; border-bottom: 1px solid #999; margin-top: 2.5rem; } h3 { font-size: 1.05rem; }
ins { background: #d8f5dc; color: #05501a; text-decoration: underline; text-decoration-thickness: 2px; }
del { background: #fbe0e0; color: #8a1010; text-decoration: line-through; }
ins::before, ins::after, del::before, del::after { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
ins::before { content: " [插入开始] "; } ins::after { content: " [插入结束] "; }
del::before { content: " [删除开始] "; } del::after { content: " [删除结束] "; }
.legend { border: 1px solid #999; padding: .5rem 1rem; }
.where { color: #555; font-size: .9rem; margin-bottom: 0; font-family: sans-serif; }
.change { margin: 0 0 1.2rem; white-space: pre-wrap; }
.elided { color: #777; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #bbb; padding: .2rem .5rem; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  ins, del { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  h2, h3, .where { break-after: avoid; } .change, tr { break-inside: avoid; }
}
"#;

impl ReportDiff {
    pub fn to_html(&self) -> String {
        let mut out = String::new();
        let title = format!(
            "修订对照：{} → {}",
            escape(&self.old_label),
            escape(&self.new_label)
        );
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>{title}</h1>\n"
        );
        let _ = writeln!(
            out,
            "<p>旧版 <code>{}</code>，新版 <code>{}</code>：共 {} 处修改。</p>",
            escape(&self.old_label),
            escape(&self.new_label),
            self.change_count()
        );
        out.push_str("<p class=\"legend\" role=\"note\">图例：<ins>新增的文字</ins> 为新版加入（下划线）；<del>删除的文字</del> 为旧版删去（删除线）；“⋯”表示从略的未改动文字。</p>\n</header>\n<main>\n");
        if self.is_empty() {
            out.push_str("<p>两个版本没有差别。</p>\n");
        }
        self.front_html(&mut out);
        self.sections_html(&mut out);
        self.data_html(&mut out);
        self.entries_html(&mut out);
        out.push_str("</main>\n</body>\n</html>\n");
        out
    }

    fn front_html(&self, out: &mut String) {
        if self.front.is_empty() {
            return;
        }
        out.push_str("<section>\n<h2>封面与结构（report.yaml）</h2>\n");
        for TextChange { what, segments } in &self.front {
            change_html(out, &escape(what), segments);
        }
        out.push_str("</section>\n");
    }

    fn sections_html(&self, out: &mut String) {
        if self.sections.is_empty() {
            return;
        }
        out.push_str("<section>\n<h2>正文</h2>\n");
        for section in &self.sections {
            let status = match &section.status {
                Status::Added => "（新增章节）".to_string(),
                Status::Removed => "（删除章节）".to_string(),
                Status::Moved { from, to } => format!("（章节由第{from}位移至第{to}位）"),
                Status::Kept => String::new(),
            };
            let _ = writeln!(
                out,
                "<h3><code>{}</code>{status}</h3>",
                escape(&section.file)
            );
            for block in &section.blocks {
                let mut place = format!("第{}行", block.line);
                if let Some(under) = &block.under {
                    let _ = write!(place, " · {}", escape(under));
                }
                change_html(out, &place, &block.segments);
            }
        }
        out.push_str("</section>\n");
    }

    fn data_html(&self, out: &mut String) {
        if !self.data.is_empty() {
            out.push_str("<section>\n<h2>数据（data/caseload.yaml）</h2>\n");
            values_table(out, "数据项", &self.data);
            out.push_str("</section>\n");
        }
        if !self.figures.is_empty() {
            out.push_str("<section>\n<h2>随之变化的计算数据</h2>\n");
            values_table(out, "数据项", &self.figures);
            out.push_str("</section>\n");
        }
        if !self.tables.is_empty() {
            out.push_str("<section>\n<h2>附件表格</h2>\n");
            for table in &self.tables {
                let status = match &table.status {
                    Status::Added => "（新增）".to_string(),
                    Status::Removed => "（删除）".to_string(),
                    Status::Moved { from, to } => format!("（由第{from}位移至第{to}位）"),
                    Status::Kept => String::new(),
                };
                let _ = writeln!(out, "<h3>{}{status}</h3>", escape(&table.caption));
                if !table.changes.is_empty() {
                    values_table(out, "单元格", &table.changes);
                }
            }
            out.push_str("</section>\n");
        }
    }

    fn entries_html(&self, out: &mut String) {
        for (title, entries) in [("有关用语说明", &self.glossary), ("案例介绍", &self.cases)]
        {
            if entries.is_empty() {
                continue;
            }
            let _ = writeln!(out, "<section>\n<h2>{title}</h2>");
            for entry in entries {
                let status = match &entry.status {
                    Status::Added => "（新增）".to_string(),
                    Status::Removed => "（删除）".to_string(),
                    Status::Moved { from, to } => format!("（由第{from}条移至第{to}条）"),
                    Status::Kept => String::new(),
                };
                let _ = writeln!(
                    out,
                    "<h3>{} <code>{}</code>{status}</h3>",
                    escape(&entry.label),
                    escape(&entry.id)
                );
                for TextChange { what, segments } in &entry.fields {
                    change_html(out, &escape(what), segments);
                }
            }
            out.push_str("</section>\n");
        }
    }
}

/// A place line and the marked text under it.
fn change_html(out: &mut String, place: &str, segments: &[Segment]) {
    let _ = writeln!(out, "<p class=\"where\">{place}</p>");
    out.push_str("<p class=\"change\">");
    out.push_str(&segments_html(&text::with_context(segments, CONTEXT)));
    out.push_str("</p>\n");
}

fn segments_html(segments: &[Segment]) -> String {
    let mut html = String::new();
    for s in segments {
        let t = escape(&s.text);
        match s.mark {
            Mark::Same => html.push_str(&t.replace(
                text::ELIDED,
                &format!(
                    "<span class=\"elided\" title=\"未改动的文字从略\">{}</span>",
                    text::ELIDED
                ),
            )),
            Mark::Deleted => {
                let _ = write!(html, "<del>{t}</del>");
            }
            Mark::Inserted => {
                let _ = write!(html, "<ins>{t}</ins>");
            }
        }
    }
    html
}

fn values_table(out: &mut String, what: &str, changes: &[ValueChange]) {
    let _ = writeln!(
        out,
        "<table>\n<thead><tr><th scope=\"col\">{what}</th><th scope=\"col\">旧版</th><th scope=\"col\">新版</th></tr></thead>\n<tbody>"
    );
    for c in changes {
        let cell = |v: &Option<String>, tag: &str| match v {
            Some(v) if !v.is_empty() => format!("<{tag}>{}</{tag}>", escape(v)),
            _ => "—".to_string(),
        };
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&c.name),
            cell(&c.old, "del"),
            cell(&c.new, "ins")
        );
    }
    out.push_str("</tbody>\n</table>\n");
}
