// Signal Wire live preview: reload this page when the server has a new
// version of it, at the same scroll position; mark the examples that show
// the interpreter's preview; let the reader hide the problems overlay.
// Served pages only: a built site never contains this script.
(function () {
  "use strict";
  var state = JSON.parse(document.getElementById("serve-state").textContent);
  var SCROLL = "signalwire-serve-scroll";
  if ("scrollRestoration" in history) history.scrollRestoration = "manual";

  function versionOf(versions) {
    return Object.prototype.hasOwnProperty.call(versions, state.page) ? versions[state.page] : versions["*missing"];
  }

  var source = null;
  var reloading = false;
  function reload() {
    if (reloading) return;
    reloading = true;
    if (source) source.close();
    try {
      sessionStorage.setItem(SCROLL, JSON.stringify({ page: state.page, x: window.scrollX, y: window.scrollY }));
    } catch (e) {}
    location.reload();
  }
  function connect() {
    if (source || reloading) return;
    source = new EventSource(state.events);
    source.addEventListener("versions", function (e) {
      if (versionOf(JSON.parse(e.data)) !== state.version) reload();
    });
  }
  // Only a visible page listens, so that many open tabs do not use up the
  // browser's connections to the server; a page shown again catches up.
  function listen() {
    if (document.visibilityState === "hidden") {
      if (source) { source.close(); source = null; }
    } else {
      connect();
    }
  }
  document.addEventListener("visibilitychange", listen);
  listen();

  function mark(id, kind, text, title) {
    var fig = document.getElementById(id);
    if (!fig) return;
    fig.classList.add("serve-" + kind);
    var head = fig.querySelector(".output-head") || fig.querySelector(".example-head");
    if (!head) return;
    var b = document.createElement("span");
    b.className = "badge serve-badge serve-badge-" + kind;
    b.textContent = text;
    b.title = title;
    var after = head.querySelector(".output-title");
    head.insertBefore(b, after ? after.nextSibling : head.firstChild);
  }

  document.addEventListener("DOMContentLoaded", function () {
    (state.pending || []).forEach(function (id) {
      mark(id, "pending", "preview (interpreter) — verifying…",
        "The yaegi interpreter's output, shown at once; the compiled program's verified output replaces it when ready");
    });
    (state.divergent || []).forEach(function (id) {
      mark(id, "divergent", "interpreter disagrees",
        "The yaegi interpreter's run differs from the compiled program's; the output shown is the compiled one");
    });
    var overlay = document.getElementById("serve-overlay");
    if (overlay) {
      overlay.querySelector(".serve-close").addEventListener("click", function () { overlay.hidden = true; });
    }
    var saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(SCROLL));
      sessionStorage.removeItem(SCROLL);
    } catch (e) {}
    if (saved && saved.page === state.page) window.scrollTo(saved.x, saved.y);
  });
})();
