// Save-to-reloaded-page latency of `nianbao serve`, in a real browser.
//
//   node bench/serve-latency.mjs NIANBAO_BINARY PROJECT_COPY [RUNS]
//
// Starts `nianbao serve` on a copy of the project, opens the Chinese page in Debian's
// chromium and, RUNS times, appends a sentence to one paragraph of zh/07-closing.md and
// times from just before the file is written to the moment the open page shows the new
// sentence (serve swaps the page's body in place; a full reload would count the same).
// Prints each time and the median, in ms.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(new URL("../tests/browser/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const [binary, project, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 10);
const section = join(project, "report/zh/07-closing.md");
const original = readFileSync(section, "utf8");

const server = spawn(binary, ["serve", "report", "-o", "out", "--port", "0"], { cwd: project });
const address = await new Promise((resolve, reject) => {
  let said = "";
  server.stderr.on("data", (chunk) => {
    said += chunk;
    const m = said.match(/serving (http:\/\/127\.0\.0\.1:\d+\/)/);
    if (m) resolve(m[1]);
  });
  server.on("exit", () => reject(new Error("serve stopped:\n" + said)));
});

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
const times = [];
try {
  const page = await browser.newPage();
  await page.goto(address + "zh/", { waitUntil: "load" });
  for (let i = 1; i <= runs; i++) {
    const marker = `测试第${i}句。`;
    // The paragraph's last line gets one more sentence (one sentence per line).
    const edited = original.replace(/。\n/, `。${marker}\n`);
    const start = performance.now();
    writeFileSync(section, edited);
    await page.waitForFunction((m) => document.body && document.body.innerText.includes(m), marker, {
      polling: 2,
      timeout: 10000,
    });
    times.push(performance.now() - start);
    // Let the build settle and the page wait again before the next save.
    await new Promise((r) => setTimeout(r, 300));
  }
} finally {
  writeFileSync(section, original);
  await browser.close();
  server.kill("SIGINT");
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`serve: save to reloaded page, ${runs} runs (ms): ${times.map((t) => t.toFixed(0)).join(" ")}`);
console.log(`serve: median ${median.toFixed(1)} ms`);
