// Signal Wire: the theme switch, search, the chapter menu, the outline's
// marker of the section being read, wrapping of long code lines, copy
// buttons and the keyboard (arrows turn pages, / searches, ? shows the
// keys). The pages read fine without it; the controls it drives stay
// hidden then.
(function () {
  "use strict";
  var KEY = "signalwire-theme", WRAP = "signalwire-wrap";
  var systemDark = window.matchMedia("(prefers-color-scheme: dark)");
  var narrow = window.matchMedia("(max-width: 40rem)");
  var wide = window.matchMedia("(min-width: 68rem)");
  var script = document.currentScript;
  var indexURL = script && script.getAttribute("data-search-index");

  function get(key) {
    try { return localStorage.getItem(key); } catch (e) { return null; }
  }
  function set(key, value) {
    try { localStorage.setItem(key, value); } catch (e) {}
  }
  function current() {
    var t = get(KEY);
    return t === "light" || t === "dark" ? t : (systemDark.matches ? "dark" : "light");
  }
  // apply points the theme stylesheets' media at the reader's choice, or
  // back at the system's, and sets whether code wraps. This runs from
  // <head>, after the <link>s and before the body is drawn, so a page never
  // flashes the other theme.
  function apply() {
    var t = get(KEY);
    var links = document.querySelectorAll("link[data-theme]");
    for (var i = 0; i < links.length; i++) {
      var light = links[i].getAttribute("data-theme") === "light";
      if (t === "dark") links[i].media = light ? "not screen" : "screen";
      else if (t === "light") links[i].media = light ? "all" : "not all";
      else links[i].media = light ? "not screen, (prefers-color-scheme: light)" : "screen and (prefers-color-scheme: dark)";
    }
    document.documentElement.setAttribute("data-theme", current());
    var label = document.querySelector("#theme .theme-label");
    if (label) label.textContent = current() === "dark" ? "Switch to light theme" : "Switch to dark theme";
    applyWrap();
  }
  // Long code lines wrap, with a mark on each continued row, when the
  // reader asked for it or, by default, on a narrow screen.
  function wraps() {
    var w = get(WRAP);
    return w === "wrap" || (w !== "scroll" && narrow.matches);
  }
  function applyWrap() {
    document.documentElement.classList.toggle("wrap-code", wraps());
    var buttons = document.querySelectorAll("button.wrap");
    for (var i = 0; i < buttons.length; i++) buttons[i].setAttribute("aria-pressed", String(wraps()));
  }
  apply();
  if (systemDark.addEventListener) {
    systemDark.addEventListener("change", apply);
    narrow.addEventListener("change", applyWrap);
  }

  function announce(msg) {
    var s = document.querySelector(".status");
    if (s) s.textContent = msg;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var ta = document.createElement("textarea");
      ta.value = text;
      ta.setAttribute("readonly", "");
      ta.style.position = "fixed";
      ta.style.opacity = "0";
      document.body.appendChild(ta);
      ta.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) {}
      document.body.removeChild(ta);
      if (ok) resolve(); else reject(new Error("copy refused"));
    });
  }

  // programText is the whole program behind a copy button: a hidden copy
  // when the page shows an excerpt, else the lines of the code block.
  function programText(el) {
    if (el.tagName === "PRE" && el.classList.contains("program")) return el.textContent;
    var lines = el.querySelectorAll(".cl");
    var text = "";
    for (var i = 0; i < lines.length; i++) text += lines[i].textContent;
    return text;
  }

  // Search. The index (search-index.js, see site/search.go) is a script,
  // so that it loads from file:// too; it is loaded when the reader first
  // uses the box.
  var STOP = " a an and are as at be by for from has in is it its of on or that the this to was with which when what not but ";
  var index = null, loading = null;
  function loadIndex(done) {
    if (index) return done();
    if (window.SignalWireSearch) { index = prepare(window.SignalWireSearch); return done(); }
    if (!loading) {
      loading = [];
      var s = document.createElement("script");
      s.src = indexURL;
      s.onload = function () {
        index = prepare(window.SignalWireSearch);
        var l = loading; loading = null;
        for (var i = 0; i < l.length; i++) l[i]();
      };
      s.onerror = function () { announce("The search index could not be loaded"); };
      document.head.appendChild(s);
    }
    loading.push(done);
  }
  function prepare(d) {
    return { chapters: d.c, sections: d.s, words: d.w.split(" "), postings: d.p.split(";"), decoded: {} };
  }
  function postings(i) {
    var p = index.decoded[i];
    if (p) return p;
    p = [];
    var parts = index.postings[i].split(","), id = 0;
    for (var k = 0; k < parts.length; k++) { id += parseInt(parts[k], 36); p.push(id); }
    return (index.decoded[i] = p);
  }
  function terms(q) {
    var out = [], m = q.toLowerCase().match(/[\p{L}\p{N}_-]+/gu) || [];
    for (var i = 0; i < m.length; i++) {
      var parts = m[i].split(/[-_]+/);
      if (m[i].indexOf("-") > 0) parts.unshift(m[i]); // an example's name
      for (var k = 0; k < parts.length; k++) {
        var t = parts[k];
        if (t && (t.length > 1 || i === m.length - 1) && STOP.indexOf(" " + t + " ") < 0) out.push(t);
      }
    }
    return out;
  }
  // distance is the Damerau-Levenshtein distance of a and b, or max+1 once
  // it is more than max.
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev2 = null, prev = [], cur;
    for (var j = 0; j <= b.length; j++) prev.push(j);
    for (var i = 1; i <= a.length; i++) {
      cur = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
        cur.push(v);
        if (v < best) best = v;
      }
      if (best > max) return max + 1;
      prev2 = prev; prev = cur;
    }
    return prev[b.length];
  }
  // matchTerm returns the words of the index that term matches, each with
  // a score: 3 the word itself, 2 a word it starts (for the word being
  // typed, or a term of 3 letters or more), 1 a word one typo away (two
  // for terms of 8 letters or more).
  function matchTerm(term, last) {
    var words = index.words, out = [];
    var lo = 0, hi = words.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (words[mid] < term) lo = mid + 1; else hi = mid; }
    var prefix = last || term.length >= 3;
    for (var i = lo; i < words.length && words[i].lastIndexOf(term, 0) === 0; i++) {
      if (words[i] === term) out.push([i, 3]);
      else if (prefix) out.push([i, 2]);
    }
    if (term.length >= 4) {
      var max = term.length >= 8 ? 2 : 1;
      for (i = 0; i < words.length; i++) {
        var w = words[i];
        if (w.lastIndexOf(term, 0) === 0) continue;
        if (distance(term, w, max) <= max || (last && distance(term, w.slice(0, term.length), max) <= max)) out.push([i, 1]);
      }
    }
    return out;
  }
  function search(q) {
    var ts = terms(q), scores = null, found = [], byTerm = [];
    for (var t = 0; t < ts.length; t++) {
      var matches = matchTerm(ts[t], t === ts.length - 1);
      if (!matches.length) continue;
      var sc = {}, words = [];
      byTerm.push(words);
      for (var m = 0; m < matches.length; m++) {
        found.push(index.words[matches[m][0]]);
        words.push(index.words[matches[m][0]]);
        var p = postings(matches[m][0]);
        for (var k = 0; k < p.length; k++) if (!(sc[p[k]] >= matches[m][1])) sc[p[k]] = matches[m][1];
      }
      if (scores === null) { scores = sc; continue; }
      var both = {};
      for (var id in scores) if (id in sc) both[id] = scores[id] + sc[id];
      scores = both;
    }
    var results = [];
    for (var s in scores) {
      var sec = index.sections[s], score = scores[s], title = sec[2].toLowerCase();
      // A section whose title has the word is about it.
      for (t = 0; t < byTerm.length; t++) {
        for (m = 0; m < byTerm[t].length; m++) {
          if (title.indexOf(byTerm[t][m]) >= 0) { score += 2; break; }
        }
      }
      results.push({ id: +s, score: score });
    }
    results.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
    return { results: results.slice(0, 10), words: found };
  }
  // highlight appends text to el with the words marked.
  function highlight(el, text, words) {
    var lower = text.toLowerCase(), marks = [];
    for (var i = 0; i < words.length; i++) {
      var w = words[i], at = lower.indexOf(w);
      while (at >= 0) { marks.push([at, at + w.length]); at = lower.indexOf(w, at + w.length); }
    }
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var pos = 0;
    for (i = 0; i < marks.length; i++) {
      if (marks[i][0] < pos) continue;
      el.appendChild(document.createTextNode(text.slice(pos, marks[i][0])));
      var mk = document.createElement("mark");
      mk.textContent = text.slice(marks[i][0], marks[i][1]);
      el.appendChild(mk);
      pos = marks[i][1];
    }
    el.appendChild(document.createTextNode(text.slice(pos)));
  }
  // snippetAround keeps the part of a snippet around the first match.
  function snippetAround(text, words) {
    var lower = text.toLowerCase(), at = -1;
    for (var i = 0; i < words.length; i++) {
      var k = lower.indexOf(words[i]);
      if (k >= 0 && (at < 0 || k < at)) at = k;
    }
    if (at > 60) return "…" + text.slice(text.lastIndexOf(" ", at - 40) + 1);
    return text;
  }

  function setupSearch() {
    var box = document.querySelector(".search");
    var input = document.getElementById("search");
    var list = document.getElementById("search-results");
    if (!box || !input || !list || !indexURL) return;
    box.hidden = false;
    var active = -1, shown = [];
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function choose(i) {
      var opts = list.querySelectorAll("[role=option]");
      if (!opts.length) return;
      active = (i + opts.length) % opts.length;
      for (var k = 0; k < opts.length; k++) opts[k].setAttribute("aria-selected", String(k === active));
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }
    function open(i) {
      if (shown[i]) window.location.href = shown[i];
    }
    function update() {
      var q = input.value;
      if (!q.trim()) { close(); list.textContent = ""; return; }
      loadIndex(function () {
        if (input.value !== q) return;
        var r = search(q);
        list.textContent = "";
        shown = [];
        active = -1;
        input.removeAttribute("aria-activedescendant");
        for (var i = 0; i < r.results.length; i++) {
          var sec = index.sections[r.results[i].id];
          var li = document.createElement("li");
          li.id = "search-option-" + i;
          li.setAttribute("role", "option");
          li.setAttribute("aria-selected", "false");
          li.setAttribute("data-href", sec[0]);
          var title = document.createElement("span");
          title.className = "r-title";
          highlight(title, sec[2], r.words);
          var where = document.createElement("span");
          where.className = "r-where";
          where.textContent = index.chapters[sec[1]];
          var snip = document.createElement("span");
          snip.className = "r-snippet";
          highlight(snip, snippetAround(sec[3], r.words), r.words);
          li.appendChild(title); li.appendChild(where); li.appendChild(snip);
          (function (i) {
            li.addEventListener("mousedown", function (e) { e.preventDefault(); });
            li.addEventListener("click", function () { open(i); });
          })(i);
          list.appendChild(li);
          shown.push(sec[0]);
        }
        if (!r.results.length) {
          var none = document.createElement("li");
          none.className = "r-none";
          none.textContent = "Nothing found for “" + q + "”";
          list.appendChild(none);
        }
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        announce(r.results.length ? r.results.length + (r.results.length === 1 ? " result" : " results") : "No results");
      });
    }
    input.addEventListener("input", update);
    input.addEventListener("focus", function () { loadIndex(function () {}); if (input.value.trim()) update(); });
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (list.hidden) update();
        choose(active + (e.key === "ArrowDown" ? 1 : active < 0 ? 0 : -1));
        e.preventDefault();
      } else if (e.key === "Enter") {
        open(active < 0 ? 0 : active);
        e.preventDefault();
      } else if (e.key === "Escape") {
        if (!list.hidden) close(); else input.blur();
        e.preventDefault();
      }
    });
  }

  // markOutline marks, in the outline, the section being read: the last
  // heading above the top quarter of the window.
  function setupOutline() {
    var outline = document.getElementById("outline");
    if (!outline) return;
    var links = outline.querySelectorAll("a[href^='#']"), heads = [];
    for (var i = 0; i < links.length; i++) {
      var h = document.getElementById(decodeURIComponent(links[i].getAttribute("href").slice(1)));
      if (h) heads.push([h, links[i]]);
    }
    var pending = false, marked = null;
    function mark() {
      pending = false;
      var limit = window.innerHeight / 4, cur = null;
      for (var i = 0; i < heads.length; i++) {
        if (heads[i][0].getBoundingClientRect().top <= limit) cur = heads[i][1];
        else break;
      }
      // At the end of the page, the last section is the one read, even
      // when its heading cannot scroll up that far.
      var root = document.documentElement;
      if (heads.length && window.innerHeight + window.scrollY >= root.scrollHeight - 2 && heads[heads.length - 1][0].getBoundingClientRect().top < window.innerHeight) cur = heads[heads.length - 1][1];
      if (cur === marked) return;
      if (marked) marked.removeAttribute("aria-current");
      if (cur) cur.setAttribute("aria-current", "location");
      marked = cur;
    }
    window.addEventListener("scroll", function () {
      if (!pending) { pending = true; window.requestAnimationFrame(mark); }
    }, { passive: true });
    mark();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var theme = document.getElementById("theme");
    if (theme) {
      theme.hidden = false;
      apply();
      theme.addEventListener("click", function () {
        set(KEY, current() === "dark" ? "light" : "dark");
        apply();
      });
    }

    var buttons = document.querySelectorAll("button.copy");
    for (var i = 0; i < buttons.length; i++) {
      (function (button) {
        var label = button.textContent;
        button.hidden = false;
        button.addEventListener("click", function () {
          var el = document.getElementById(button.getAttribute("data-copy"));
          if (!el) return;
          copyText(programText(el)).then(function () {
            button.textContent = "Copied";
            announce("Program copied to the clipboard");
          }, function () {
            button.textContent = "Copy failed";
            announce("Could not copy the program");
          });
          setTimeout(function () { button.textContent = label; }, 2000);
        });
      })(buttons[i]);
    }

    var wrapButtons = document.querySelectorAll("button.wrap");
    for (i = 0; i < wrapButtons.length; i++) {
      wrapButtons[i].hidden = false;
      wrapButtons[i].addEventListener("click", function () {
        set(WRAP, wraps() ? "scroll" : "wrap");
        applyWrap();
        announce(wraps() ? "Long lines wrap" : "Long lines scroll");
      });
    }
    applyWrap();

    // The chapter list is a sidebar on a wide screen, a menu on a narrow
    // one.
    var chapters = document.getElementById("chapters");
    if (chapters) {
      var openWide = function () { if (wide.matches) chapters.open = true; };
      openWide();
      if (wide.addEventListener) wide.addEventListener("change", openWide);
    }

    setupSearch();
    setupOutline();

    var keys = document.getElementById("keys");
    var keysButton = document.getElementById("keys-button");
    function showKeys() {
      if (keys && keys.showModal && !keys.open) keys.showModal();
    }
    if (keysButton && keys && keys.showModal) {
      keysButton.hidden = false;
      keysButton.addEventListener("click", showKeys);
    }

    document.addEventListener("keydown", function (e) {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      var t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      if (keys && keys.open) return;
      if (e.key === "?") { showKeys(); e.preventDefault(); return; }
      if (e.key === "/") {
        var input = document.getElementById("search");
        if (input && !input.closest("[hidden]")) { input.focus(); e.preventDefault(); }
        return;
      }
      if (e.shiftKey) return;
      var rel = e.key === "ArrowLeft" ? "prev" : e.key === "ArrowRight" ? "next" : "";
      if (!rel || (t && t.closest && t.closest("pre"))) return;
      var link = document.querySelector('link[rel="' + rel + '"]');
      if (link) window.location.href = link.getAttribute("href");
    });
  });
})();
