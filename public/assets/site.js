// Signal Wire: the theme switch, copy buttons and arrow-key navigation.
// The pages read fine without it; the buttons it drives stay hidden then.
(function () {
  "use strict";
  var KEY = "signalwire-theme";
  var systemDark = window.matchMedia("(prefers-color-scheme: dark)");

  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function current() {
    var t = stored();
    return t === "light" || t === "dark" ? t : (systemDark.matches ? "dark" : "light");
  }
  // apply points the theme stylesheets' media at the reader's choice, or
  // back at the system's. This runs from <head>, after the <link>s and
  // before the body is drawn, so a page never flashes the other theme.
  function apply() {
    var t = stored();
    var links = document.querySelectorAll("link[data-theme]");
    for (var i = 0; i < links.length; i++) {
      var light = links[i].getAttribute("data-theme") === "light";
      if (t === "dark") links[i].media = light ? "not screen" : "screen";
      else if (t === "light") links[i].media = light ? "all" : "not all";
      else links[i].media = light ? "not screen, (prefers-color-scheme: light)" : "screen and (prefers-color-scheme: dark)";
    }
    document.documentElement.setAttribute("data-theme", current());
    var button = document.getElementById("theme");
    if (button) button.setAttribute("aria-pressed", String(current() === "dark"));
  }
  apply();
  if (systemDark.addEventListener) systemDark.addEventListener("change", apply);

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

  document.addEventListener("DOMContentLoaded", function () {
    var theme = document.getElementById("theme");
    if (theme) {
      theme.hidden = false;
      apply();
      theme.addEventListener("click", function () {
        var next = current() === "dark" ? "light" : "dark";
        try { localStorage.setItem(KEY, next); } catch (e) {}
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

    document.addEventListener("keydown", function (e) {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      var rel = e.key === "ArrowLeft" ? "prev" : e.key === "ArrowRight" ? "next" : "";
      if (!rel) return;
      var t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || (t.closest && t.closest("pre")))) return;
      var link = document.querySelector('link[rel="' + rel + '"]');
      if (link) window.location.href = link.getAttribute("href");
    });
  });
})();
