// run.mjs — real-browser XSS harness for larch (issue 5).
//
//   node tools/xss-harness/run.mjs [--larch PATH] [--work DIR] [--corpus DIR]
//        [--tabs N] [--timeout MS] [--settle MS] [--navigate] [--limit N]
//        [--chromium PATH]
//
// Generates mail from every vector of ../shared/corpora/C (gen.mjs), imports
// it with `larch import`, builds the site with `larch build`, serves it with
// `larch serve` on 127.0.0.1 and loads every page and attachment in Debian's
// Chromium, driven over the DevTools protocol (cdp.mjs, no dependencies).
//
// Every file of the site is first fetched from `larch serve` (HTTP check:
// status, CSP header, nosniff, page type and charset). Then two passes:
//
//  served   the site as larch serves it: header CSP and meta CSP in force.
//  no CSP   the same pages with all CSP bypassed (Page.setBypassCSP), and
//           the attachments from a plain static host (types by file name,
//           no other header): the site on a web server that sends no CSP,
//           nosniff or Content-Disposition, and a browser that ignored the
//           meta. This is the real test of the sanitizer, the template
//           escaping and the attachment names.
//
// Pages are loaded in place: a tab navigates to an empty page served by
// larch serve in the page's directory (so the document has larch's headers
// and origin, and relative URLs resolve as on the real page), then the
// page's served bytes are written into it (Page.setDocumentContent) and the
// tab waits for its load event; a fresh empty page every RELOAD_EVERY
// pages. That is about 2.5x less browser CPU than a navigation per page.
// --navigate loads every page by a real navigation in the served pass
// instead (slower; same checks). A sample of pages is always also loaded by
// real navigation in the served pass, as a cross-check.
//
// Attachments are loaded by real navigation. Attachments whose bytes AND
// served headers are identical (the same hostile body under many hostile
// names) are loaded once per distinct (bytes, headers): the browser cannot
// tell them apart. The table says how many URLs that covers.
//
// Detectors (per tab, all on by default; the self-test proves each fires):
//  - script: the __xss binding (gen.mjs rewrites alert/prompt/confirm/print
//    to __xss), any script compiled in the page's main world (V8's
//    Debugger.scriptParsed / scriptFailedToParse: inline scripts, handlers,
//    javascript: URLs, eval...), uncaught exceptions;
//  - dialogs (alert/confirm/prompt/print/beforeunload);
//  - navigations the page asks for (meta refresh, location=, forms, window.open)
//    and any main-frame URL change, popups, downloads started by a page;
//  - requests to any origin but the page's own, seen by CDP (unless blocked
//    by CSP: counted apart) and by a proxy: Chromium sends every request
//    that is not for larch serve's or the static host's host:port to a
//    proxy of ours, which logs and refuses it, and resolves no names, so
//    nothing leaves the machine;
//  - frames in pages;
//  - click-to-run markup in the loaded DOM (on* attributes, javascript:/data:
//    URLs, forms, frames, objects, meta refresh, base...), which no passive
//    load can trigger.
//
// Exit status: 0 clean, 1 a must-be-zero count is not zero or the self-test
// failed, 2 the harness could not run.

import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { launch } from './cdp.mjs';
import { generate, collectVectors, instrument, DEFAULT_CORPUS, ISOLATION_TEST } from './gen.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const t0 = Date.now();

// ---------------------------------------------------------------- options

const argv = process.argv.slice(2);
const opt = (k, d) => {
  const i = argv.indexOf(k);
  return i >= 0 ? argv[i + 1] : d;
};
const LARCH = path.resolve(opt('--larch', path.resolve(HERE, '../../target/release/larch')));
// The work directory holds the archive, the site (about 55 MB in 11,000
// files) and the browser profile: on tmpfs when there is room, so that a
// busy disk does not slow the build and the page loads.
function defaultWork() {
  try {
    const st = fs.statfsSync('/dev/shm');
    if (st.bavail * st.bsize > 2 ** 31) {
      fs.accessSync('/dev/shm', fs.constants.W_OK);
      return '/dev/shm/xss-harness';
    }
  } catch {}
  return path.join(os.tmpdir(), 'xss-harness');
}
const WORK = path.resolve(opt('--work', defaultWork()));
const CORPUS = path.resolve(opt('--corpus', DEFAULT_CORPUS));
const TABS = Number(opt('--tabs', 3));
const TIMEOUT = Number(opt('--timeout', 15000));
const SETTLE = Number(opt('--settle', 0));
const LIMIT = Number(opt('--limit', 0)); // quick tries: about N pages and N attachments, evenly sampled
const NAVIGATE = argv.includes('--navigate');
const CHROMIUM = opt('--chromium', '/usr/bin/chromium');
const NAV_SAMPLE = Number(opt('--nav-sample', 1)); // real navigations per placement in the cross-check

const log = (m) => console.error(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
function die(msg) {
  console.error(`xss-harness: ${msg}`);
  process.exit(2);
}

// ---------------------------------------------------------------- larch

function larch(args, logName) {
  const file = path.join(WORK, 'logs', `${logName}.log`);
  const out = fs.openSync(file, 'w');
  const r = spawnSync(LARCH, args, { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  if (r.status !== 0) die(`larch ${args[0]} failed (status ${r.status}); see ${file}`);
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => /^(read|built|created) /.test(l))
    .join(' ');
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

async function startServe(archive, port) {
  const out = fs.openSync(path.join(WORK, 'logs', 'serve.log'), 'w');
  const child = spawn(LARCH, ['serve', '--archive', archive, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', out, out],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) die(`larch serve exited (${child.exitCode}); see ${WORK}/logs/serve.log`);
    try {
      if ((await fetch(`${base}/index.html`)).ok) return { child, base, port };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGTERM');
  die('larch serve did not answer within 10 s');
}

// Every request Chromium makes to anything but larch serve comes here. It is
// logged and refused; nothing is forwarded. Debian's Chromium talks to
// Google's services on its own (its wrapper sets API keys and remote
// extensions; no flag stops all of it): requests to those hosts are counted
// apart as the browser's own. A page's request to them is still caught by
// the per-page CDP hooks.
const BROWSER_OWN = /^(https?:\/\/)?([a-z0-9-]+\.)*(google\.com|googleapis\.com|gstatic\.com|gvt1\.com)(:\d+)?(\/|$)/i;

async function startProxy() {
  const hits = [];
  const server = http.createServer((req, res) => {
    hits.push({ method: req.method, url: req.url.slice(0, 300), at: Date.now(), fetchMode: req.headers['sec-fetch-mode'] ?? null });
    res.writeHead(403, { connection: 'close' });
    res.end();
  });
  server.on('connect', (req, socket) => {
    hits.push({ method: 'CONNECT', url: req.url.slice(0, 300), at: Date.now() });
    socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
  });
  server.on('upgrade', (req, socket) => {
    hits.push({ method: 'UPGRADE', url: req.url.slice(0, 300), at: Date.now() });
    socket.destroy();
  });
  server.on('clientError', (e, socket) => socket.destroy());
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const own = (h) => BROWSER_OWN.test(h.url);
  return {
    hits,
    port: server.address().port,
    pageHits: () => hits.filter((h) => !own(h)).length,
    ownHits: () => hits.filter(own).length,
    close: () => server.close(),
  };
}

// CPU seconds used so far by a process and all its descendants (Linux).
function treeCpu(rootPid) {
  const kids = new Map();
  const cpu = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const f = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const x = f.slice(f.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(x[1]);
      // Own time, and the time of children already reaped.
      cpu.set(Number(d), (Number(x[11]) + Number(x[12]) + Number(x[13]) + Number(x[14])) / 100);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(d));
    } catch {}
  }
  let sum = 0;
  const stack = [rootPid];
  while (stack.length) {
    const p = stack.pop();
    sum += cpu.get(p) ?? 0;
    stack.push(...(kids.get(p) ?? []));
  }
  return sum;
}
const selfCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

// A plain static host (what the site is for: any web server can serve it),
// for the no-CSP pass's attachments: the content type from the file name as
// Apache on Debian gives it (/etc/mime.types), and no other header: no CSP,
// no nosniff, no Content-Disposition. This is where larch's own defence,
// the `.bin` on names a browser would render, has to hold alone.
function mimeMap() {
  const map = new Map();
  try {
    for (const line of fs.readFileSync('/etc/mime.types', 'utf8').split('\n')) {
      const [type, ...exts] = line.replace(/#.*/, '').trim().split(/\s+/);
      for (const e of exts) if (type && e) map.set(e.toLowerCase(), type);
    }
  } catch {}
  const source = map.size ? '/etc/mime.types' : 'a built-in list';
  if (!map.size) {
    for (const [t, es] of Object.entries({
      'text/html': 'html htm shtml', 'application/xhtml+xml': 'xhtml xht', 'text/xml': 'xml xsd',
      'application/xml': 'xsl xslt dtd', 'image/svg+xml': 'svg svgz', 'application/rss+xml': 'rss',
      'application/atom+xml': 'atom', 'application/rdf+xml': 'rdf', 'application/wsdl+xml': 'wsdl',
      'text/javascript': 'js mjs', 'text/css': 'css', 'text/plain': 'txt text diff patch log asc',
      'application/json': 'json', 'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpg jpeg',
      'image/gif': 'gif', 'image/webp': 'webp', 'application/zip': 'zip', 'application/gzip': 'gz',
    })) for (const e of es.split(' ')) map.set(e, t);
  }
  return { map, source };
}

async function startStaticHost(site, port) {
  const { map, source } = mimeMap();
  const server = http.createServer((req, res) => {
    let file = null;
    try {
      const segs = new URL(req.url, 'http://x').pathname.split('/').slice(1).map(decodeURIComponent);
      if (!segs.some((s) => s === '' || s.startsWith('.') || /[\\/\0]/.test(s))) file = path.join(site, ...segs);
    } catch {}
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end('not found');
    }
    const ext = path.extname(file).slice(1).toLowerCase();
    res.writeHead(200, { 'content-type': map.get(ext) ?? 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${port}`, typeOf: (name) => map.get(path.extname(name).slice(1).toLowerCase()) ?? 'application/octet-stream', source, close: () => server.close() };
}

// The site's files, but for dot files (larch's own bookkeeping, which
// `larch serve` refuses to serve).
function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

const toUrl = (base, site, file) =>
  base + '/' + path.relative(site, file).split(path.sep).map(encodeURIComponent).join('/');
const dirOf = (url) => url.slice(0, url.lastIndexOf('/') + 1);
const stripHash = (u) => u.replace(/#.*$/, '');

// ---------------------------------------------------------------- HTTP check

// Fetch every URL once from larch serve: the bytes the browser will get, and
// the headers that decide what it does with them.
function get(agent, url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: { 'accept-encoding': 'identity' } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function survey(urls, expectCsp) {
  const out = new Map();
  const problems = [];
  let next = 0;
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  // Many connections: each response waits on the loopback round trip more
  // than on either side's CPU.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  async function one() {
    while (next < urls.length) {
      const { url, kind } = urls[next++];
      const res = await get(agent, url);
      const body = res.body;
      const h = (k) => String(res.headers[k] ?? '');
      const rec = {
        status: res.status,
        type: h('content-type'),
        disposition: h('content-disposition'),
        nosniff: h('x-content-type-options'),
        csp: h('content-security-policy'),
        sha256: crypto.createHash('sha256').update(body).digest('hex'),
        size: body.length,
      };
      const bad = (why) => problems.push({ url, why });
      if (res.status !== 200) bad(`HTTP ${res.status}`);
      // Pages carry the site's CSP; attachments may carry a stricter one.
      if (!rec.csp) bad('no Content-Security-Policy header');
      else if (expectCsp && kind === 'page' && rec.csp !== expectCsp) bad(`CSP header differs: ${rec.csp}`);
      if (rec.nosniff.toLowerCase() !== 'nosniff') bad('no X-Content-Type-Options: nosniff');
      if (kind === 'page') {
        if (!/^text\/html\b/i.test(rec.type)) bad(`page served as ${rec.type}`);
        try {
          rec.html = utf8.decode(body);
        } catch {
          bad('page is not valid UTF-8');
          rec.html = body.toString('utf8');
        }
        // In-place loading decodes the bytes as UTF-8 itself, which is what
        // the browser does only if the page says so before any content.
        const head = rec.html.slice(0, 1024).toLowerCase();
        const charset = /charset=([\w-]+)/i.exec(rec.type)?.[1]?.toLowerCase();
        if (!(charset === 'utf-8' || (charset === undefined && head.includes('<meta charset="utf-8">')))) {
          bad('page does not declare UTF-8 up front');
        }
      }
      out.set(url, rec);
    }
  }
  await Promise.all(Array.from({ length: 32 }, one));
  agent.destroy();
  return { responses: out, problems };
}

// ---------------------------------------------------------------- browser checks

const SCAN_URL = 'xss-harness://scan';
const BLANK = 'xss-harness-blank.html';
// Pages written into one loader document before it is loaded afresh. A
// document keeps every CSP it was given (each page's meta adds one), and its
// window keeps timers: a fresh loader now and then keeps both bounded.
const RELOAD_EVERY = 64;

// Markup in the loaded DOM that would run on a click, a hover or a submit
// (what no passive load can trigger), or that should never be there. Runs in
// the page (its compilation is recognised by SCAN_URL and not counted).
const SCAN = `(() => {
  const out = [];
  const URL_ATTRS = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'background', 'poster',
    'codebase', 'lowsrc', 'dynsrc', 'ping', 'cite', 'longdesc', 'usemap', 'manifest', 'srcset', 'to', 'from',
    'values', 'icon', 'archive', 'classid', 'profile', 'itemtype', 'content'];
  const TAGS = ['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'form', 'input',
    'button', 'textarea', 'select', 'svg', 'math', 'template', 'style', 'noscript', 'portal', 'fencedframe',
    'isindex', 'animate', 'set', 'handler', 'listener', 'xss', 'audio', 'video', 'source', 'track', 'image',
    'keygen', 'xml', 'import', 'bgsound', 'marquee', 'layer', 'ilayer', 'xmp', 'plaintext', 'dialog'];
  // The head larch's templates write, and nothing else.
  const HEAD_META = /^(charset|name=viewport|name=referrer|name=generator|http-equiv=content-security-policy)$/;
  for (const el of document.querySelectorAll('*')) {
    const tag = el.localName;
    if (tag === 'meta') {
      const key = el.hasAttribute('charset') ? 'charset' : el.hasAttribute('name') ? 'name=' + el.getAttribute('name')
        : 'http-equiv=' + (el.getAttribute('http-equiv') || '').toLowerCase();
      if (el.parentElement !== document.head || !HEAD_META.test(key)) out.push('<meta ' + key.slice(0, 60) + '>');
      continue;
    }
    if (tag === 'link') {
      // larch's style sheet, and the Atom feed of the page's thread (t/) or
      // of the list (new.atom), both relative to the site.
      const rel = el.getAttribute('rel'), href = el.getAttribute('href') || '';
      const ours = rel === 'stylesheet' ? /(^|\\/)larch\\.css$/.test(href)
        : rel === 'alternate' && el.getAttribute('type') === 'application/atom+xml'
          && /^(\\.\\.\\/)*(t\\/[A-Za-z0-9._@+%-]+|new)\\.atom$/.test(href);
      if (el.parentElement !== document.head || !ours) {
        out.push('<link rel=' + el.getAttribute('rel') + ' href=' + (el.getAttribute('href') || '').slice(0, 80) + '>');
      }
      continue;
    }
    if (TAGS.includes(tag) || el.namespaceURI !== 'http://www.w3.org/1999/xhtml') out.push('<' + tag + '>');
    for (const a of el.attributes) {
      const n = a.name.toLowerCase();
      if (n.startsWith('on')) out.push('<' + tag + ' ' + n + '>');
      else if (['srcdoc', 'style', 'formaction', 'http-equiv', 'is', 'popover', 'popovertarget', 'autofocus', 'contenteditable', 'xmlns'].includes(n)) out.push('<' + tag + ' ' + n + '>');
      else if (URL_ATTRS.includes(n)) {
        const u = a.value.replace(/[\\u0000-\\u0020\\u007f]/g, '').toLowerCase();
        if (/^(javascript|vbscript|data|livescript|mocha|jscript|blob|filesystem|view-source|feed|jar):/.test(u)) {
          out.push('<' + tag + ' ' + n + '="' + a.value.slice(0, 80) + '">');
        }
      }
    }
  }
  return out;
})()
//# sourceURL=${SCAN_URL}`;

function newStats() {
  return {
    pages: 0, pagesInPlace: 0, pagesNavigated: 0, attachments: 0, downloads: 0, inline: 0, loadErrors: 0, retries: 0,
    bindingCalls: 0, scriptsCompiled: 0, pageErrors: 0, dialogs: 0, navigations: 0, popups: 0,
    pageDownloads: 0, externalRequests: 0, frames: 0, activeMarkupPages: 0, scanErrors: 0,
    cspViolations: 0, cspBlockedRequests: 0, attachmentFrames: 0, internalRequests: 0, consoleCalls: 0,
    inlineTypes: {},
  };
}

// The things that must be zero, and how they are summed.
const scriptExecutions = (s) => s.bindingCalls + s.scriptsCompiled + s.pageErrors;
const navigationsAway = (s) => s.navigations + s.popups + s.pageDownloads;

class Pass {
  constructor(browser, name, { bypassCSP, base, scanInPlace = true }) {
    this.browser = browser;
    this.name = name;
    this.bypassCSP = bypassCSP;
    this.scanInPlace = scanInPlace;
    this.base = base;
    this.origin = new URL(base).origin;
    this.stats = newStats();
    this.findings = [];
    this.samples = { csp: [], loadErrors: [] };
    this.inline = [];
    this.pending = new Map(); // external requests not yet finished: requestId -> {tab item, url}
    this.tabs = [];
    this.attachmentUrls = new Set();
  }

  find(item, kind, detail) {
    this.findings.push({ pass: this.name, kind, url: item?.url ?? null, itemKind: item?.kind, group: item?.group, detail });
  }

  async open(n) {
    const { browserContextId } = await this.browser.send('Target.createBrowserContext', {});
    this.contextId = browserContextId;
    for (let i = 0; i < n; i++) this.tabs.push(await this.openTab());
  }

  async openTab() {
    const b = this.browser;
    const { targetId } = await b.send('Target.createTarget', { url: 'about:blank', browserContextId: this.contextId });
    const { sessionId } = await b.send('Target.attachToTarget', { targetId, flatten: true });
    const w = { targetId, sessionId, cur: null, last: null, expect: 'about:blank', loader: null, written: 0, onLoad: null, navSeen: new Set() };
    b.on(sessionId, (method, params) => this.onEvent(w, method, params));
    const send = (m, p) => b.send(m, p, sessionId);
    await Promise.all([
      send('Page.enable'), send('Runtime.enable'), send('Debugger.enable'), send('Network.enable'), send('Log.enable'),
    ]);
    await send('Runtime.addBinding', { name: '__xss' });
    if (this.bypassCSP) await send('Page.setBypassCSP', { enabled: true });
    w.frameId = (await send('Page.getFrameTree')).frameTree.frame.id;
    w.send = send;
    return w;
  }

  onEvent(w, method, p) {
    const s = this.stats;
    const item = w.cur ?? w.last;
    switch (method) {
      case 'Page.loadEventFired':
        if (w.onLoad) w.onLoad();
        return;
      case 'Page.javascriptDialogOpening':
        s.dialogs++;
        this.find(item, 'dialog', { type: p.type, message: p.message.slice(0, 200) });
        w.send('Page.handleJavaScriptDialog', { accept: p.type === 'beforeunload' }).catch(() => {});
        return;
      case 'Page.frameRequestedNavigation':
      case 'Page.frameScheduledNavigation':
        // In an attachment, child frames are the browser's own viewers (PDF).
        if (p.frameId === w.frameId || item?.kind !== 'attachment') this.navigation(w, item, p.url, p.reason);
        return;
      case 'Page.frameStartedNavigating':
        if (p.frameId === w.frameId ? stripHash(p.url) !== stripHash(w.expect) : item?.kind !== 'attachment') {
          this.navigation(w, item, p.url, 'started');
        }
        return;
      case 'Page.frameNavigated':
        if (p.frame.parentId) {
          // Child frames are counted at frameAttached.
        } else if (stripHash(p.frame.url) !== stripHash(w.expect)) {
          this.navigation(w, item, p.frame.url, 'committed');
        }
        return;
      case 'Page.frameAttached':
        if (item?.kind === 'attachment') {
          s.attachmentFrames++; // the PDF viewer, image documents
        } else {
          s.frames++;
          this.find(item, 'frame', { parent: p.parentFrameId });
        }
        return;
      case 'Page.windowOpen':
        s.popups++;
        this.find(item, 'popup', { url: p.url.slice(0, 300) });
        return;
      case 'Page.downloadWillBegin':
        // The event may come after the tab moved on: any attachment this
        // pass navigated to is expected to download.
        if (!this.attachmentUrls.has(stripHash(p.url))) {
          s.pageDownloads++;
          this.find(item, 'download', { url: p.url.slice(0, 300) });
        }
        return;
      case 'Runtime.bindingCalled':
        s.bindingCalls++;
        this.find(item, 'binding', { payload: String(p.payload).slice(0, 200) });
        return;
      case 'Runtime.exceptionThrown': {
        s.pageErrors++;
        const d = p.exceptionDetails;
        this.find(item, 'pageerror', { text: `${d.text} ${d.exception?.description ?? ''}`.slice(0, 300) });
        return;
      }
      case 'Runtime.consoleAPICalled':
        s.consoleCalls++;
        return;
      case 'Debugger.scriptParsed':
      case 'Debugger.scriptFailedToParse': {
        if (!p.executionContextAuxData?.isDefault) return; // isolated worlds: not the page's
        if (p.url === SCAN_URL || /^(chrome-error|chrome-extension|chrome|devtools):/.test(p.url)) return;
        s.scriptsCompiled++;
        const d = { script: p.url.slice(0, 200), length: p.length, failed: method.endsWith('FailedToParse') };
        this.find(item, 'script', d);
        // The source, for the report (best effort).
        w.send('Debugger.getScriptSource', { scriptId: p.scriptId })
          .then((r) => (d.source = r.scriptSource.slice(0, 300)))
          .catch(() => {});
        return;
      }
      case 'Network.requestWillBeSent': {
        const u = p.request.url;
        if (/^(data|blob|about):/.test(u)) return; // never leave the page
        if (/^(chrome|chrome-extension|chrome-untrusted|devtools|chrome-error):/.test(u)) {
          s.internalRequests++; // the browser's own pages (PDF viewer, error pages)
          return;
        }
        let origin = 'invalid';
        try {
          origin = new URL(u).origin;
        } catch {}
        if (origin === (item?.origin ?? this.origin)) return;
        this.pending.set(p.requestId, { item, url: u, type: p.type });
        return;
      }
      case 'Network.loadingFailed':
      case 'Network.loadingFinished':
      case 'Network.responseReceived': {
        const r = this.pending.get(p.requestId);
        if (!r) return;
        this.pending.delete(p.requestId);
        if (method === 'Network.loadingFailed' && p.blockedReason === 'csp') {
          s.cspBlockedRequests++;
        } else {
          s.externalRequests++;
          this.find(r.item, 'external-request', { request: r.url.slice(0, 300), type: r.type });
        }
        return;
      }
      case 'Network.webSocketCreated':
        s.externalRequests++;
        this.find(item, 'external-request', { request: p.url.slice(0, 300), type: 'WebSocket' });
        return;
      case 'Log.entryAdded':
        if (p.entry.source === 'security') {
          s.cspViolations++;
          if (this.samples.csp.length < 10) this.samples.csp.push({ url: item?.url, text: p.entry.text.slice(0, 200) });
        }
        return;
      default:
    }
  }

  navigation(w, item, url, reason) {
    // One finding per page and URL (a navigation shows up as requested,
    // scheduled, started and committed).
    const key = `${item?.url} ${stripHash(url)}`;
    if (w.navSeen.has(key)) return;
    w.navSeen.add(key);
    this.stats.navigations++;
    this.find(item, 'navigation', { to: url.slice(0, 300), reason });
  }

  waitLoad(w) {
    let timer;
    const p = new Promise((resolve, reject) => {
      w.onLoad = resolve;
      timer = setTimeout(() => reject(new Error(`no load event in ${TIMEOUT} ms`)), TIMEOUT);
    });
    return p.finally(() => {
      clearTimeout(timer);
      w.onLoad = null;
    });
  }

  async navigate(w, url) {
    w.expect = url;
    const loaded = this.waitLoad(w);
    loaded.catch(() => {});
    const r = await w.send('Page.navigate', { url });
    if (r.isDownload) return 'download';
    if (r.errorText) throw new Error(r.errorText);
    await loaded;
    return 'loaded';
  }

  async scan(w, item) {
    try {
      const r = await w.send('Runtime.evaluate', { expression: SCAN, returnByValue: true });
      const active = r.result?.value;
      if (!Array.isArray(active)) throw new Error(r.exceptionDetails?.text ?? 'no result');
      if (active.length) {
        this.stats.activeMarkupPages++;
        this.find(item, 'active-markup', { markup: [...new Set(active)].slice(0, 20) });
      }
    } catch (e) {
      this.stats.scanErrors++;
      this.stats.activeMarkupPages++;
      this.find(item, 'active-markup', { markup: [`(scan failed: ${String(e.message).slice(0, 120)})`] });
    }
  }

  async load(w, item) {
    const s = this.stats;
    const inPlace = item.kind === 'page' && !item.navigate;
    if (item.kind === 'page') {
      s.pages++;
      if (inPlace) s.pagesInPlace++;
      else s.pagesNavigated++;
    } else {
      s.attachments++;
      this.attachmentUrls.add(stripHash(item.url));
    }
    // A load that fails or times out (a busy machine) is tried once more in
    // a fresh loader; a second failure counts.
    for (let attempt = 1; ; attempt++) {
      w.navSeen.clear();
      try {
        await (inPlace ? this.loadInPlace(w, item) : this.loadByNavigation(w, item));
        if (SETTLE) await new Promise((r) => setTimeout(r, SETTLE));
        break;
      } catch (e) {
        w.loader = null;
        if (attempt < 2) {
          s.retries++;
          continue;
        }
        s.loadErrors++;
        if (this.samples.loadErrors.length < 20) this.samples.loadErrors.push({ url: item.url, error: String(e.message).slice(0, 300) });
        break;
      }
    }
    w.last = item;
    w.cur = null;
  }

  // The page's served bytes written into an empty page of the same directory
  // that larch serve sent (its headers, its origin, its base URL).
  async loadInPlace(w, item) {
    const loader = dirOf(item.url) + BLANK;
    if (w.loader !== loader || w.written >= RELOAD_EVERY) {
      w.cur = null;
      w.written = 0;
      if ((await this.navigate(w, loader)) !== 'loaded') throw new Error('loader did not load');
      w.loader = loader;
    }
    w.cur = item;
    w.written++;
    const loaded = this.waitLoad(w);
    loaded.catch(() => {});
    await w.send('Page.setDocumentContent', { frameId: w.frameId, html: item.html });
    await loaded;
    if (this.scanInPlace) await this.scan(w, item);
  }

  async loadByNavigation(w, item) {
    const s = this.stats;
    w.loader = null;
    w.cur = item;
    const how = await this.navigate(w, item.url);
    if (how === 'download') {
      if (item.kind === 'attachment') s.downloads++;
      else {
        s.pageDownloads++;
        this.find(item, 'download', { url: item.url });
      }
    } else if (item.kind === 'attachment') {
      s.inline++;
      const type = (item.type || '?').split(';')[0];
      s.inlineTypes[type] = (s.inlineTypes[type] ?? 0) + 1;
      this.inline.push(item);
    } else {
      await this.scan(w, item);
    }
  }

  async run(items, label = this.name) {
    const t = Date.now();
    const c0 = Pass.cpuNow?.();
    let next = 0;
    let done = 0;
    const every = Math.max(500, Math.ceil(items.length / 8));
    await Promise.all(
      this.tabs.map(async (w) => {
        while (next < items.length) {
          await this.load(w, items[next++]);
          if (++done % every === 0) log(`${label}: ${done}/${items.length}`);
        }
      }),
    );
    this.seconds = (this.seconds ?? 0) + (Date.now() - t) / 1000;
    if (c0) {
      const c1 = Pass.cpuNow();
      this.cpu ??= {};
      for (const k of Object.keys(c1)) this.cpu[k] = (this.cpu[k] ?? 0) + c1[k] - c0[k];
    }
  }

  async close() {
    // Late events: a request or navigation after the last load.
    await new Promise((r) => setTimeout(r, 300));
    for (const w of this.tabs) this.browser.off(w.sessionId);
    await this.browser.send('Target.disposeBrowserContext', { browserContextId: this.contextId }).catch(() => {});
    for (const r of this.pending.values()) {
      this.stats.externalRequests++;
      this.find(r.item, 'external-request', { request: r.url.slice(0, 300), type: r.type, unfinished: true });
    }
    this.pending.clear();
    this.stats.seconds = Math.round((this.seconds ?? 0) * 10) / 10;
    this.stats.cpuSeconds = Object.fromEntries(Object.entries(this.cpu ?? {}).map(([k, v]) => [k, Math.round(v * 10) / 10]));
    return this;
  }
}

// ---------------------------------------------------------------- self-test

// A page and an attachment that do everything the detectors look for. Served
// (CSP in force) they must yield CSP violations and nothing else; with CSP
// bypassed every detector must fire. Proves the harness is not blind.
// Each canary names itself in its URLs, so the proxy's log tells them apart.
const CANARY = (id) => `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'">
<title>canary</title></head><body><p>xss-harness canary</p>
<img src="http://192.0.2.1/${id}.png" alt="">
<img src="http://127.0.0.1:8081/${id}.png" alt="">
<script>__xss('canary'); alert('canary');</script>
<img src="x" onerror="document.title='ran'; throw new Error('canary error')">
<a href="javascript:void(0)">click-to-run</a>
</body></html>
`;
// A navigation without script: CSP does not stop it.
const CANARY_REFRESH = (id) => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>canary refresh</title></head>
<body><p>xss-harness canary<meta http-equiv="refresh" content="0;url=http://${id}.invalid/"></p></body></html>
`;
const CANARY_ATT = `<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" onload="__xss('canary attachment onload')"><script>__xss('canary attachment')</script></svg>
`;
const CANARY_IDS = ['page', 'page-nav', 'refresh', 'refresh-nav'].flatMap((k) => [`served-${k}`, `nocsp-${k}`]);

function writeCanaries(site) {
  for (const id of CANARY_IDS) {
    const html = id.includes('refresh') ? CANARY_REFRESH(`canary-${id}`) : CANARY(`canary-${id}`);
    fs.writeFileSync(path.join(site, `xss-harness-canary-${id}.html`), html);
  }
  fs.writeFileSync(path.join(site, 'xss-harness-canary.xml'), CANARY_ATT);
  fs.writeFileSync(path.join(site, 'xss-harness-canary.bin'), CANARY_ATT);
}

async function selfTest(browser, base, proxy, site, staticBase) {
  const problems = [];
  const results = {};
  const one = async (bypassCSP, label, item, id) => {
    const name = bypassCSP ? 'nocsp' : 'served';
    const p = new Pass(browser, `canary-${name}`, { bypassCSP, base });
    await p.open(1);
    await p.run([item]);
    await p.close();
    const s = p.stats;
    const proxyHits = id ? proxy.hits.filter((h) => h.url.includes(`canary-${id}.`)).length : 0;
    return { name, label, s, proxyHits };
  };
  const jobs = [];
  for (const bypassCSP of [false, true]) {
    const m = bypassCSP ? 'nocsp' : 'served';
    const url = (k) => `${base}/xss-harness-canary-${m}-${k}.html`;
    const html = (k) => fs.readFileSync(path.join(site, `xss-harness-canary-${m}-${k}.html`), 'utf8');
    jobs.push(
      one(bypassCSP, 'in place', { kind: 'page', url: url('page'), html: html('page') }, `${m}-page`),
      one(bypassCSP, 'navigated', { kind: 'page', url: url('page-nav'), navigate: true }, `${m}-page-nav`),
      one(bypassCSP, 'refresh in place', { kind: 'page', url: url('refresh'), html: html('refresh') }, `${m}-refresh`),
      one(bypassCSP, 'refresh navigated', { kind: 'page', url: url('refresh-nav'), navigate: true }, `${m}-refresh-nav`),
      // As the passes load attachments: served by larch serve, or by the
      // plain static host when CSP is off.
      bypassCSP
        ? one(true, 'attachment', { kind: 'attachment', url: `${staticBase}/xss-harness-canary.xml`, origin: staticBase, type: 'text/xml' })
        : one(false, 'attachment', { kind: 'attachment', url: `${base}/xss-harness-canary.xml`, type: 'text/xml' }),
      bypassCSP
        ? one(true, 'download', { kind: 'attachment', url: `${staticBase}/xss-harness-canary.bin`, origin: staticBase, type: 'application/octet-stream' })
        : one(false, 'download', { kind: 'attachment', url: `${base}/xss-harness-canary.bin`, type: 'application/octet-stream' }),
    );
  }
  for (const { name, label, s, proxyHits } of await Promise.all(jobs)) {
    results[`${name} ${label}`] = { ...s, proxyHits };
    const bypassCSP = name === 'nocsp';
    const P = (why) => problems.push(`${name} ${label}: ${why}`);
    if (s.loadErrors) P('did not load');
    if (label === 'download') {
      if (s.downloads !== 1) P('download not seen');
      continue;
    }
    if (label.startsWith('refresh')) {
      if (!s.navigations) P('navigation not seen');
      if (!proxyHits) P('navigation request not seen by the proxy');
      continue;
    }
    if (!bypassCSP) {
      // larch serve may send the attachment canary as a download.
      if (!s.cspViolations && !(label === 'attachment' && s.downloads)) P('no CSP violation seen');
      if (scriptExecutions(s) || s.dialogs || s.externalRequests || proxyHits || navigationsAway(s)) P('ran despite CSP');
      if (label !== 'attachment' && s.cspBlockedRequests < 2) P('requests blocked by CSP not seen');
      if (label !== 'attachment' && !s.activeMarkupPages) P('click-to-run markup not seen');
      continue;
    }
    if (!s.bindingCalls) P('__xss binding call not seen');
    if (!s.scriptsCompiled) P('compiled script not seen');
    if (label === 'attachment') continue;
    if (!s.pageErrors) P('uncaught exception not seen');
    if (!s.dialogs) P('dialog not seen');
    if (s.externalRequests < 2) P(`${s.externalRequests} of 2 external requests seen`);
    if (proxyHits < 2) P(`proxy saw ${proxyHits} of 2 requests`);
    if (!s.activeMarkupPages) P('click-to-run markup not seen');
  }
  return { ok: problems.length === 0, problems, results };
}

// Which vectors leave the parser in a state that changes how the next one is
// parsed (see gen.mjs): asked of Chromium's own HTML parser (DOMParser).
async function isolationCheck(browser, vectors) {
  const { targetId } = await browser.send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await browser.send('Target.attachToTarget', { targetId, flatten: true });
  const r = await browser.send(
    'Runtime.evaluate',
    { expression: `(${ISOLATION_TEST})(${JSON.stringify(vectors.map((x) => x.v))})`, returnByValue: true },
    sessionId,
  );
  await browser.send('Target.closeTarget', { targetId });
  const ok = r.result?.value;
  if (!Array.isArray(ok) || ok.length !== vectors.length) die(`isolation check failed: ${JSON.stringify(r).slice(0, 300)}`);
  const set = new Set(vectors.filter((_, i) => ok[i]).map((x) => x.id));
  return { set, notIsolated: vectors.length - set.size };
}

// Did the header placements reach the page? For each message of the
// `headers` placement: its vector twice in the <h1> subject (raw and
// encoded), twice in the author name, twice among the attachment names.
// Compared without whitespace, control and format characters (larch removes
// those from what it shows). Informative: a vector a parser normalizes
// (an address parser, say) is still on the page, just not verbatim.
function headerCoverage(pageItems, manifest) {
  const ENT = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
  const text = (html) =>
    html
      .replace(/<[^>]*>/g, '')
      .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) =>
        e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : ENT[e.toLowerCase()] ?? m,
      );
  const norm = (s) => s.replace(/[\s\p{Cc}\p{Cf}\p{Z}]/gu, '');
  const count = (hay, needle) => (needle ? hay.split(needle).length - 1 : 0);
  const got = { pages: 0, subject: 0, from: 0, filenames: 0 };
  for (const p of pageItems) {
    const t = p.tag && manifest.tags[p.tag];
    if (!t || t.placement !== 'headers') continue;
    got.pages++;
    const v = norm(instrument(manifest.vectorList[t.vectors[0]].v).replace(/[\r\n]+/g, ' '));
    const part = (re) => norm(text(re.exec(p.html)?.[1] ?? ''));
    if (count(part(/<h1>([\s\S]*?)<\/h1>/), v) >= 2) got.subject++;
    if (count(part(/<b class="author">([\s\S]*?)<\/b>/), v) >= 2) got.from++;
    if (count(part(/<section class="attachments">([\s\S]*?)<\/section>/), v) >= 2) got.filenames++;
  }
  return got;
}

// ---------------------------------------------------------------- main

function sample(a, n) {
  if (!n || a.length <= n) return a;
  const step = a.length / n;
  return Array.from({ length: n }, (_, i) => a[Math.floor(i * step)]);
}

async function main() {
  if (!fs.existsSync(LARCH)) die(`larch binary not found at ${LARCH} (build it, or pass --larch)`);
  if (!fs.existsSync(CHROMIUM)) die(`${CHROMIUM} not found (apt-get install chromium)`);
  if (!fs.existsSync(CORPUS)) die(`corpus not found at ${CORPUS}`);
  // An old work directory is moved aside and deleted while this run goes on.
  let oldGone = Promise.resolve();
  if (fs.existsSync(WORK)) {
    const old = `${WORK}.old-${process.pid}`;
    fs.renameSync(WORK, old);
    oldGone = fs.promises.rm(old, { recursive: true, force: true });
  }
  fs.mkdirSync(path.join(WORK, 'logs'), { recursive: true });
  const children = [];
  const cleanup = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(2));

  // The browser first: it also decides how vectors are packed into HTML
  // bodies (gen.mjs, ISOLATION_TEST).
  const proxy = await startProxy();
  const servePort = await freePort();
  const staticPort = await freePort();
  const udd = path.join(WORK, 'chromium-profile');
  const BROWSER_ARGS = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-quic',
    '--no-first-run',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--disable-field-trial-config',
    '--disable-breakpad',
    '--disable-hang-monitor',
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows',
    '--disable-ipc-flooding-protection',
    '--disable-popup-blocking',
    '--password-store=basic',
    '--use-mock-keychain',
    '--metrics-recording-only',
    '--no-default-browser-check',
    // A new RenderFrameHost per navigation and the back-forward cache cost
    // CPU and change nothing about what runs in a page.
    '--disable-features=RenderDocument,BackForwardCache,OptimizationHints,MediaRouter,NetworkTimeServiceQuerying,PreconnectToSearch,AimEnabled',
    `--user-data-dir=${udd}`,
    // Everything but larch serve goes to our refusing proxy (loopback too:
    // another port is another origin), and no name resolves.
    `--proxy-server=http://127.0.0.1:${proxy.port}`,
    `--proxy-bypass-list=<-loopback>;127.0.0.1:${servePort};127.0.0.1:${staticPort}`,
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  ];
  const browser = launch(CHROMIUM, BROWSER_ARGS);
  children.push(browser.proc);
  const isolated = await isolationCheck(browser, collectVectors(CORPUS).vectors);
  log(`generating mail from ${CORPUS} (${isolated.notIsolated} vectors change how what follows them is parsed: they end their HTML body)`);
  const manifest = generate({ corpus: CORPUS, out: path.join(WORK, 'mbox'), isolated: isolated.set });
  const archive = path.join(WORK, 'archive');
  const larchVersion = spawnSync(LARCH, ['--version'], { encoding: 'utf8' }).stdout.trim();
  log(larch(['init', archive, '--name', 'xss', '--title', 'XSS harness'], 'init'));
  log(larch(['import', '--archive', archive, ...manifest.mboxes], 'import'));
  log(larch(['build', '--archive', archive], 'build'));

  const site = path.join(archive, 'site');
  const files = walk(site).sort();
  const serve = await startServe(archive, servePort);
  children.push(serve.child);
  const { base } = serve;
  log(`serving ${site} on ${base} (pid ${serve.child.pid})`);
  const staticHost = await startStaticHost(site, staticPort);

  const isAtt = (f) => f.includes(`${path.sep}attachments${path.sep}`);
  let pages = files.filter((f) => f.endsWith('.html') && !isAtt(f));
  let atts = files.filter(isAtt);
  const others = files.filter((f) => !isAtt(f) && !f.endsWith('.html'));
  if (LIMIT) {
    pages = sample(pages, LIMIT);
    atts = sample(atts, LIMIT);
  }
  // The page HTML the site's CSP meta states, to compare with the header.
  const metaCsp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(
    fs.readFileSync(path.join(site, 'index.html'), 'utf8'),
  )?.[1]?.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');

  log(`HTTP check: ${pages.length} pages, ${atts.length} attachments, ${others.length} other files`);
  const urls = [
    ...pages.map((f) => ({ url: toUrl(base, site, f), kind: 'page', file: f })),
    ...atts.map((f) => ({ url: toUrl(base, site, f), kind: 'attachment', file: f })),
    ...others.map((f) => ({ url: toUrl(base, site, f), kind: 'other', file: f })),
  ];
  // Harness files in the site (after listing it): an empty loader page in
  // every directory that has pages, and the canaries.
  for (const d of new Set([site, ...pages.map((f) => path.dirname(f))])) {
    fs.writeFileSync(path.join(d, BLANK), '<!DOCTYPE html><meta charset="utf-8"><title>blank</title>\n');
  }
  writeCanaries(site);

  const version = (await browser.send('Browser.getVersion')).product;
  await browser.send('Browser.setDownloadBehavior', { behavior: 'deny', eventsEnabled: true });
  // Popups opened by a page (window.open, target=_blank navigations).
  const ourTargets = new Set();
  const popups = [];
  browser.on('', (method, p) => {
    if (method === 'Target.targetCreated' && p.targetInfo.openerId && ourTargets.has(p.targetInfo.openerId)) {
      popups.push({ url: p.targetInfo.url, opener: p.targetInfo.openerId });
      browser.send('Target.closeTarget', { targetId: p.targetInfo.targetId }).catch(() => {});
    }
  });
  await browser.send('Target.setDiscoverTargets', { discover: true });
  Pass.cpuNow = () => ({ chromium: treeCpu(browser.proc.pid), node: selfCpu(), larchServe: treeCpu(serve.child.pid) });
  // The HTTP check (node's CPU) and the self-test (the browser's) side by side.
  log(`${version}; self-test`);
  const [{ responses, problems: httpProblems }, canary] = await Promise.all([
    survey(urls, metaCsp).then((r) => (log(`HTTP check done: ${r.problems.length} problems`), r)),
    selfTest(browser, base, proxy, site, staticHost.base).then((r) => (log(`self-test done: ${r.ok ? 'ok' : 'FAILED'}`), r)),
  ]);
  if (!canary.ok) log(`SELF-TEST FAILED: ${canary.problems.join('; ')}`);

  // Pages, with their tag (which message, which placement).
  // The message's own tag is the first in its body (the subject lines of
  // other messages, in the navigation links, come before it).
  const tagOfHtml = (html) => {
    const at = html.indexOf('<div class="body">');
    return at < 0 ? null : /xss-harness-tag:([A-Za-z0-9_.-]+)/.exec(html.slice(at))?.[1] ?? null;
  };
  const pageItems = urls
    .filter((u) => u.kind === 'page')
    .map((u) => {
      const html = responses.get(u.url).html;
      const isMessage = /\/\d+\.html$/.test(u.url);
      return { kind: 'page', url: u.url, html, tag: isMessage ? tagOfHtml(html) : null, navigate: NAVIGATE };
    });
  const pageByUrl = new Map(pageItems.map((p) => [p.url, p]));
  const coverage = headerCoverage(pageItems, manifest);
  // Attachments: one per distinct (bytes, served headers).
  const groups = new Map();
  for (const u of urls.filter((x) => x.kind === 'attachment')) {
    const r = responses.get(u.url);
    // The disposition's type (attachment or inline) decides; its file name
    // only names the download.
    const disposition = r.disposition.split(';')[0].trim().toLowerCase();
    const key = [r.status, r.type, disposition, r.nosniff, r.csp, r.sha256].join('\n');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(u.url);
  }
  const attItems = [...groups.values()].map((g) => ({
    kind: 'attachment',
    url: g[0],
    type: responses.get(g[0]).type,
    covers: g.length,
    group: g,
  }));
  const attCovered = attItems.reduce((a, x) => a + x.covers, 0);
  // The same attachments from the plain static host: one per distinct
  // (bytes, type that host sends).
  const staticGroups = new Map();
  for (const u of urls.filter((x) => x.kind === 'attachment')) {
    const type = staticHost.typeOf(u.file);
    const key = `${type}\n${responses.get(u.url).sha256}`;
    if (!staticGroups.has(key)) staticGroups.set(key, { type, urls: [] });
    staticGroups.get(key).urls.push(u.url);
  }
  const staticItems = [...staticGroups.values()].map(({ type, urls: g }) => ({
    kind: 'attachment',
    url: staticHost.base + g[0].slice(base.length),
    origin: staticHost.base,
    type,
    covers: g.length,
    group: g,
  }));
  const staticCovered = staticItems.reduce((a, x) => a + x.covers, 0);
  const attTag = (url) => {
    if (url.startsWith(staticHost.base)) url = base + url.slice(staticHost.base.length);
    const m = /^(.*\/)attachments\/(\d+)\//.exec(url);
    return m ? pageByUrl.get(`${m[1]}${m[2]}.html`)?.tag ?? null : null;
  };

  const proxyBefore = proxy.pageHits();

  // Pass 1: served.
  // The DOM of a page is the same with or without CSP: the no-CSP pass scans
  // it for click-to-run markup, the served pass only where it navigates.
  const served = new Pass(browser, 'served', { bypassCSP: false, base, scanInPlace: false });
  await served.open(TABS);
  served.tabs.forEach((w) => ourTargets.add(w.targetId));
  log(`pass served: ${pageItems.length} pages (${NAVIGATE ? 'navigated' : 'in place'}), ${attItems.length} attachments (${attCovered} URLs), ${TABS} tabs`);
  await served.run([...pageItems, ...attItems], 'served');
  // Cross-check: some pages also by real navigation (the first message page
  // of each placement, and the list index).
  const crossCheck = [];
  if (!NAVIGATE) {
    const seen = new Map();
    for (const p of pageItems) {
      const placement = p.tag && manifest.tags[p.tag]?.placement;
      const key = placement ?? (p.url.endsWith('/index.html') && !/\d{4}/.test(p.url) ? 'index' : null);
      if (!key || (seen.get(key) ?? 0) >= NAV_SAMPLE) continue;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      crossCheck.push({ ...p, navigate: true });
    }
    await served.run(crossCheck, 'served cross-check');
  }
  await served.close();
  const servedProxy = proxy.pageHits() - proxyBefore;

  // Pass 2: no CSP.
  const nocsp = new Pass(browser, 'nocsp', { bypassCSP: true, base });
  await nocsp.open(TABS);
  nocsp.tabs.forEach((w) => ourTargets.add(w.targetId));
  log(`pass no-CSP: ${pageItems.length} pages in place, ${staticItems.length} attachments from a plain static host (${staticCovered} URLs)`);
  await nocsp.run([...pageItems.map((p) => ({ ...p, navigate: false })), ...staticItems], 'no CSP');
  await nocsp.close();
  const nocspProxy = proxy.pageHits() - proxyBefore - servedProxy;
  // Popups, by target (also counted per tab by Page.windowOpen).
  if (popups.length) {
    nocsp.stats.popups += popups.length;
    nocsp.findings.push(...popups.map((p) => ({ pass: 'either', kind: 'popup', url: null, detail: p })));
  }

  await browser.close();
  serve.child.kill('SIGTERM');
  proxy.close();
  staticHost.close();
  await oldGone;

  // ------------------------------------------------------------ report
  const passes = { served, nocsp };
  for (const p of Object.values(passes)) {
    for (const f of p.findings) {
      f.tag = f.itemKind === 'attachment' ? attTag(f.url ?? '') : pageByUrl.get(f.url ?? '')?.tag ?? null;
      const t = f.tag && manifest.tags[f.tag];
      if (t) {
        f.placement = t.placements.join('+');
        f.vectors = t.vectors.slice(0, 60).map((id) => manifest.vectorList[id]);
      }
      // An attachment stands for every URL with the same bytes and headers.
      if (f.group) {
        f.sameBytesAndHeaders = f.group.length;
        f.group = f.group.slice(0, 50).map((u) => {
          const tag = attTag(u);
          return { url: u, placement: tag && manifest.tags[tag] ? manifest.tags[tag].placement : null };
        });
      }
    }
  }
  const proxyHits = { served: servedProxy, nocsp: nocspProxy };
  const failed =
    !canary.ok ||
    Object.entries(passes).some(
      ([k, p]) =>
        scriptExecutions(p.stats) || p.stats.dialogs || navigationsAway(p.stats) || p.stats.externalRequests ||
        proxyHits[k] || p.stats.activeMarkupPages || p.stats.frames || p.stats.loadErrors,
    );

  // Per placement: messages, pages loaded, attachments, findings.
  const perPlacement = {};
  for (const [name, v] of Object.entries(manifest.placements)) {
    perPlacement[name] = { placements: v.placements, messages: v.messages, pages: 0, attachmentUrls: 0, findings: 0 };
  }
  for (const p of pageItems) {
    const t = p.tag && manifest.tags[p.tag];
    if (t) perPlacement[t.placement].pages++;
  }
  for (const u of urls.filter((x) => x.kind === 'attachment')) {
    const t = attTag(u.url);
    if (t && manifest.tags[t]) perPlacement[manifest.tags[t].placement].attachmentUrls++;
  }
  for (const p of Object.values(passes)) {
    for (const f of p.findings) if (f.tag && manifest.tags[f.tag]) perPlacement[manifest.tags[f.tag].placement].findings++;
  }

  const result = {
    ok: !failed,
    date: new Date().toISOString(),
    larch: LARCH,
    larchVersion,
    chromium: version,
    corpus: CORPUS,
    vectors: manifest.vectors,
    vectorsRead: manifest.vectorsRead,
    files: manifest.files,
    extraNames: manifest.placements.filename_extra?.messages ?? 0,
    placements: manifest.placementNames.length,
    placementNames: manifest.placementNames,
    messages: manifest.messages,
    perPlacement,
    headerCoverage: coverage,
    notIsolated: manifest.notIsolated,
    site: {
      pages: pages.length, attachmentUrls: atts.length, attachmentGroups: attItems.length, attachmentUrlsCovered: attCovered,
      staticGroups: staticItems.length, staticUrlsCovered: staticCovered, staticTypes: staticHost.source, otherFiles: others.length,
    },
    http: { checked: urls.length, problems: httpProblems.length, samples: httpProblems.slice(0, 20), metaCsp },
    tabs: TABS,
    navigate: NAVIGATE,
    crossCheckPages: crossCheck.length,
    limit: LIMIT,
    selfTest: { ok: canary.ok, problems: canary.problems, results: canary.results },
    passes: Object.fromEntries(Object.entries(passes).map(([k, p]) => [k, { ...p.stats, proxyHits: proxyHits[k] }])),
    proxyHitSamples: proxy.hits.filter((h) => !BROWSER_OWN.test(h.url)).slice(0, 20),
    browserOwnRequests: { count: proxy.ownHits(), hosts: [...new Set(proxy.hits.filter((h) => BROWSER_OWN.test(h.url)).map((h) => h.url.replace(/^https?:\/\//, '').replace(/[/?].*$/, '')))] },
    inlineAttachments: served.inline.map(({ url, type }) => ({ url, type })),
    findingsTotal: served.findings.length + nocsp.findings.length,
    findings: [...served.findings, ...nocsp.findings].slice(0, 1000),
    samples: { served: served.samples, nocsp: nocsp.samples },
    runtimeSeconds: Math.round((Date.now() - t0) / 100) / 10,
    loadAverage: os.loadavg().map((x) => Math.round(x * 10) / 10),
    cpus: os.cpus().length,
  };
  fs.writeFileSync(path.join(WORK, 'result.json'), JSON.stringify(result, null, 1));
  printTable(result);
  process.exitCode = failed ? 1 : 0;
}

function printTable(r) {
  const s = r.passes.served;
  const n = r.passes.nocsp;
  const out = [];
  const W = 44;
  const line = (a, b = '', c = '') => out.push(`${a.padEnd(W)} ${String(b).padStart(10)} ${String(c).padStart(10)}`);
  const vp = r.placementNames.filter((p) => !['filename_extra', 'files'].includes(p));
  out.push(`xss-harness: ${r.vectors} vectors x ${vp.length} placements = ${r.vectors * vp.length} vector-placements, ` +
    `+ ${r.files} payload files as attachments (4 types each) + ${r.extraNames} hostile attachment names; ${r.messages} messages`);
  out.push(`  vectors: ${r.vectorsRead} read from ${r.corpus}, ${r.vectors} after dropping those that differ only in numbers`);
  out.push(`  placements: ${vp.join(', ')}`);
  out.push(`  larch: ${r.larchVersion} (${r.larch}); ${r.chromium}; ${r.tabs} tabs${r.limit ? `; SAMPLED with --limit ${r.limit}` : ''}`);
  const hc = r.headerCoverage;
  out.push(`  header placements found verbatim on the page (raw and encoded), of ${hc.pages} messages: ` +
    `subject ${hc.subject}, author ${hc.from}, attachment names ${hc.filenames}`);
  out.push(`  HTML bodies: ${r.notIsolated} vectors change how what follows them parses, so each ends its message's HTML`);
  out.push(`  HTTP check of every file: ${r.http.checked} responses, ${r.http.problems} problems (CSP header, nosniff, type, charset)`);
  out.push(`  attachments: ${r.site.attachmentUrls} URLs; those with identical bytes and served headers are loaded once (sampling`);
  out.push(`    of byte-identical files only): served by larch serve ${r.site.attachmentGroups} loads cover ${r.site.attachmentUrlsCovered} URLs;`);
  out.push(`    no CSP, from a plain static host (types from ${r.site.staticTypes}, no other header) ${r.site.staticGroups} loads cover ${r.site.staticUrlsCovered}`);
  out.push('');
  line('', 'served', 'no CSP');
  line('pages loaded', s.pages, n.pages);
  line('  in place / by navigation', `${s.pagesInPlace}/${s.pagesNavigated}`, `${n.pagesInPlace}/${n.pagesNavigated}`);
  line('attachments loaded', s.attachments, n.attachments);
  line('  downloads / rendered inline', `${s.downloads}/${s.inline}`, `${n.downloads}/${n.inline}`);
  line('load errors, after one retry (must be 0)', s.loadErrors, n.loadErrors);
  line('  loads retried (info)', s.retries, n.retries);
  line('script executions (must be 0)', scriptExecutions(s), scriptExecutions(n));
  line('  __xss calls', s.bindingCalls, n.bindingCalls);
  line('  scripts compiled in the page', s.scriptsCompiled, n.scriptsCompiled);
  line('  uncaught exceptions', s.pageErrors, n.pageErrors);
  line('dialogs (must be 0)', s.dialogs, n.dialogs);
  line('navigations/popups/downloads (must be 0)', navigationsAway(s), navigationsAway(n));
  line('external requests (must be 0)', s.externalRequests, n.externalRequests);
  line('  requests reaching the proxy (must be 0)', s.proxyHits, n.proxyHits);
  line('frames in pages (must be 0)', s.frames, n.frames);
  line('pages with click-to-run markup (must be 0)', `${s.activeMarkupPages} of ${s.pagesNavigated}`, `${n.activeMarkupPages} of ${n.pages}`);
  line('CSP violations (info)', s.cspViolations, n.cspViolations);
  line('  requests blocked by CSP (info)', s.cspBlockedRequests, n.cspBlockedRequests);
  line('pass time (s)', s.seconds, n.seconds);
  const cpu = (x) => (x.cpuSeconds ? Object.values(x.cpuSeconds).reduce((a, b) => a + b, 0).toFixed(1) : '-');
  line('  CPU s (chromium + node + larch serve)', cpu(s), cpu(n));
  out.push('');
  out.push(`${'placement'.padEnd(16)} ${'messages'.padStart(8)} ${'pages'.padStart(6)} ${'att.URLs'.padStart(8)} ${'findings'.padStart(8)}  what`);
  for (const [k, v] of Object.entries(r.perPlacement)) {
    out.push(`${k.padEnd(16)} ${String(v.messages).padStart(8)} ${String(v.pages).padStart(6)} ${String(v.attachmentUrls).padStart(8)} ${String(v.findings).padStart(8)}  ${v.placements.join(', ')}`);
  }
  out.push('');
  out.push(`the browser's own requests to ${r.browserOwnRequests.hosts.join(', ') || '-'} (refused, not from pages): ${r.browserOwnRequests.count}`);
  out.push(`self-test (every detector fires on a canary, nothing runs under CSP): ${r.selfTest.ok ? 'ok' : 'FAILED: ' + r.selfTest.problems.join('; ')}`);
  out.push(`total runtime: ${r.runtimeSeconds} s on ${r.cpus} CPUs (load average at the end: ${r.loadAverage.join(' ')}); result: ${r.ok ? 'PASS' : 'FAIL'}`);
  // Findings, grouped by pass, kind and placement, with a count and one example.
  const groups = new Map();
  for (const f of r.findings) {
    const key = `${f.pass} ${f.kind} ${f.placement ?? '?'}`;
    if (!groups.has(key)) groups.set(key, { n: 0, f });
    groups.get(key).n++;
  }
  for (const [key, { n: k, f }] of [...groups].slice(0, 20)) {
    out.push(`  ${k}x ${key}: e.g. ${f.url} ${JSON.stringify(f.detail).slice(0, 200)}`);
  }
  if (r.http.problems) out.push(`  HTTP problems, e.g.: ${JSON.stringify(r.http.samples.slice(0, 3))}`);
  console.log(out.join('\n'));
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
