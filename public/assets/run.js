// Signal Wire: edit and run an example in the reader's browser.
//
// Every example gets an Edit and a Run button. Nothing is downloaded until
// the reader first uses one; then a Web Worker (run-worker.js) loads the
// interpreter engine (engine.wasm.gz, the runner's interpreter built for
// the browser) once, and the browser caches it. The reader's run appears
// under the verified output, labelled as such, with its own diagram.
// Examples on the real clock are not run here; examples whose interpreter
// run is known to differ say so next to the button.
(function () {
  "use strict";
  var script = document.currentScript;
  var urls = {
    worker: script.getAttribute("data-worker"),
    wasmExec: script.getAttribute("data-wasm-exec"),
    engineScript: script.getAttribute("data-engine-script"),
    engine: script.getAttribute("data-engine")
  };
  var fromFile = location.protocol === "file:";
  var FILE_NOTE = "Running an example needs the site served over HTTP: a browser does not start the interpreter " +
    "for a page opened from a file. Serve this folder (for example, run \"go run . serve\" in the book's repository, " +
    "or \"python3 -m http.server\" in this folder) and open it at the address it prints.";

  // The worker, shared by every example of the page.
  var worker = null, ready = null, module = null, killAfter = 12000, killedAnswer = null;
  var pending = {}, nextID = 1, loadListeners = [];

  function absolute(u) { return new URL(u, location.href).href; }

  function startWorker() {
    worker = new Worker(urls.worker);
    ready = new Promise(function (resolve, reject) {
      worker.onmessage = function (e) {
        var m = e.data;
        if (m.type === "progress") {
          loadListeners.forEach(function (f) { f(m.loaded, m.total); });
        } else if (m.type === "ready") {
          module = m.module;
          killAfter = m.killAfter;
          killedAnswer = m.killed;
          resolve();
        } else if (m.type === "result" || m.type === "error") {
          var p = pending[m.id];
          if (m.id === undefined) { reject(new Error(m.message)); return; }
          if (!p) return;
          delete pending[m.id];
          clearTimeout(p.timer);
          if (m.type === "result") p.resolve(JSON.parse(m.answer));
          else p.resolve({ error: m.message });
        }
      };
      worker.onerror = function (e) { reject(new Error(e.message || "the interpreter's worker failed")); };
    });
    worker.postMessage({ type: "load", wasmExec: absolute(urls.wasmExec), engineScript: absolute(urls.engineScript),
      engine: absolute(urls.engine), module: module });
    return ready;
  }

  // stopWorker ends a run that went past the limit: a program that never
  // blocks cannot be stopped from inside, so the whole worker goes, and a
  // fresh one (with the module already compiled) serves the next run.
  function stopWorker() {
    if (worker) worker.terminate();
    worker = null;
    ready = null;
    for (var id in pending) {
      clearTimeout(pending[id].timer);
      pending[id].resolve(killedAnswer ? JSON.parse(killedAnswer) : { error: "the run was stopped" });
    }
    pending = {};
  }

  function run(source, options) {
    if (!ready) startWorker();
    return ready.then(function () {
      return new Promise(function (resolve) {
        var id = nextID++;
        pending[id] = { resolve: resolve, timer: setTimeout(stopWorker, killAfter) };
        worker.postMessage({ type: "run", id: id, source: source, options: options });
      });
    }, function (err) {
      worker = null; ready = null;
      return { error: err.message };
    });
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function programText(fig) {
    var id = fig.id;
    var src = document.getElementById(id + "-src");
    if (src) return src.textContent;
    var lines = fig.querySelectorAll("#" + CSS.escape(id) + "-code .cl");
    var out = "";
    for (var i = 0; i < lines.length; i++) out += lines[i].textContent;
    return out;
  }

  function mb(n) { return (n / 1048576).toFixed(1) + " MB"; }

  function setup(fig) {
    var mode = fig.getAttribute("data-play");
    var file = fig.getAttribute("data-file");
    var name = fig.getAttribute("data-name");
    var id = fig.id;
    var original = programText(fig);

    var bar = el("div", { "class": "play", role: "group", "aria-label": "Try example " + name });
    var edit = el("button", { type: "button", "class": "play-edit", "aria-expanded": "false",
      "aria-controls": id + "-editor" }, "Edit");
    bar.appendChild(edit);
    var runBtn = null;
    var note = el("span", { "class": "play-note" });
    if (mode === "realtime") {
      note.appendChild(document.createTextNode("Runs on the real clock with real network sockets, so not in the browser: run it with "));
      note.appendChild(el("code", {}, "go run . run " + file));
      note.appendChild(document.createTextNode("."));
    } else {
      runBtn = el("button", { type: "button", "class": "play-run" }, "Run");
      bar.appendChild(runBtn);
      var div = fig.getAttribute("data-divergence");
      if (div) note.textContent = "The browser's interpreter differs from compiled Go here: " + div;
    }
    bar.appendChild(note);
    var status = el("span", { "class": "play-status", role: "status", "aria-live": "polite" });
    bar.appendChild(status);
    var code = document.getElementById(id + "-code");
    var head = fig.querySelector(".example-head");
    head.parentNode.insertBefore(bar, head.nextSibling);

    var editor = null, reset = null, result = null;
    function openEditor() {
      if (!editor) {
        var wrap = el("div", { "class": "play-editor", id: id + "-editor" });
        var label = el("label", { "for": id + "-textarea", "class": "play-label" },
          "Edit " + file + " (Tab inserts a tab; Escape, then Tab, leaves; Ctrl+Enter or \u2318+Enter runs)");
        editor = el("textarea", { id: id + "-textarea", "class": "play-textarea", spellcheck: "false",
          autocapitalize: "off", autocomplete: "off", wrap: "off" });
        editor.value = original;
        editor.rows = Math.min(40, original.split("\n").length + 1);
        var escaped = false;
        editor.addEventListener("keydown", function (e) {
          if (e.key === "Escape") { escaped = true; return; }
          if (e.key === "Tab" && !escaped && !e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey) {
            e.preventDefault();
            var s = editor.selectionStart, t = editor.selectionEnd;
            editor.setRangeText("\t", s, t, "end");
          } else if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && runBtn) {
            e.preventDefault();
            doRun();
          }
          if (e.key !== "Escape") escaped = false;
        });
        reset = el("button", { type: "button", "class": "play-reset" }, "Reset");
        reset.addEventListener("click", function () {
          editor.value = original;
          status.textContent = "Restored the book's version.";
          editor.focus();
        });
        wrap.appendChild(label);
        wrap.appendChild(editor);
        code.parentNode.insertBefore(wrap, code.nextSibling);
        bar.insertBefore(reset, note);
      }
      code.hidden = true;
      editor.parentNode.hidden = false;
      reset.hidden = false;
      edit.textContent = "Show the book's code";
      edit.setAttribute("aria-expanded", "true");
      editor.focus();
    }
    function closeEditor() {
      code.hidden = false;
      editor.parentNode.hidden = true;
      reset.hidden = true;
      edit.textContent = "Edit";
      edit.setAttribute("aria-expanded", "false");
    }
    edit.addEventListener("click", function () {
      if (editor && !editor.parentNode.hidden) closeEditor(); else openEditor();
      if (!fromFile && !ready && runBtn) preload();
    });

    function preload() {
      loadListeners.push(function (loaded, total) {
        status.textContent = "Loading the interpreter: " + mb(loaded) + (total ? " of " + mb(total) : "") + "\u2026";
      });
      (ready || startWorker()).then(function () {
        if (/^Loading/.test(status.textContent)) status.textContent = "The interpreter is ready.";
      }, function () {});
    }

    function doRun() {
      if (fromFile) { show({ error: FILE_NOTE }); return; }
      var source = editor && !editor.parentNode.hidden ? editor.value : original;
      runBtn.disabled = true;
      status.textContent = ready ? "Running\u2026" : "Loading the interpreter\u2026";
      if (!ready) {
        loadListeners.push(function (loaded, total) {
          status.textContent = "Loading the interpreter: " + mb(loaded) + (total ? " of " + mb(total) : "") + "\u2026";
        });
      }
      run(source, { file: file, id: id + "-run" }).then(function (answer) {
        runBtn.disabled = false;
        show(answer, source !== original);
      });
    }
    if (runBtn) runBtn.addEventListener("click", doRun);

    function show(answer, edited) {
      if (!result) {
        result = el("section", { "class": "play-result", id: id + "-result", "aria-labelledby": id + "-result-title" });
        var out = fig.querySelector(".output");
        fig.insertBefore(result, out ? out.nextSibling : null);
      }
      result.textContent = "";
      var headEl = el("div", { "class": "output-head" });
      headEl.appendChild(el("span", { "class": "output-title", id: id + "-result-title" },
        edited ? "Your edited run" : "Your run"));
      headEl.appendChild(el("span", { "class": "play-who" },
        "in your browser, by the interpreter (yaegi); the output above was verified with compiled Go"));
      result.appendChild(headEl);
      var res = answer.result;
      if (!res) {
        result.appendChild(el("p", { "class": "play-error" }, answer.error || "The interpreter failed."));
        status.textContent = "The run failed.";
        return;
      }
      var pre = el("pre", { "class": "out" });
      (res.output || []).forEach(function (c) {
        if (c.stream === "stderr") pre.appendChild(el("span", { "class": "stderr", title: "stderr" }, c.text));
        else pre.appendChild(document.createTextNode(c.text));
      });
      if (pre.childNodes.length) result.appendChild(pre);
      else result.appendChild(el("p", { "class": "no-output" }, "No output."));
      var summary;
      if (res.error) {
        var where = res.error.line ? " (line " + res.error.line + ")" : "";
        result.appendChild(el("p", { "class": "play-error" }, res.error.msg + where));
        summary = "The run ended: " + res.error.msg + where + ".";
      } else {
        summary = "The run finished.";
      }
      if (!res.realtime && res.elapsed) {
        result.appendChild(el("p", { "class": "elapsed" }, "Ran in " + res.elapsed + " of virtual time."));
      }
      if (answer.diagram) {
        var d = el("div", { "class": "diagram" });
        d.appendChild(el("p", { "class": "output-title", "aria-hidden": "true" }, "Contexts and goroutines of your run"));
        var holder = el("div");
        holder.innerHTML = answer.diagram.svg; // drawn and escaped by the diagram package
        d.appendChild(holder);
        result.appendChild(d);
      }
      status.textContent = summary + " Its output is below the verified output.";
    }
  }

  function init() {
    var figs = document.querySelectorAll("figure.example[data-play]");
    for (var i = 0; i < figs.length; i++) setup(figs[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
