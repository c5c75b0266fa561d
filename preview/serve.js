// Signal Wire live preview: keep this page current as the book is edited,
// mark the examples that show the interpreter's preview, and let the
// reader hide the problems overlay. Served pages only: a built site never
// contains this script.
//
// When only examples changed, the page fetches its new version and puts
// the new figures in place of the old ones, keeping their captions (whose
// buttons the site's script has brought to life). Any other change reloads
// the page, at the same scroll position.
(function () {
  "use strict";
  var state = JSON.parse(document.getElementById("serve-state").textContent);
  var SCROLL = "signalwire-serve-scroll";
  if ("scrollRestoration" in history) history.scrollRestoration = "manual";

  function has(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }

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

  var latest = null;   // the last versions heard of
  var updating = false;
  function changed(ev) {
    latest = ev;
    if (updating || reloading) return;
    var v = has(ev.versions, state.page) ? ev.versions[state.page] : ev.versions["*missing"];
    if (v === state.version) return;
    if (!state.frame || ev.frames[state.page] !== state.frame) { reload(); return; }
    updating = true;
    fetch(location.href, { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (html) {
      updating = false;
      if (!swap(new DOMParser().parseFromString(html, "text/html"))) { reload(); return; }
      changed(latest); // it may have changed again meanwhile
    }, function () { updating = false; reload(); });
  }

  // swap puts the figures of doc, a newer version of this page with the
  // same frame, in place, and reports whether it could.
  function swap(doc) {
    var el = doc.getElementById("serve-state");
    if (!el) return false;
    var next = JSON.parse(el.textContent);
    if (next.page !== state.page || !next.frame || next.frame !== state.frame) return false;
    var ids = Object.keys(next.figures);
    for (var i = 0; i < ids.length; i++) {
      var id = ids[i];
      if (state.figures[id] === next.figures[id]) continue;
      var old = document.getElementById(id), fig = doc.getElementById(id);
      if (!old || !fig) return false;
      fig = document.importNode(fig, true);
      var caption = old.querySelector("figcaption"), newCaption = fig.querySelector("figcaption");
      if (caption && newCaption) fig.replaceChild(caption, newCaption);
      old.parentNode.replaceChild(fig, old);
    }
    var overlay = document.getElementById("serve-overlay");
    if (overlay) overlay.parentNode.removeChild(overlay);
    overlay = doc.getElementById("serve-overlay");
    if (overlay) document.body.insertBefore(document.importNode(overlay, true), document.body.firstChild);
    state = next;
    decorate();
    return true;
  }

  function connect() {
    if (source || reloading) return;
    source = new EventSource(state.events);
    source.addEventListener("versions", function (e) { changed(JSON.parse(e.data)); });
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

  // decorate marks the examples and wires the overlay's button.
  function decorate() {
    var old = document.querySelectorAll(".serve-badge");
    for (var i = 0; i < old.length; i++) old[i].parentNode.removeChild(old[i]);
    var figs = document.querySelectorAll(".serve-pending, .serve-divergent");
    for (i = 0; i < figs.length; i++) figs[i].classList.remove("serve-pending", "serve-divergent");
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
  }

  document.addEventListener("DOMContentLoaded", function () {
    decorate();
    var saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(SCROLL));
      sessionStorage.removeItem(SCROLL);
    } catch (e) {}
    if (saved && saved.page === state.page) window.scrollTo(saved.x, saved.y);
  });
})();
