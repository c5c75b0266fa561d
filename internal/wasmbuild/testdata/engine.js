// Runs examples in the browser's engine under Node, for engine_test.go:
//   node engine.js wasm_exec.js run-engine.js engine.wasm answers.json < [{"file": ..., "source": ...}]
// writes the JSON array of the engine's answers to answers.json.
"use strict";
const fs = require("fs");
const [wasmExec, runEngine, wasmPath, outPath] = process.argv.slice(2);
const nodeFS = globalThis.fs;
delete globalThis.fs; // the engine gives each instance its own
require(wasmExec);
require(runEngine);
globalThis.fs = nodeFS;

(async () => {
  const input = JSON.parse(fs.readFileSync(0, "utf8"));
  const module = await WebAssembly.compile(fs.readFileSync(wasmPath));
  const engine = await SignalWireEngine.create(module);
  const answers = [];
  for (const ex of input) {
    const began = performance.now();
    const a = JSON.parse(await engine.run(ex.source, JSON.stringify({ file: ex.file, id: "t" })));
    a.ms = performance.now() - began;
    answers.push(a);
  }
  fs.writeFileSync(outPath, JSON.stringify(answers));
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
