// gen.mjs — turn every XSS vector of ../shared/corpora/C into mail.
//
// Vectors: DOMPurify's cases, the html5sec items (placeholders expanded),
// PayloadsAllTheThings' Intruders lists and the code blocks of its pages, and
// the OWASP cheat sheet's vectors; vectors that differ only in their numbers
// count once. Files: PayloadsAllTheThings' payload files, as attachments.
//
// Writes one mboxrd file per placement group into OUT and OUT/manifest.json.
// Every message carries a tag "xss-harness-tag:<id>" in its body so that a
// finding on a page can be traced back to its placement and vectors
// (manifest.tags[id]).
//
//   node tools/xss-harness/gen.mjs [--corpus DIR] [--out DIR]
//
// (run.mjs calls generate() itself, after asking the browser which vectors
// must end their HTML body; standalone, HTML bodies are packed PACK at a time.)
//
// Payload calls are rewritten so that a vector that runs reports itself:
// alert/prompt/confirm become __xss, print( becomes __xss( (run.mjs exposes
// __xss as a binding). Encoded or obfuscated calls stay as they are; run.mjs
// catches those as dialogs or as compiled scripts.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_CORPUS = path.resolve(HERE, '../../../shared/corpora/C');
export const PACK = 50; // vectors per message where a placement allows it
// Attachment bodies are served as downloads, so their content matters only
// if one ever renders: then any vector that runs fails the run.
export const PACK_ATT = 100; // vectors per attachment body
export const ATTS = 10; // attachments per message

// ---------------------------------------------------------------- vectors

export function instrument(v) {
  return v
    .replace(/\b(alert|prompt|confirm)\b/g, '__xss')
    .replace(/\bprint\(/g, '__xss(');
}

export function collectVectors(corpus) {
  const raw = [];
  const add = (src, v) => {
    if (typeof v !== 'string') return;
    v = v.replace(/\r$/, '');
    if (v.trim() === '') return;
    raw.push({ src, v });
  };
  const json = (p) => JSON.parse(fs.readFileSync(path.join(corpus, p), 'utf8'));

  for (const it of json('dompurify/expect.json')) add('dompurify', it.payload);

  const ph = json('html5sec-H5SC/payload-placeholders.json');
  for (const it of json('html5sec-H5SC/items.json')) {
    const data = String(it.data ?? '').replace(/%([A-Za-z0-9_]+)%/g, (m, k) =>
      Object.hasOwn(ph, k) ? ph[k] : m,
    );
    add(`html5sec#${it.id}`, data);
  }

  const intr = path.join(corpus, 'PayloadsAllTheThings/XSS Injection/Intruders');
  for (const f of fs.readdirSync(intr).filter((f) => f.endsWith('.txt')).sort()) {
    for (const line of fs.readFileSync(path.join(intr, f), 'utf8').split('\n')) {
      add(`PATT/${f}`, line);
    }
  }

  for (const v of json('owasp-xss-filter-evasion/vectors.json')) add('owasp', v);

  // The payloads in the code blocks of PayloadsAllTheThings' pages, a line each.
  const patt = path.join(corpus, 'PayloadsAllTheThings/XSS Injection');
  for (const f of fs.readdirSync(patt).filter((f) => f.endsWith('.md')).sort()) {
    const md = fs.readFileSync(path.join(patt, f), 'utf8');
    for (const [, block] of md.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)) {
      for (const line of block.split('\n')) add(`PATT/${f}`, line);
    }
  }

  // Vectors that differ only in their numbers (alert(1) vs alert(7743)) are
  // one vector: keep the first.
  const seen = new Map();
  const out = [];
  for (const { src, v } of raw) {
    const key = v.replace(/[0-9]+/g, '0');
    if (seen.has(key)) continue;
    seen.set(key, out.length);
    out.push({ id: out.length, src, orig: v, v: instrument(v) });
  }
  return { vectors: out, read: raw.length };
}

export function collectFiles(corpus) {
  const dir = path.join(corpus, 'PayloadsAllTheThings/XSS Injection/Files');
  return fs
    .readdirSync(dir)
    .sort()
    .map((name) => {
      const buf = fs.readFileSync(path.join(dir, name));
      const text = !buf.includes(0) && isUtf8(buf);
      // Instrument the text files too, so their scripts report themselves.
      const body = text ? Buffer.from(instrument(buf.toString('utf8'))) : buf;
      return { name, body, text, type: typeByExt(name) };
    });
}

function isUtf8(buf) {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return true;
  } catch {
    return false;
  }
}

function typeByExt(name) {
  const ext = name.toLowerCase().split('.').pop();
  return (
    {
      svg: 'image/svg+xml', svgz: 'image/svg+xml', htm: 'text/html', html: 'text/html',
      demo: 'text/html', hxt: 'text/html', xht: 'application/xhtml+xml',
      xhtml: 'application/xhtml+xml', xml: 'text/xml', xsl: 'text/xsl', xslt: 'text/xsl',
      xsd: 'text/xml', rdf: 'application/rdf+xml', wsdl: 'text/xml', dtd: 'application/xml-dtd',
      vml: 'text/xml', xsf: 'text/xml', mno: 'text/xml', swf: 'application/x-shockwave-flash',
      png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', cer: 'application/x-x509-ca-cert',
      ipynb: 'application/x-ipynb+json', url: 'text/html',
    }[ext] ?? 'application/octet-stream'
  );
}

// ---------------------------------------------------------------- MIME helpers

const b64 = (s) => Buffer.from(s).toString('base64').replace(/.{76}/g, '$&\n');
const flat = (s) => s.replace(/[\r\n]+/g, ' ');

// RFC 2047 B encoded-words, each at most 75 chars, never splitting a UTF-8 char.
export function encB(s) {
  const words = [];
  let cur = '';
  for (const ch of s) {
    if (Buffer.byteLength(cur + ch) > 45) {
      words.push(cur);
      cur = '';
    }
    cur += ch;
  }
  if (cur) words.push(cur);
  return words.map((w) => `=?utf-8?B?${Buffer.from(w).toString('base64')}?=`).join('\n ');
}

const quoted = (s) => '"' + flat(s).replace(/[\\"]/g, '\\$&') + '"';

function rfc2231(s) {
  let out = '';
  for (const byte of Buffer.from(s)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9!#$&+.^_`|~-]/.test(c) ? c : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return `utf-8''${out}`;
}

// Quoted-printable (RFC 2045), lines of at most 76 chars.
function qp(s) {
  const lines = s.split('\n');
  return lines
    .map((line) => {
      let enc = '';
      for (const byte of Buffer.from(line)) {
        const c = String.fromCharCode(byte);
        enc += (byte >= 33 && byte <= 126 && c !== '=') || c === ' ' ? c : '=' + byte.toString(16).toUpperCase().padStart(2, '0');
      }
      enc = enc.replace(/ $/, '=20');
      let out = '';
      while (enc.length > 75) {
        let cut = 75;
        const eq = enc.lastIndexOf('=', cut - 1);
        if (eq > cut - 3) cut = eq;
        out += enc.slice(0, cut) + '=\n';
        enc = enc.slice(cut);
      }
      return out + enc;
    })
    .join('\n');
}

// A 1x1 PNG for the multipart/related cid image.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

function chunk(a, n) {
  const out = [];
  for (let i = 0; i < a.length; i += n) out.push(a.slice(i, i + n));
  return out;
}

const htmlDoc = (vs, tag) =>
  `<html><head><title>${tag}</title></head><body>\n<p>${tag}</p>\n` +
  vs.map((x) => `<div>${x.v}</div>\n`).join('') +
  '</body></html>\n';

// ---------------------------------------------------------------- placements

// Each placement: (vectors, files) -> [{tag, vectors:[ids], headers, body}]
// `headers` is an object of extra/overriding headers; `body` the MIME entity
// (Content-Type line(s) + blank line + content) as a string or Buffer.

function textPart(tag) {
  return `Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n${tag}\n`;
}

function mixed(parts, bnd) {
  const out = [`Content-Type: multipart/mixed; boundary="${bnd}"\n\nThis is a MIME message.\n`];
  for (const p of parts) out.push(`--${bnd}\n`, p, '\n');
  out.push(`--${bnd}--\n`);
  return out.join('');
}

function attachment({ type, filenameParam, body, name }) {
  const nameParam = name === undefined ? '' : `; name=${name}`;
  return (
    `Content-Type: ${type}${nameParam}\n` +
    `Content-Disposition: attachment; ${filenameParam}\n` +
    `Content-Transfer-Encoding: base64\n\n` +
    b64(body) +
    '\n'
  );
}

// Vectors packed n to a message. With `isolate`, a pack also ends after any
// vector that changes how what follows it is parsed (an unclosed <textarea>,
// <plaintext>, comment, attribute, <select>...; ctx.isolated says which do,
// as Chromium's parser found: run.mjs), so that every vector is parsed by the
// sanitizer as if it were alone.
const packed = (name, n, fn, { isolate = false } = {}) => (vectors, ctx = {}) => {
  const packs = [];
  let cur = [];
  for (const x of vectors) {
    cur.push(x);
    if (cur.length >= n || (isolate && ctx.isolated && !ctx.isolated.has(x.id))) {
      packs.push(cur);
      cur = [];
    }
  }
  if (cur.length) packs.push(cur);
  return packs.map((vs) => {
    const tag = `${name}-v${vs[0].id}-${vs[vs.length - 1].id}`;
    return { tag, vectors: vs.map((x) => x.id), ...fn(vs, tag) };
  });
};

// The isolation test run.mjs runs in the browser for every vector: is the
// element after it still a child of <body>, as it would be after nothing?
export const ISOLATION_TEST = `(vs) => {
  const XHTML = 'http://www.w3.org/1999/xhtml';
  // Elements that may stay open before the next vector without changing how
  // it is parsed (same tokenizer state, "in body" insertion mode).
  const HARMLESS = new Set(['a', 'abbr', 'address', 'article', 'aside', 'b', 'bdi', 'bdo', 'big', 'blockquote',
    'center', 'cite', 'code', 'data', 'del', 'details', 'dfn', 'div', 'em', 'figcaption', 'figure', 'font', 'footer',
    'header', 'hgroup', 'i', 'ins', 'kbd', 'main', 'mark', 'nav', 'nobr', 'q', 's', 'samp', 'section', 'small',
    'span', 'strike', 'strong', 'sub', 'summary', 'sup', 'time', 'tt', 'u', 'var']);
  return vs.map((v) => {
    if (/<noscript/i.test(v)) return false; // raw text where scripting is on (the sanitizer's parser)
    const d = new DOMParser().parseFromString(
      '<!DOCTYPE html><html><body><div>' + v + '</div><abbr id="xss-harness-m">m</abbr></body></html>', 'text/html');
    const m = d.getElementById('xss-harness-m');
    // Swallowed (raw text, comment, attribute), or in foreign content.
    if (!m || m.textContent !== 'm' || m.namespaceURI !== XHTML) return false;
    // Moved (foster parenting in a table): something follows it.
    const all = d.body.getElementsByTagName('*');
    if (all[all.length - 1] !== m) return false;
    for (let e = m.parentElement; e !== d.body; e = e.parentElement) {
      if (!e || e.namespaceURI !== XHTML || !HARMLESS.has(e.localName)) return false;
    }
    return true;
  });
}`;

// The body of every attachment whose *name* carries a vector: it runs if a
// browser ever renders it as HTML, SVG or XML (a name that slips past
// larch's ".bin" rule). The same bytes in every message: run.mjs loads one
// attachment per distinct (bytes, served headers), so a name that changes
// how the file is served is still loaded on its own.
const HOSTILE_BODY = () =>
  `<svg xmlns="http://www.w3.org/2000/svg" onload="__xss('attachment onload')">` +
  `<script>__xss('attachment script')</script>` +
  `<html:script xmlns:html="http://www.w3.org/1999/xhtml">__xss('attachment xhtml script')</html:script></svg>\n`;

// Extra attachment names (not from the corpus): every extension a browser or
// a static server may treat as active, with the tricks a sanitizer can miss.
export const EXTRA_FILENAMES = [
  ...['html', 'htm', 'HTML', 'shtml', 'xhtml', 'xht', 'svg', 'SVG', 'svgz', 'xml', 'xsl', 'xslt',
    'rdf', 'atom', 'rss', 'mht', 'mhtml', 'js', 'mjs', 'css', 'swf', 'hta', 'xsd', 'wsdl', 'vml',
    'pdf', 'jsp', 'php', 'php5', 'asp', 'aspx', 'json', 'wasm', 'appcache', 'manifest'].map((e) => `xss.${e}`),
  'xss.html.', 'xss.html ', 'xss.svg%00.txt', 'xss.svg\u0000.txt', 'xss.htm;.txt', 'xss.txt\u202Elmth.',
  '.htaccess', '..\\..\\xss.html', '../../index.html', 'index.html', 'CON.html', 'xss.html::$DATA',
];

// Placements. Headers need one message per vector; bodies take PACK vectors
// per message.
export const PLACEMENTS = [
  // All header placements of one vector in one message. A header that can
  // carry a vector both raw and RFC 2047-encoded carries both, one after the
  // other (a Subject is unstructured text, a display name a phrase of
  // quoted-strings and encoded-words); the file name comes twice, as two
  // attachments: filename="..." and RFC 2231 filename*=.
  ['headers', ['subject_raw', 'subject_b', 'from_name', 'from_name_b', 'message_id', 'references', 'list_id',
    'filename_quoted', 'filename_2231'], (vectors) =>
    vectors.map((x, i) => {
      const tag = `headers-v${x.id}`;
      const prev = i > 0 ? flat(vectors[i - 1].v) : `${flat(x.v)}-missing`;
      return {
        tag,
        vectors: [x.id],
        headers: {
          From: `${quoted(x.v)}\n ${encB(x.v)} <xss@example.org>`,
          Subject: `${flat(x.v)}\n ${encB(x.v)}`,
          'Message-ID': `<${flat(x.v)}>`,
          'In-Reply-To': `<${prev}>`,
          References: `<${prev}>\n <ref-${x.id}@example.org>`,
          'List-Id': `<${flat(x.v)}>`,
        },
        body: mixed(
          [
            textPart(`xss-harness-tag:${tag}`),
            attachment({
              type: 'application/octet-stream',
              name: quoted(x.v),
              filenameParam: `filename=${quoted(x.v)}`,
              body: HOSTILE_BODY(),
            }),
            attachment({
              type: 'application/octet-stream',
              filenameParam: `filename*=${rfc2231(x.v)}`,
              body: HOSTILE_BODY(),
            }),
          ],
          `=_mix_${tag}_=`,
        ),
      };
    })],
  ['text_plain', ['text_plain'], packed('text_plain', PACK, (vs, tag) => ({
    headers: { Subject: `xss-harness-tag:${tag}` },
    body:
      `Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n` +
      `xss-harness-tag:${tag}\n\nFrom here on, vectors (this line tests mboxrd escaping):\n\n` +
      vs.map((x) => x.v + '\n\n').join(''),
  }))],
  ['text_html', ['text_html'], packed('text_html', PACK, (vs, tag) => ({
    headers: { Subject: `xss-harness-tag:${tag}` },
    body:
      `Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n` +
      b64(htmlDoc(vs, `xss-harness-tag:${tag}`)),
  }), { isolate: true })],
  ['alternative', ['alternative'], packed('alternative', PACK, (vs, tag) => {
    const bnd = `=_alt_${tag}_=`;
    return {
      headers: { Subject: `xss-harness-tag:${tag}` },
      body:
        `Content-Type: multipart/alternative; boundary="${bnd}"\n\n` +
        `--${bnd}\nContent-Type: text/plain; charset=utf-8\n\nxss-harness-tag:${tag} (plain part)\n` +
        `--${bnd}\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n` +
        qp(htmlDoc(vs, `xss-harness-tag:${tag}`)) +
        `\n--${bnd}--\n`,
    };
  }, { isolate: true })],
  ['related', ['related'], packed('related', PACK, (vs, tag) => {
    const bnd = `=_rel_${tag}_=`;
    const html = htmlDoc(vs, `xss-harness-tag:${tag}`).replace(
      '<body>',
      '<body><img src="cid:logo-xss@example.org" alt="cid image">',
    );
    return {
      headers: { Subject: `xss-harness-tag:${tag}` },
      body:
        `Content-Type: multipart/related; type="text/html"; boundary="${bnd}"\n\n` +
        `--${bnd}\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n` +
        b64(html) +
        `\n--${bnd}\nContent-Type: image/png\nContent-ID: <logo-xss@example.org>\n` +
        `Content-Disposition: inline; filename="logo.png"\nContent-Transfer-Encoding: base64\n\n` +
        b64(PNG) +
        `\n--${bnd}--\n`,
    };
  }, { isolate: true })],
  ...[
    ['att_svg', 'image/svg+xml', 'svg', (vs) =>
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n` +
      vs.map((x) => `<g>${x.v}</g>\n`).join('') + '</svg>\n'],
    ['att_html', 'text/html', 'html', (vs) =>
      `<!DOCTYPE html><html><body>\n${vs.map((x) => `<div>${x.v}</div>\n`).join('')}</body></html>\n`],
    ['att_xml', 'text/xml', 'xml', (vs) =>
      `<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body>\n` +
      vs.map((x) => `<div>${x.v}</div>\n`).join('') + '</body></html>\n'],
  ].map(([name, type, ext, wrap]) => [
    name,
    [name],
    // PACK_ATT vectors per attachment, ATTS attachments per message.
    packed(name, PACK_ATT * ATTS, (vs, tag) => ({
      headers: { Subject: `xss-harness-tag:${tag}` },
      body: mixed(
        [
          textPart(`xss-harness-tag:${tag}`),
          ...chunk(vs, PACK_ATT).map((part) =>
            attachment({ type, filenameParam: `filename="v${part[0].id}-${part[part.length - 1].id}.${ext}"`, body: wrap(part) }),
          ),
        ],
        `=_mix_${tag}_=`,
      ),
    })),
  ]),
  ['filename_extra', ['filename_extra'], () =>
    EXTRA_FILENAMES.map((name, i) => {
      const tag = `filename_extra-${i}`;
      return {
        tag,
        vectors: [],
        file: name,
        headers: { Subject: `xss-harness-tag:${tag}` },
        body: mixed(
          [
            textPart(`xss-harness-tag:${tag}`),
            attachment({ type: 'application/octet-stream', filenameParam: `filename=${quoted(name)}`, body: HOSTILE_BODY() }),
            attachment({ type: 'application/octet-stream', filenameParam: `filename*=${rfc2231(name)}`, body: HOSTILE_BODY() }),
          ],
          `=_mix_${tag}_=`,
        ),
      };
    })],
];

function filesPlacement(files) {
  const msgs = [];
  for (const f of files) {
    const variants = [[f.type, f.name]];
    if (f.text) {
      // Text files again under the three types a browser could run.
      variants.push(['image/svg+xml', `${f.name}.svg`], ['text/html', `${f.name}.html`], ['text/xml', `${f.name}.xml`]);
    }
    const tag = `files-${f.name.replace(/[^A-Za-z0-9._-]/g, '_')}`;
    msgs.push({
      tag,
      vectors: [],
      file: f.name,
      headers: { Subject: `xss-harness-tag:${tag}` },
      body: mixed(
        [
          textPart(`xss-harness-tag:${tag}`),
          ...variants.map(([type, name]) => attachment({ type, filenameParam: `filename=${quoted(name)}`, body: f.body })),
        ],
        `=_mix_${tag}_=`,
      ),
    });
  }
  return msgs;
}

// ---------------------------------------------------------------- mbox

function asctime(d) {
  // "Mon Jan  1 00:00:00 2001", as mbox From_ lines have it.
  const [wd, , mon] = d.toUTCString().split(' ');
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${wd.slice(0, 3)} ${mon} ${day} ${d.toISOString().slice(11, 19)} ${d.getUTCFullYear()}`;
}

function mboxrd(entity) {
  // mboxrd: any line matching ^>*From  gets one more '>'.
  return entity.replace(/^(>*From )/gm, '>$1');
}

function message(headers, body, date, seq) {
  const h = {
    From: 'XSS Harness <xss@example.org>',
    To: 'salon@lists.example.org',
    Subject: '(none)',
    Date: date.toUTCString().replace('GMT', '+0000'),
    'Message-ID': `<xss-${seq}@harness.example.org>`,
    'MIME-Version': '1.0',
    ...headers,
  };
  let out = '';
  for (const [k, v] of Object.entries(h)) out += `${k}: ${v}\n`;
  // Binary attachment bodies are base64, so the entity is always text.
  return out + body;
}

export function generate({ corpus = DEFAULT_CORPUS, out = '/tmp/xss-harness-mbox', isolated = null } = {}) {
  const { vectors, read } = collectVectors(corpus);
  const files = collectFiles(corpus);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });

  const all = [...PLACEMENTS, ['files', ['files'], () => filesPlacement(files)]];
  const manifest = { vectors: vectors.length, vectorsRead: read, files: files.length, placements: {}, placementNames: [], tags: {}, mboxes: [] };
  let seq = 0;
  all.forEach(([name, names, make], pi) => {
    const msgs = make(vectors, { isolated });
    // One month per placement: 2001-01, 2001-02, ...
    const base = Date.UTC(2001, pi, 1, 0, 0, 0);
    const parts = [];
    msgs.forEach((m, i) => {
      const date = new Date(base + i * 60_000);
      const text = message(m.headers, m.body, date, seq++);
      parts.push(`From xss@example.org ${asctime(date)}\n`, mboxrd(text), '\n');
      manifest.tags[m.tag] = { placement: name, placements: names, vectors: m.vectors, ...(m.file ? { file: m.file } : {}) };
    });
    const file = path.join(out, `${String(pi).padStart(2, '0')}-${name}.mbox`);
    fs.writeFileSync(file, parts.join(''));
    manifest.placements[name] = { messages: msgs.length, placements: names, mbox: file };
    for (const n of names) manifest.placementNames.push(n);
    manifest.mboxes.push(file);
  });
  manifest.messages = seq;
  manifest.isolationChecked = isolated !== null;
  manifest.notIsolated = isolated ? vectors.filter((x) => !isolated.has(x.id)).length : null;
  manifest.vectorList = vectors.map(({ id, src, orig }) => ({ id, src, v: orig }));
  fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest));
  return manifest;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const opt = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
  const m = generate({ corpus: opt('--corpus', DEFAULT_CORPUS), out: opt('--out', '/tmp/xss-harness-mbox') });
  console.log(
    `${m.vectors} vectors (${m.vectorsRead} read), ${m.files} files, ${m.messages} messages in ` +
      `${m.placementNames.length} placements:`,
  );
  for (const [k, v] of Object.entries(m.placements)) {
    console.log(`  ${k.padEnd(16)} ${String(v.messages).padStart(5)}  ${v.placements.join(', ')}`);
  }
}
