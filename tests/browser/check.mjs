// Opens every page of a built site in Debian's chromium and fails on what a reader
// would hit: a console error, a request to another host, an axe-core WCAG 2.1 A/AA
// violation, a link (language switch, contents, glossary, downloads) that leads
// nowhere, a horizontal scroll on a phone or at 200% zoom, navigation left in print.
//
//   node check.mjs OUT_DIR [--screenshots DIR]
//
// The site is served from OUT_DIR by a tiny static server on 127.0.0.1, exactly as
// files, so what is checked is what the court's web team copies.

import { createServer } from 'node:http';
import { readFile, readdir, stat, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// 375: a phone. 640: a 1280 px window at 200% zoom. 320: WCAG 1.4.10 reflow (400%).
const NARROW_WIDTHS = [375, 640, 320];

const args = process.argv.slice(2);
const outDir = path.resolve(args[0] || '../../out');
const shotsAt = args.indexOf('--screenshots');
const shotsDir = shotsAt >= 0 ? path.resolve(args[shotsAt + 1]) : null;

const failures = [];
const fail = (page, message) => failures.push(`${page}: ${message}`);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.pdf': 'application/pdf',
};

/// Every file below `dir`, relative to it, with forward slashes.
async function files(dir, prefix = '') {
  const found = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...(await files(dir, relative)));
    else found.push(relative);
  }
  return found.sort();
}

/// The file a URL path names, as a static host would resolve it.
async function resolveFile(urlPath) {
  let relative = decodeURIComponent(urlPath).replace(/^\/+/, '');
  if (relative === '' || relative.endsWith('/')) relative += 'index.html';
  const full = path.join(outDir, relative);
  if (!full.startsWith(outDir)) return null;
  try {
    const info = await stat(full);
    if (info.isFile()) return full;
  } catch {}
  return null;
}

function serve() {
  const server = createServer(async (req, res) => {
    const urlPath = new URL(req.url, 'http://x').pathname;
    const file = await resolveFile(urlPath);
    if (!file) {
      // A folder asked for without its slash is redirected, as static hosts do.
      if (await resolveFile(`${urlPath}/`)) {
        res.writeHead(301, { Location: `${urlPath}/` });
        return res.end();
      }
      res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8' });
      const notFound = await resolveFile('/404.html');
      return res.end(notFound ? await readFile(notFound) : 'not found');
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
    res.end(await readFile(file));
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

const server = await serve();
const origin = `http://127.0.0.1:${server.address().port}`;
const profile = await mkdtemp(path.join(tmpdir(), 'nianbao-chromium-'));
// A fresh profile each run (playwright passes it as --user-data-dir).
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

const pages = (await files(outDir)).filter((f) => f.endsWith('.html'));
if (pages.length === 0) fail(outDir, 'no HTML page: build first');
if (shotsDir) await mkdir(shotsDir, { recursive: true });

/// Per page: its ids, and every link it makes (for checking once all pages are known).
const idsOf = new Map();
const linksOf = new Map();

for (const file of pages) {
  const url = `${origin}/${file.replace(/index\.html$/, '')}`;
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  // Anything not from our own server is refused and reported: nothing may be fetched
  // from another host.
  await page.route('**/*', (route) => {
    const requested = route.request().url();
    if (requested.startsWith(`${origin}/`) || requested.startsWith('data:')) return route.continue();
    fail(file, `request to another host: ${requested}`);
    return route.abort();
  });
  page.on('console', (message) => {
    if (message.type() === 'error') fail(file, `console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => fail(file, `script error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400 && !(file === '404.html' && response.url() === url)) {
      fail(file, `HTTP ${response.status()} for ${response.url()}`);
    }
  });

  await page.goto(url, { waitUntil: 'load' });

  // Readable without JavaScript: the built page carries no script at all.
  const scripts = await page.locator('script').count();
  if (scripts > 0) fail(file, `${scripts} <script> element(s): the report must not need JavaScript`);

  // The language of every fragment is marked (WCAG 3.1.2): no Chinese text in an
  // English element, no run of English words in a Chinese one. axe cannot see this.
  const unmarked = await page.evaluate(() => {
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent;
      const lang = node.parentElement.closest('[lang]')?.getAttribute('lang') || '';
      const wrong = lang.startsWith('en') ? /\p{Script=Han}/u.test(text)
        : lang.startsWith('zh') ? /[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}/.test(text) : false;
      if (wrong) found.push(`"${text.trim().slice(0, 40)}" in lang=${lang}`);
    }
    return found;
  });
  for (const u of unmarked.slice(0, 5)) fail(file, `language not marked: ${u}`);

  idsOf.set(file, new Set(await page.evaluate(() => [...document.querySelectorAll('[id]')].map((e) => e.id))));
  linksOf.set(
    file,
    await page.evaluate(() =>
      [...document.querySelectorAll('a[href], link[href]')].map((e) => ({
        href: e.href,
        raw: e.getAttribute('href'),
        rel: e.getAttribute('rel') || '',
        kind: e.closest('.toc') ? 'contents' : e.classList.contains('term-ref') ? 'glossary' : e.hasAttribute('hreflang') ? 'language' : 'other',
      })),
    ),
  );

  // Accessibility: axe-core with the WCAG 2.1 A and AA rules.
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    WCAG_TAGS,
  );
  for (const v of result.violations) {
    const where = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ');
    fail(file, `axe ${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} element(s), e.g. ${where}`);
  }

  if (shotsDir) {
    const name = file.replace(/\/index\.html$|\.html$/, '').replace(/\//g, '-') || 'index';
    await page.screenshot({ path: path.join(shotsDir, `${name}-1280.png`), fullPage: true });
  }

  // Print: the navigation goes, the text stays.
  await page.emulateMedia({ media: 'print' });
  const printed = await page.evaluate(() => ({
    nav: [...document.querySelectorAll('nav, .skip-link')].filter((e) => getComputedStyle(e).display !== 'none').length,
    main: document.querySelector('main')?.innerText.length ?? 0,
  }));
  if (printed.nav > 0) fail(file, `${printed.nav} navigation element(s) still shown in print`);
  if (printed.main === 0) fail(file, 'nothing of <main> is printed');
  await page.emulateMedia({ media: 'screen' });

  // Narrow screens: no horizontal scroll of the page (tables scroll in their own box).
  for (const width of NARROW_WIDTHS) {
    await page.setViewportSize({ width, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) fail(file, `scrolls sideways by ${overflow}px at ${width}px wide`);
    if (shotsDir && width === 375) {
      const name = file.replace(/\/index\.html$|\.html$/, '').replace(/\//g, '-') || 'index';
      await page.screenshot({ path: path.join(shotsDir, `${name}-375.png`), fullPage: true });
    }
  }
  await page.close();
}

// Links: every link of every page leads to a file that exists, and its #fragment to an
// element of that page. The language switch, the contents and the glossary links must
// be there on the language pages at all.
for (const [file, links] of linksOf) {
  const counts = { contents: 0, glossary: 0, language: 0 };
  for (const link of links) {
    const target = new URL(link.href);
    if (target.origin !== origin) {
      // Links to other hosts are allowed (canonical with --base-url); fetching is not.
      if (!['canonical', 'alternate'].includes(link.rel) && link.rel !== '') fail(file, `loads ${link.href}`);
      continue;
    }
    const targetFile = await resolveFile(target.pathname);
    if (!targetFile) {
      fail(file, `broken link ${link.raw}`);
      continue;
    }
    if (link.kind in counts) counts[link.kind] += 1;
    if (target.hash) {
      const relative = path.relative(outDir, targetFile).split(path.sep).join('/');
      const ids = idsOf.get(relative);
      const id = decodeURIComponent(target.hash.slice(1));
      if (ids && !ids.has(id)) fail(file, `link ${link.raw} points at no element (#${id} missing in ${relative})`);
    }
  }
  if (/^(zh|en)\/index\.html$/.test(file)) {
    for (const [kind, count] of Object.entries(counts)) {
      if (count === 0) fail(file, `no working ${kind} link`);
    }
  }
}

await browser.close();
server.close();
await rm(profile, { recursive: true, force: true });

if (failures.length > 0) {
  console.error(`browser checks: ${failures.length} problem(s)`);
  for (const f of failures) console.error(`  ${f}`);
  process.exit(1);
}
console.log(`browser checks: ${pages.length} pages, no console error, no other host, no axe violation (${WCAG_TAGS.join(', ')}), links resolve, no sideways scroll at ${NARROW_WIDTHS.join('/')} px`);
