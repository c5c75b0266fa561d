// The browser's interpreter engine: it instantiates the WebAssembly program
// built from cmd/wasmengine (Go's wasm_exec.js must be loaded first) and
// gives each of its instances the file descriptors the runner's child
// process has. Loaded by run-worker.js inside a Web Worker, and by the
// engine's Node test.
//
//   const engine = await SignalWireEngine.create(module); // a WebAssembly.Module
//   const answer = JSON.parse(await engine.run(source, JSON.stringify({file, id})));
//
// One instance is the engine (runner.RunInBrowser); for each run it asks,
// through signalwireSpawn, for a fresh instance that is the interpreter's
// child: arguments and environment as the runner gives its child, the
// program on descriptor 4, frames on descriptor 3, the runtime's own output
// on 1 and 2. The child's os.Exit ends that instance and nothing else.
"use strict";

(() => {
  const FRAME_HEADER = 5;
  const NULL_FD = 10;

  const enosys = () => {
    const err = new Error("not implemented");
    err.code = "ENOSYS";
    return err;
  };
  const enoent = () => {
    const err = new Error("no such file or directory");
    err.code = "ENOENT";
    return err;
  };

  const stat = (mode) => ({
    dev: 0, ino: 0, mode, nlink: 1, uid: 0, gid: 0, rdev: 0, size: 0,
    blksize: 4096, blocks: 0, atimeMs: 0, mtimeMs: 0, ctimeMs: 0,
    isDirectory() { return false; },
  });
  const S_IFIFO = 0o010000;
  const S_IFCHR = 0o020000;

  // Bytes collects what one descriptor receives.
  class Bytes {
    constructor() { this.parts = []; this.length = 0; }
    push(b) { this.parts.push(b.slice()); this.length += b.length; }
    concat() {
      const out = new Uint8Array(this.length);
      let at = 0;
      for (const p of this.parts) { out.set(p, at); at += p.length; }
      return out;
    }
  }

  // Quota counts the output as the runner does (runner/process.go): the
  // stdout and stderr frames until main returned, and what the runtime
  // writes to descriptors 1 and 2, against one limit.
  class Quota {
    constructor(limit) { this.left = limit; this.over = false; this.pending = new Uint8Array(0); this.marked = false; }
    take(n) {
      if (this.over) return;
      if (n > this.left) { this.over = true; this.left = 0; return; }
      this.left -= n;
    }
    frames(b) {
      let buf = b;
      if (this.pending.length) {
        buf = new Uint8Array(this.pending.length + b.length);
        buf.set(this.pending);
        buf.set(b, this.pending.length);
      }
      let at = 0;
      while (buf.length - at >= FRAME_HEADER) {
        const n = ((buf[at + 1] << 24) >>> 0) + (buf[at + 2] << 16) + (buf[at + 3] << 8) + buf[at + 4];
        if (buf.length - at < FRAME_HEADER + n) break;
        const kind = String.fromCharCode(buf[at]);
        if (kind === "m") this.marked = true;
        if ((kind === "o" || kind === "e") && !this.marked) this.take(n);
        at += FRAME_HEADER + n;
      }
      this.pending = buf.slice(at);
    }
  }

  // later calls back in a microtask, never from inside the call: Go's
  // js.FuncOf runs a function made inside a synctest bubble in that
  // bubble, which panics ("goroutine is already bubbled") when the call
  // comes back on the bubbled goroutine that made it. The bubble cannot
  // move its clock meanwhile: the pending function holds it (synctest.Acquire).
  const later = (callback, ...args) => queueMicrotask(() => callback(...args));

  // childFS is the file system of one child instance. Its program, on
  // descriptor 4, comes with feed: a read waits for it.
  function childFS(limit, onOver) {
    const out = { 1: new Bytes(), 2: new Bytes(), 3: new Bytes() };
    const quota = new Quota(limit);
    let source = null;
    let waiting = null; // a read of descriptor 4 before the program came
    let readAt = 0;
    let stopped = false;
    const readSource = (buffer, offset, length, callback) => {
      const n = Math.min(length, source.length - readAt);
      buffer.set(source.subarray(readAt, readAt + n), offset);
      readAt += n;
      later(callback, null, n);
    };
    const fs = {
      constants: { O_WRONLY: 1, O_RDWR: 2, O_CREAT: 64, O_TRUNC: 512, O_APPEND: 1024, O_EXCL: 128, O_DIRECTORY: 65536 },
      writeSync(fd, buf) {
        if (out[fd]) {
          out[fd].push(buf);
          if (fd === 3) quota.frames(buf); else quota.take(buf.length);
        }
        return buf.length;
      },
      write(fd, buf, offset, length, position, callback) {
        if (stopped) return; // the instance is stopped: its writer waits for ever
        if (offset !== 0 || length !== buf.length || position !== null) { later(callback, enosys()); return; }
        const n = this.writeSync(fd, buf);
        if (quota.over) { stopped = true; onOver(); return; }
        later(callback, null, n);
      },
      read(fd, buffer, offset, length, position, callback) {
        if (fd === 0 || fd === NULL_FD) { later(callback, null, 0); return; }
        if (fd !== 4 || position !== null) { later(callback, enosys()); return; }
        if (source === null) { waiting = () => readSource(buffer, offset, length, callback); return; }
        readSource(buffer, offset, length, callback);
      },
      open(path, flags, mode, callback) {
        if (path === "/dev/null") later(callback, null, NULL_FD);
        else if (path === "/dev/fd/3" || path === "/dev/fd/4") later(callback, null, Number(path.slice(8)));
        else later(callback, enoent());
      },
      fstat(fd, callback) { later(callback, null, stat(fd === 3 || fd === 4 ? S_IFIFO : S_IFCHR)); },
      close(fd, callback) { later(callback, null); },
      fsync(fd, callback) { later(callback, null); },
    };
    for (const name of ["chmod", "chown", "fchmod", "fchown", "ftruncate", "lchown", "link", "lstat", "mkdir",
      "readdir", "readlink", "rename", "rmdir", "stat", "symlink", "truncate", "unlink", "utimes"]) {
      fs[name] = (...args) => later(args[args.length - 1], name.endsWith("stat") ? enoent() : enosys());
    }
    return {
      fs, out,
      feed(src) {
        source = src;
        if (waiting) { const w = waiting; waiting = null; w(); }
      },
    };
  }

  // engineFS is the engine instance's: what it writes goes to the console.
  function engineFS() {
    const decoder = new TextDecoder("utf-8");
    const fs = childFS(Infinity, () => {}).fs;
    fs.writeSync = (fd, buf) => { console.log(decoder.decode(buf)); return buf.length; };
    return fs;
  }

  // start instantiates module with fs as the global file system while the
  // instance initialises: Go's syscall package reads globalThis.fs once, at
  // its start, so each instance keeps its own.
  async function start(module, go, fs) {
    const instance = await WebAssembly.instantiate(module, go.importObject);
    const saved = globalThis.fs;
    globalThis.fs = fs;
    let done;
    try {
      done = go.run(instance); // runs synchronously until the program first waits
    } finally {
      globalThis.fs = saved;
    }
    return done;
  }

  // stopInstance makes an instance that exited, or went over its output
  // limit, inert: no pending timer wakes it again. Its memory goes with the last reference.
  function stopInstance(go) {
    for (const id of go._scheduledTimeouts.values()) clearTimeout(id);
    go._scheduledTimeouts.clear();
    go._resume = () => {};
  }

  // prepare starts a child instance, which initialises (the Go runtime,
  // the interpreter's packages, the harness) and then waits for its
  // program on descriptor 4. run hands it the program and resolves with
  // what it did once it exits.
  function prepare(module, args, env, limit) {
    const go = new globalThis.Go();
    go.argv = ["signalwire"].concat(args);
    go.env = {};
    for (const kv of env) {
      const eq = kv.indexOf("=");
      go.env[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    let began = 0;
    let settle;
    const done = new Promise((resolve, reject) => {
      let settled = false;
      settle = (exitCode, err) => {
        if (settled) return;
        settled = true;
        if (err) { reject(err); return; }
        resolve({
          frames: child.out[3].concat(),
          stdout: child.out[1].concat(),
          stderr: child.out[2].concat(),
          exitCode,
          wall: performance.now() - began,
        });
      };
    });
    const child = childFS(limit, () => {
      // Over the output limit: stop the instance, as the runner kills
      // the child's process group, and report what it wrote.
      stopInstance(go);
      settle(-1);
    });
    go.exit = (code) => {
      stopInstance(go); // a timer it set must not wake it once it has exited
      settle(code);
    };
    start(module, go, child.fs).catch((err) => settle(0, err));
    return {
      key: JSON.stringify([args, env, limit]),
      run(source) {
        began = performance.now();
        child.feed(source);
        return done;
      },
    };
  }

  // A spare child, prepared while the reader reads, so that a run does
  // not wait for an instance to start. It is used only by a run with the
  // same arguments, environment and limit, which every run of the page
  // has; any other run starts its own.
  let spare = null;

  async function spawn(module, args, env, source, limit) {
    const key = JSON.stringify([args, env, limit]);
    const child = spare && spare.key === key ? spare : prepare(module, args, env, limit);
    spare = null;
    try {
      return await child.run(source);
    } finally {
      setTimeout(() => { if (!spare) spare = prepare(module, args, env, limit); }, 0);
    }
  }

  globalThis.SignalWireEngine = {
    // create starts the engine from a compiled WebAssembly.Module.
    async create(module) {
      if (!globalThis.Go) throw new Error("wasm_exec.js must be loaded before run-engine.js");
      globalThis.signalwireSpawn = (args, env, source, limit) => spawn(module, args, env, source, limit);
      const ready = new Promise((resolve) => { globalThis.signalwireReady = resolve; });
      const go = new globalThis.Go();
      go.argv = ["signalwire"];
      go.env = { TZ: "UTC", LANG: "C" };
      const exited = start(module, go, engineFS());
      await Promise.race([ready, exited.then(() => { throw new Error("the engine exited before it was ready"); })]);
      return globalThis.signalwireEngine;
    },
  };
})();
