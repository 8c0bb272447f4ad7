// run.mjs — real-browser XSS harness for larch (issue 5).
//
//   npm ci --prefix tools/xss-harness
//   node tools/xss-harness/run.mjs [--larch PATH] [--work DIR] [--jobs N]
//        [--timeout MS] [--settle MS] [--csp-only] [--limit N]
//
// Generates mail from every vector of ../shared/corpora/C (gen.mjs), imports
// it with `larch import`, builds the site, serves it with `larch serve` and
// loads every .html page and every attachment URL in Debian's Chromium.
// Pass 1 ("served") is the site as larch serves it, CSP and all. Pass 2
// ("no CSP") loads every .html page again with CSP bypassed, so the HTML
// sanitizer and the template escaping are tested on their own.
//
// A script from mail that runs is caught by: the __xss binding (gen.mjs
// rewrites alert/prompt/confirm/print to __xss), dialogs, uncaught page
// errors, and — whatever the script does — V8 compiling any script in the
// page's main world (CDP Debugger.scriptParsed, Playwright's own injected
// scripts excepted). Also counted: main-frame navigations away from the
// requested URL, popups, and requests to any other origin. Chromium runs
// behind a dead proxy with DNS disabled, so no request ever leaves the
// machine. Exit status: 0 clean, 1 a must-be-zero count is not zero (or the
// self-test failed), 2 the harness could not run.

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { generate, DEFAULT_CORPUS } from './gen.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const t0 = Date.now();

// ---------------------------------------------------------------- options

const argv = process.argv.slice(2);
const opt = (k, d) => {
  const i = argv.indexOf(k);
  return i >= 0 ? argv[i + 1] : d;
};
const LARCH = path.resolve(opt('--larch', path.resolve(HERE, '../../target/release/larch')));
const WORK = path.resolve(opt('--work', '/tmp/xss-work'));
const CORPUS = path.resolve(opt('--corpus', DEFAULT_CORPUS));
const JOBS = Number(opt('--jobs', 6));
const TIMEOUT = Number(opt('--timeout', 20000));
const SETTLE = Number(opt('--settle', 30));
const LIMIT = Number(opt('--limit', 0)); // for quick tries: at most N URLs per kind
const CSP_ONLY = argv.includes('--csp-only');
const CHROMIUM = opt('--chromium', '/usr/bin/chromium');

const BROWSER_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  // Nothing may leave the machine: every non-loopback request goes to a
  // proxy that does not exist (also IP literals), and no name resolves.
  '--proxy-server=http://127.0.0.1:9',
  '--proxy-bypass-list=127.0.0.1',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

function die(msg) {
  console.error(`xss-harness: ${msg}`);
  process.exit(2);
}

const stamp = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const log = (m) => console.error(`[${stamp()}] ${m}`);

// ---------------------------------------------------------------- larch

function larch(args, logName) {
  const out = fs.openSync(path.join(WORK, 'logs', `${logName}.log`), 'w');
  const r = spawnSync(LARCH, args, { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  if (r.status !== 0) {
    die(`larch ${args[0]} failed (status ${r.status}); see ${WORK}/logs/${logName}.log`);
  }
  const text = fs.readFileSync(path.join(WORK, 'logs', `${logName}.log`), 'utf8');
  return text.split('\n').filter((l) => /^(read|built|created) /.test(l)).join(' ');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startServe(archive) {
  const port = await freePort();
  const out = fs.openSync(path.join(WORK, 'logs', 'serve.log'), 'w');
  const child = spawn(LARCH, ['serve', '--archive', archive, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', out, out],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) die(`larch serve exited (${child.exitCode}); see ${WORK}/logs/serve.log`);
    try {
      const r = await fetch(`${base}/index.html`);
      if (r.ok) return { child, base };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGTERM');
  die('larch serve did not answer within 10 s');
}

function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

const toUrl = (base, site, file) =>
  base + '/' + path.relative(site, file).split(path.sep).map(encodeURIComponent).join('/');

// ---------------------------------------------------------------- browser checks

const HARNESS_SRC = /__playwright|utilityScript|__commonJS|__xss_harness_scan__/;
// Hashes of Playwright's own scripts, learned as they are seen (all passes).
const harnessHashes = new Set();
const CSP_MSG = /Content Security Policy/i;
const BLANK = 'xss-harness-blank.html';
const stripHash = (u) => u.replace(/#.*$/, '');

// Markup in a page's <body> that would run on a click, a hover or a submit
// (what no passive load can trigger). Runs in the page; the marker comment
// keeps its own compilation out of the script count.
function scanActiveMarkup() {
  /* __xss_harness_scan__ */
  const out = [];
  const URL_ATTRS = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'background', 'poster',
    'codebase', 'lowsrc', 'dynsrc', 'ping', 'cite', 'longdesc', 'usemap', 'manifest', 'srcset', 'to', 'from', 'values'];
  const TAGS = ['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'meta', 'link',
    'form', 'input', 'button', 'svg', 'math', 'template', 'style', 'noscript', 'portal', 'isindex', 'animate', 'set'];
  if (!document.body) return out;
  for (const el of document.body.querySelectorAll('*')) {
    const tag = el.localName;
    if (TAGS.includes(tag)) out.push(`<${tag}>`);
    for (const a of el.attributes) {
      const n = a.name.toLowerCase();
      if (n.startsWith('on')) out.push(`<${tag} ${n}>`);
      else if (n === 'srcdoc' || n === 'style') out.push(`<${tag} ${n}>`);
      else if (URL_ATTRS.includes(n)) {
        const u = a.value.replace(/[\u0000-\u0020\u007f]/g, '').toLowerCase();
        if (/^(javascript|vbscript|data|livescript|mocha|jscript|blob|filesystem):/.test(u)) {
          out.push(`<${tag} ${n}="${a.value.slice(0, 80)}">`);
        }
      }
    }
  }
  return out;
}

function newStats() {
  return {
    pages: 0, attachments: 0, downloads: 0, loadErrors: 0,
    scriptExecutions: 0, bindingCalls: 0, scriptsCompiled: 0, pageErrors: 0,
    dialogs: 0, navigations: 0, popups: 0, externalRequests: 0,
    cspViolations: 0, cspBlockedRequests: 0, childFrames: 0, consoleOther: 0,
    activeMarkupPages: 0, scanErrors: 0, inlineAttachments: {},
    busyMs: {}, // per kind, summed over tabs
  };
}

// One pass over `urls` (each {url, kind}) in a fresh context.
async function runPass(browser, name, urls, { bypassCSP, base, inPlace = false, scan = inPlace }) {
  const stats = newStats();
  const findings = [];
  const samples = { csp: [], consoleOther: [], loadErrors: [] };
  const ctx = await browser.newContext({ bypassCSP, acceptDownloads: false });
  const baseOrigin = new URL(base).origin;
  const workers = [];
  let ctxReady = false;

  const find = (w, kind, detail) => {
    findings.push({ pass: name, kind, url: w?.cur?.url ?? null, detail });
  };

  await ctx.exposeBinding('__xss', (source, ...args) => {
    const w = workers.find((x) => x.page === source.page);
    stats.bindingCalls++;
    find(w, 'binding', { frame: source.frame?.url(), args: args.map((a) => String(a).slice(0, 200)) });
  });
  ctx.on('page', (p) => {
    if (workers.some((w) => w.page === p) || !ctxReady) return;
    stats.popups++;
    find(null, 'popup', { url: p.url() });
    p.close().catch(() => {});
  });

  for (let i = 0; i < JOBS; i++) {
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    const w = { page, cdp, cur: null };
    workers.push(w);

    await cdp.send('Debugger.enable');
    cdp.on('Debugger.scriptParsed', async (e) => {
      if (!e.executionContextAuxData?.isDefault) return; // Playwright's utility worlds
      const at = w.cur?.url;
      if (e.url === '' && harnessHashes.has(e.hash)) return;
      let src = null;
      try {
        src = (await cdp.send('Debugger.getScriptSource', { scriptId: e.scriptId })).scriptSource;
      } catch {}
      if (e.url === '' && src !== null && HARNESS_SRC.test(src)) {
        harnessHashes.add(e.hash);
        return;
      }
      stats.scriptsCompiled++;
      findings.push({
        pass: name, kind: 'script', url: at ?? e.url,
        detail: { scriptUrl: e.url, source: src === null ? `(source unavailable, hash ${e.hash})` : src.slice(0, 300) },
      });
    });
    page.on('dialog', (d) => {
      stats.dialogs++;
      find(w, 'dialog', { type: d.type(), message: d.message().slice(0, 200) });
      d.dismiss().catch(() => {});
    });
    page.on('pageerror', (err) => {
      stats.pageErrors++;
      find(w, 'pageerror', { message: String(err?.message ?? err).slice(0, 300) });
    });
    page.on('console', (m) => {
      const text = m.text();
      if (CSP_MSG.test(text)) {
        stats.cspViolations++;
        if (samples.csp.length < 20) samples.csp.push({ url: w.cur?.url, text: text.slice(0, 300) });
      } else {
        stats.consoleOther++;
        if (samples.consoleOther.length < 20) samples.consoleOther.push({ url: w.cur?.url, type: m.type(), text: text.slice(0, 300) });
      }
    });
    page.on('request', (r) => {
      const u = r.url();
      let origin;
      try {
        origin = new URL(u).origin;
      } catch {
        origin = 'invalid';
      }
      if (origin === baseOrigin || u.startsWith('data:')) return; // data: never leaves
      if (w.cur) w.cur.external.set(r, u);
    });
    page.on('requestfailed', (r) => {
      if (w.cur?.external.has(r) && /csp/i.test(r.failure()?.errorText ?? '')) {
        w.cur.external.delete(r);
        stats.cspBlockedRequests++;
        if (samples.csp.length < 20) samples.csp.push({ url: w.cur.url, text: `request blocked by CSP: ${r.url().slice(0, 200)}` });
      }
    });
    page.on('framenavigated', (f) => {
      if (!w.cur) return;
      if (f !== page.mainFrame()) {
        stats.childFrames++;
        find(w, 'child-frame', { frame: f.url().slice(0, 300) });
        return;
      }
      if (stripHash(f.url()) !== stripHash(w.cur.expect)) {
        stats.navigations++;
        find(w, 'navigation', { to: f.url().slice(0, 300) });
      }
    });
  }
  ctxReady = true;

  let next = 0;
  let done = 0;
  const total = urls.length;
  const progressEvery = Math.max(1000, Math.floor(total / 10));
  const finish = (w) => {
    for (const u of w.cur.external.values()) {
      stats.externalRequests++;
      find(w, 'external-request', { request: u.slice(0, 300) });
    }
  };

  async function loop(w) {
    while (next < urls.length) {
      const { url, kind } = urls[next++];
      if (kind === 'attachment') stats.attachments++;
      else stats.pages++;
      const started = Date.now();
      for (let attempt = 0; ; attempt++) {
        try {
          if (inPlace) {
            // The page's served bytes, written into a blank page of the same
            // directory (so relative URLs resolve as they would): no
            // navigation per page, which is what makes this pass fast.
            const loader = url.slice(0, url.lastIndexOf('/') + 1) + BLANK;
            w.cur = null;
            if (w.page.url() !== loader) await w.page.goto(loader, { waitUntil: 'load', timeout: TIMEOUT });
            const res = await fetch(url);
            if (!res.ok) throw new Error(`HTTP ${res.status}`);
            const html = await res.text();
            w.cur = { url, expect: loader, external: new Map() };
            await w.page.setContent(html, { waitUntil: 'load', timeout: TIMEOUT });
            if (scan) {
              let active = [];
              try {
                active = await w.page.evaluate(scanActiveMarkup);
              } catch (e) {
                stats.scanErrors++;
                active = [`(scan failed: ${String(e.message).split('\n')[0].slice(0, 120)})`];
              }
              if (active.length) {
                stats.activeMarkupPages++;
                find(w, 'active-markup', { markup: [...new Set(active)].slice(0, 20) });
              }
            }
          } else {
            w.cur = { url, expect: url, external: new Map() };
            const res = await w.page.goto(url, { waitUntil: 'load', timeout: TIMEOUT });
            if (kind === 'attachment') {
              const type = (res?.headers()['content-type'] ?? '?').split(';')[0];
              stats.inlineAttachments[type] = (stats.inlineAttachments[type] ?? 0) + 1;
            }
          }
          if (SETTLE) await w.page.waitForTimeout(SETTLE);
          break;
        } catch (e) {
          const msg = String(e.message).split('\n')[0];
          if (/Download is starting/.test(msg)) {
            stats.downloads++;
            break;
          }
          if (attempt === 0 && /interrupted by another navigation|ERR_ABORTED/.test(msg)) continue;
          stats.loadErrors++;
          if (samples.loadErrors.length < 20) samples.loadErrors.push({ url, error: msg.slice(0, 300) });
          break;
        }
      }
      if (w.cur) finish(w);
      stats.busyMs[kind] = (stats.busyMs[kind] ?? 0) + (Date.now() - started);
      if (++done % progressEvery === 0) log(`${name}: ${done}/${total}`);
    }
    w.cur = null;
  }
  const t = Date.now();
  await Promise.all(workers.map(loop));
  // Late events (a script or navigation after the last settle).
  await new Promise((r) => setTimeout(r, 300));
  await ctx.close();
  stats.scriptExecutions = stats.bindingCalls + stats.scriptsCompiled + stats.pageErrors;
  stats.seconds = Math.round((Date.now() - t) / 100) / 10;
  return { stats, findings, samples };
}

// A page with a script, a dialog, an external image and a navigation: with
// CSP it must yield CSP violations and nothing else; without CSP every
// detector must fire. Proves the harness is not blind.
const CANARY = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'">
<title>canary</title></head><body><p>xss-harness canary</p>
<img src="http://192.0.2.1/canary.png" alt="">
<script>__xss('canary'); alert('canary');</script>
<img src="x" onerror="document.title='ran'">
<script>setTimeout(function(){ location.href = 'http://canary.invalid/'; }, 0)</script>
</body></html>
`;

async function selfTest(browser, base) {
  const url = `${base}/xss-harness-canary.html`;
  const served = await runPass(browser, 'canary-served', [{ url, kind: 'page' }], { bypassCSP: false, base });
  const bare = await runPass(browser, 'canary-nocsp', [{ url, kind: 'page' }], { bypassCSP: true, base, inPlace: true });
  const s = served.stats;
  const b = bare.stats;
  const problems = [];
  if (s.pages !== 1 || s.loadErrors || b.pages !== 1 || b.loadErrors) problems.push('canary did not load');
  if (s.scriptExecutions || s.dialogs || s.navigations || s.externalRequests) problems.push('served canary ran despite CSP');
  if (!s.cspViolations) problems.push('CSP violations not seen');
  if (!b.bindingCalls) problems.push('binding not seen');
  if (!b.scriptsCompiled) problems.push('compiled scripts not seen');
  if (!b.dialogs) problems.push('dialog not seen');
  if (!b.externalRequests) problems.push('external request not seen');
  if (!b.navigations) problems.push('navigation not seen');
  if (!b.activeMarkupPages) problems.push('click-to-run markup not seen');
  return { ok: problems.length === 0, problems, served: s, nocsp: b };
}

// ---------------------------------------------------------------- tags

async function tagOf(base, url) {
  if (!url) return null;
  let page = url.replace(/#.*$/, '');
  const m = page.match(/^(.*\/)attachments\/(\d+)\//);
  if (m) page = `${m[1]}${m[2]}.html`;
  if (!/\/\d+\.html$/.test(page)) return null; // an index page
  try {
    const html = await (await fetch(page)).text();
    return html.match(/xss-harness-tag:([A-Za-z0-9_.-]+)/)?.[1] ?? null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- main

async function main() {
  if (!fs.existsSync(LARCH)) die(`larch binary not found at ${LARCH} (build it, or pass --larch)`);
  if (!fs.existsSync(CHROMIUM)) die(`${CHROMIUM} not found (apt-get install chromium)`);
  if (!fs.existsSync(CORPUS)) die(`corpus not found at ${CORPUS}`);
  fs.mkdirSync(path.join(WORK, 'logs'), { recursive: true });

  log('generating mail');
  const manifest = generate({ corpus: CORPUS, out: path.join(WORK, 'mbox') });
  const archive = path.join(WORK, 'archive');
  // An old archive is moved aside and deleted while the browser runs.
  let oldGone = Promise.resolve();
  if (fs.existsSync(archive)) {
    const old = `${archive}.old-${process.pid}`;
    fs.renameSync(archive, old);
    oldGone = fs.promises.rm(old, { recursive: true, force: true });
  }
  log(larch(['init', archive, '--name', 'xss', '--title', 'XSS harness'], 'init'));
  log(larch(['import', '--archive', archive, ...manifest.mboxes], 'import'));
  log(larch(['build', '--archive', archive], 'build'));

  const site = path.join(archive, 'site');
  const files = walk(site).sort();
  const { child, base } = await startServe(archive);
  const stopServe = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.on('exit', stopServe);
  log(`serving ${site} on ${base} (pid ${child.pid})`);

  let pages = files.filter((f) => f.endsWith('.html') && !f.includes(`${path.sep}attachments${path.sep}`));
  let atts = files.filter((f) => f.includes(`${path.sep}attachments${path.sep}`));
  if (LIMIT) {
    pages = pages.slice(0, LIMIT);
    atts = atts.slice(0, LIMIT);
  }
  const pageUrls = pages.map((f) => ({ url: toUrl(base, site, f), kind: 'page' }));
  const attUrls = atts.map((f) => ({ url: toUrl(base, site, f), kind: 'attachment' }));
  // Harness files in the work site (after listing it): the canary, and a
  // blank page in every directory for the in-place pass.
  fs.writeFileSync(path.join(site, 'xss-harness-canary.html'), CANARY);
  const allDirs = files.filter((f) => f.endsWith('.html')).map((f) => path.dirname(f));
  for (const d of new Set([site, ...allDirs])) {
    fs.writeFileSync(path.join(d, BLANK), '<!DOCTYPE html><meta charset="utf-8"><title>blank</title>\n');
  }

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: BROWSER_ARGS });
  log(`chromium ${browser.version()}; self-test`);
  const canary = await selfTest(browser, base);
  if (!canary.ok) log(`SELF-TEST FAILED: ${canary.problems.join('; ')}`);

  log(`pass served: ${pageUrls.length} pages + ${attUrls.length} attachment URLs, ${JOBS} tabs`);
  const served = await runPass(browser, 'served', [...pageUrls, ...attUrls], { bypassCSP: false, base });
  let nocsp = null;
  if (!CSP_ONLY) {
    log(`pass no-CSP: ${pageUrls.length} pages, written in place`);
    nocsp = await runPass(browser, 'nocsp', pageUrls, { bypassCSP: true, base, inPlace: true });
  }
  await browser.close();
  stopServe();
  await oldGone;

  const findings = [...served.findings, ...(nocsp?.findings ?? [])];
  for (const f of findings.slice(0, 200)) {
    f.tag = await tagOf(base, f.url);
    const t = f.tag && manifest.tags[f.tag];
    if (t) {
      f.placement = t.placements.join('+');
      f.vectors = t.vectors.slice(0, 60).map((id) => manifest.vectorList[id]);
    }
  }

  const MUST_ZERO = ['scriptExecutions', 'dialogs', 'navigations', 'externalRequests'];
  const passes = { served: served.stats, ...(nocsp ? { nocsp: nocsp.stats } : {}) };
  const failed =
    !canary.ok ||
    Object.values(passes).some((s) => MUST_ZERO.some((k) => s[k] !== 0) || s.popups !== 0 || s.activeMarkupPages !== 0);
  const result = {
    ok: !failed,
    larch: LARCH,
    chromium: CHROMIUM,
    corpus: CORPUS,
    vectors: manifest.vectors,
    vectorsRead: manifest.vectorsRead,
    files: manifest.files,
    placements: manifest.placementNames.length,
    placementNames: manifest.placementNames,
    messages: manifest.messages,
    messagesByPlacement: Object.fromEntries(Object.entries(manifest.placements).map(([k, v]) => [k, v.messages])),
    jobs: JOBS,
    settleMs: SETTLE,
    selfTest: { ok: canary.ok, problems: canary.problems },
    passes,
    findings: findings.slice(0, 500),
    findingsTotal: findings.length,
    samples: { served: served.samples, ...(nocsp ? { nocsp: nocsp.samples } : {}) },
    runtimeSeconds: Math.round((Date.now() - t0) / 100) / 10,
  };
  fs.writeFileSync(path.join(WORK, 'result.json'), JSON.stringify(result, null, 1));
  printTable(result);
  process.exitCode = failed ? 1 : 0;
}

function printTable(r) {
  const s = r.passes.served;
  const n = r.passes.nocsp;
  const rows = [
    ['vectors tried', r.vectors, ''],
    ['placements', r.placements, ''],
    ['messages', r.messages, ''],
    ['pages loaded', s.pages, n?.pages ?? '-'],
    ['attachment URLs loaded', s.attachments, '-'],
    ['  of which downloads', s.downloads, '-'],
    ['  rendered inline', Object.values(s.inlineAttachments).reduce((a, b) => a + b, 0), '-'],
    ['load errors / timeouts', s.loadErrors, n?.loadErrors ?? '-'],
    ['script executions (must be 0)', s.scriptExecutions, n?.scriptExecutions ?? '-'],
    ['  __xss calls', s.bindingCalls, n?.bindingCalls ?? '-'],
    ['  scripts compiled', s.scriptsCompiled, n?.scriptsCompiled ?? '-'],
    ['  uncaught page errors', s.pageErrors, n?.pageErrors ?? '-'],
    ['dialogs (must be 0)', s.dialogs, n?.dialogs ?? '-'],
    ['navigations away (must be 0)', s.navigations + s.popups, n ? n.navigations + n.popups : '-'],
    ['external requests (must be 0)', s.externalRequests, n?.externalRequests ?? '-'],
    ['CSP violations seen (info)', s.cspViolations, n?.cspViolations ?? '-'],
    ['  of which blocked requests', s.cspBlockedRequests, n?.cspBlockedRequests ?? '-'],
    ['pages with click-to-run markup (must be 0)', '-', n?.activeMarkupPages ?? '-'],
    ['child frames (info)', s.childFrames, n?.childFrames ?? '-'],
    ['other console messages (info)', s.consoleOther, n?.consoleOther ?? '-'],
    ['pass time (s)', s.seconds, n?.seconds ?? '-'],
  ];
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const line = (a, b, c) => `${a.padEnd(w0)}  ${String(b).padStart(8)}  ${String(c).padStart(8)}`;
  console.log(line('', 'served', 'no CSP'));
  for (const [a, b, c] of rows) console.log(line(a, b, c));
  console.log(`self-test (detectors fire on a canary page): ${r.selfTest.ok ? 'ok' : 'FAILED: ' + r.selfTest.problems.join('; ')}`);
  console.log(`total runtime: ${r.runtimeSeconds}s; result: ${r.ok ? 'PASS' : 'FAIL'} (${WORK}/result.json)`);
  for (const f of r.findings.slice(0, 20)) {
    console.log(`  ${f.pass} ${f.kind} ${f.placement ?? ''} ${f.url} ${JSON.stringify(f.detail).slice(0, 200)}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
