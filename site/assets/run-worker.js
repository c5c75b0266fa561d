// The Web Worker that runs examples in the reader's browser, so that the
// page never freezes. run.js starts it at the first Edit or Run and talks to
// it with messages:
//
//   page -> worker  {type: "load", wasmExec, engineScript, engine, module?}
//   worker -> page  {type: "progress", loaded, total}
//   worker -> page  {type: "ready", module, killAfter, killed}
//   page -> worker  {type: "run", id, source, options}
//   worker -> page  {type: "result", id, answer}      (answer: the engine's JSON)
//   worker -> page  {type: "error", id?, message}
//
// A run that takes too long is stopped by the page, which terminates this
// worker and starts another with the module compiled here.
"use strict";

let engine = null;

async function fetchEngine(url) {
  const resp = await fetch(url);
  if (!resp.ok) throw new Error(`loading the interpreter: ${url}: HTTP ${resp.status}`);
  const total = Number(resp.headers.get("Content-Length")) || 0;
  const reader = resp.body.getReader();
  const parts = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    loaded += value.length;
    postMessage({ type: "progress", loaded, total });
  }
  let bytes = new Uint8Array(loaded);
  let at = 0;
  for (const p of parts) { bytes.set(p, at); at += p.length; }
  // A host that serves .gz files with Content-Encoding: gzip has had the
  // browser decompress it already.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  return WebAssembly.compile(bytes);
}

async function load(msg) {
  importScripts(msg.wasmExec, msg.engineScript);
  const module = msg.module || await fetchEngine(msg.engine);
  engine = await SignalWireEngine.create(module);
  postMessage({ type: "ready", module, killAfter: engine.killAfter, killed: engine.killed(JSON.stringify({})) });
}

const queue = [];
let busy = false;

async function drain() {
  if (busy) return;
  busy = true;
  while (queue.length) {
    const msg = queue.shift();
    try {
      const answer = await engine.run(msg.source, JSON.stringify(msg.options));
      postMessage({ type: "result", id: msg.id, answer });
    } catch (e) {
      postMessage({ type: "error", id: msg.id, message: String(e && e.message || e) });
    }
  }
  busy = false;
}

onmessage = (e) => {
  const msg = e.data;
  if (msg.type === "load") {
    load(msg).catch((err) => postMessage({ type: "error", message: String(err && err.message || err) }));
  } else if (msg.type === "run") {
    queue.push(msg);
    drain();
  }
};
