// cdp.mjs — a minimal Chrome DevTools Protocol client over a pipe
// (--remote-debugging-pipe: the browser reads NUL-terminated JSON on fd 3
// and writes on fd 4). No dependencies; flat sessions (Target.attachToTarget
// with flatten: true) so that one connection drives every tab.

import { spawn } from 'node:child_process';

export function launch(executable, args) {
  const proc = spawn(executable, [...args, '--remote-debugging-pipe', 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
  });
  const toBrowser = proc.stdio[3];
  const fromBrowser = proc.stdio[4];
  let stderr = '';
  proc.stdio[2].on('data', (d) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let nextId = 0;
  const pending = new Map();
  const listeners = new Map(); // sessionId ('' = browser) -> fn(method, params)
  let closed = null;
  const chunks = [];

  fromBrowser.on('data', (data) => {
    let start = 0;
    for (let i = data.indexOf(0); i >= 0; i = data.indexOf(0, start)) {
      chunks.push(data.subarray(start, i));
      const msg = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      chunks.length = 0;
      start = i + 1;
      if (msg.id !== undefined) {
        const p = pending.get(msg.id);
        if (!p) continue;
        pending.delete(msg.id);
        if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
        else p.resolve(msg.result);
      } else {
        const fn = listeners.get(msg.sessionId ?? '');
        if (fn) fn(msg.method, msg.params);
      }
    }
    if (start < data.length) chunks.push(data.subarray(start));
  });
  toBrowser.on('error', () => {});
  proc.on('exit', (code, signal) => {
    closed = `chromium exited (${code ?? signal})`;
    for (const p of pending.values()) p.reject(new Error(`${p.method}: ${closed}\n${stderr}`));
    pending.clear();
  });

  const send = (method, params = {}, sessionId = undefined) =>
    new Promise((resolve, reject) => {
      if (closed) return reject(new Error(`${method}: ${closed}`));
      const id = ++nextId;
      pending.set(id, { resolve, reject, method });
      toBrowser.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    });

  return {
    proc,
    send,
    on: (sessionId, fn) => listeners.set(sessionId ?? '', fn),
    off: (sessionId) => listeners.delete(sessionId ?? ''),
    stderr: () => stderr,
    async close() {
      if (closed) return;
      const gone = new Promise((r) => proc.once('exit', r));
      send('Browser.close').catch(() => {});
      const t = setTimeout(() => proc.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(t);
    },
  };
}
