package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"signalwire/internal/browser"
)

// TestBrowser reads the fixture book's site from file:// in headless
// Chromium: the theme follows the system and remembers the reader's
// choice, arrow keys turn pages, the copy button copies the whole program,
// and a phone never scrolls the page sideways.
func TestBrowser(t *testing.T) {
	s := &Site{Runner: testRunner(t)}
	dir := filepath.Join(t.TempDir(), "public")
	if err := s.Build(t.Context(), os.DirFS("testdata/book"), dir); err != nil {
		t.Fatal(err)
	}
	ctx := browser.New(t)
	page := func(name string) string { return "file://" + filepath.Join(dir, name) }
	eval := func(t *testing.T, expr string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	do := func(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	waitFor := func(t *testing.T, expr string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
			t.Fatalf("waiting for %s: %v", expr, err)
		}
	}
	// waitForPage waits for the browser to have loaded a page; a poll
	// inside the page would die with the page it polls.
	waitForPage := func(t *testing.T, name string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			loc, err := chromedp.Run(ctx, chromedp.Location())
			if err == nil && loc == page(name) {
				state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState`))
				if err == nil && state == "complete" {
					return
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("not on %s but %s (%v)", name, loc, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	const (
		lightBG = "rgb(255, 255, 255)"
		darkBG  = "rgb(13, 17, 23)"
		theme   = `document.documentElement.dataset.theme + " " + getComputedStyle(document.body).backgroundColor`
	)

	t.Run("theme", func(t *testing.T) {
		do(t, browser.Viewport(1200, 800, "light", false), chromedp.Navigate(page("basics.html")))
		eval(t, `localStorage.clear(), ""`)
		do(t, chromedp.Reload())
		if got := eval(t, theme); got != "light "+lightBG {
			t.Errorf("light system: %s", got)
		}
		do(t, browser.Viewport(1200, 800, "dark", false), chromedp.Reload())
		if got := eval(t, theme); got != "dark "+darkBG {
			t.Errorf("dark system: %s", got)
		}
		// The reader picks light on a dark system; the choice holds on
		// the next page.
		do(t, chromedp.Click(chromedp.ID("theme")))
		if got := eval(t, theme); got != "light "+lightBG {
			t.Errorf("after the toggle: %s", got)
		}
		// The button says what it will do.
		if got := eval(t, `document.getElementById("theme").textContent.trim()`); got != "Switch to dark theme" {
			t.Errorf("the theme button reads %q in the light theme", got)
		}
		do(t, chromedp.Click(chromedp.ID("theme")))
		if got := eval(t, `document.getElementById("theme").textContent.trim()`); got != "Switch to light theme" {
			t.Errorf("the theme button reads %q in the dark theme", got)
		}
		do(t, chromedp.Click(chromedp.ID("theme")))
		do(t, chromedp.Navigate(page("failures.html")))
		if got := eval(t, theme); got != "light "+lightBG {
			t.Errorf("next page: %s", got)
		}
		if got := eval(t, `localStorage.getItem("signalwire-theme")`); got != "light" {
			t.Errorf("stored theme %q", got)
		}
	})

	t.Run("arrow keys", func(t *testing.T) {
		do(t, chromedp.Navigate(page("basics.html")))
		do(t, chromedp.KeyEvent(kb.ArrowRight))
		waitForPage(t, "failures.html")
		do(t, chromedp.KeyEvent(kb.ArrowLeft))
		waitForPage(t, "basics.html")
	})

	// Search works from file://: the index is a script, loaded when the
	// reader first types, and a misspelled word finds the section.
	t.Run("search from file", func(t *testing.T) {
		do(t, browser.Viewport(1200, 800, "light", false), chromedp.Navigate(page("failures.html")))
		if got := eval(t, `String(typeof window.SignalWireSearch)`); got != "undefined" {
			t.Errorf("the search index is loaded (%s) before the reader searches", got)
		}
		if got := eval(t, `String(!!document.getElementById("search") && !document.querySelector(".search").hidden)`); got != "true" {
			t.Fatal("no search box on the page")
		}
		do(t, chromedp.Click(chromedp.ID("search")), chromedp.SendKeys(chromedp.ID("search"), "dedline"))
		waitFor(t, `document.querySelectorAll("#search-results [role=option]").length > 0`)
		if got := eval(t, `document.querySelector("#search-results [role=option]").dataset.href`); !strings.HasPrefix(got, "basics.html") {
			t.Errorf("the first result for dedline is %q, not in basics.html", got)
		}
		if got := eval(t, `document.querySelector("#search-results mark").textContent.toLowerCase()`); got != "deadline" {
			t.Errorf("the result marks %q", got)
		}
	})

	t.Run("copy", func(t *testing.T) {
		do(t, chromedp.Navigate(page("basics.html")))
		eval(t, `
			window.copied = null;
			if (navigator.clipboard) navigator.clipboard.writeText = t => { window.copied = t; return Promise.resolve(); };
			document.execCommand = () => { window.copied = document.querySelector("body > textarea").value; return true; };
			""`)
		do(t, chromedp.Click(chromedp.CSS("button.copy")))
		waitFor(t, `window.copied !== null`)
		want, err := os.ReadFile("testdata/book/examples/hello/main.go")
		if err != nil {
			t.Fatal(err)
		}
		if got := eval(t, `window.copied`); got != string(want) {
			t.Errorf("copied:\n%s\nwant the whole program:\n%s", got, want)
		}
		if got := eval(t, `document.querySelector("button.copy").textContent`); got != "Copied" {
			t.Errorf("button says %q after copying", got)
		}
	})

	// A chapter without ## headings has no outline; its text takes the
	// column every chapter's takes, on a desktop and on a phone, and its
	// code is as wide as its text. With SIGNALWIRE_SCREENSHOTS=DIR the
	// pages are saved there, to look at.
	t.Run("no outline", func(t *testing.T) {
		const mainBox = `(r => Math.round(r.left) + " " + Math.round(r.width))(document.querySelector("main").getBoundingClientRect())`
		for _, vp := range []struct {
			name          string
			width, height int64
			mobile        bool
		}{{"desktop", 1200, 800, false}, {"phone", 360, 740, true}} {
			t.Run(vp.name, func(t *testing.T) {
				do(t, browser.Viewport(vp.width, vp.height, "light", vp.mobile), chromedp.Navigate(page("basics.html")))
				want := eval(t, mainBox)
				do(t, chromedp.Navigate(page("aside.html")))
				if got := eval(t, `String(document.getElementById("outline") === null)`); got != "true" {
					t.Fatal("aside.html has an outline; the test needs a chapter without one")
				}
				if got := eval(t, mainBox); got != want {
					t.Errorf("main of aside.html at (left width) %s, want %s as on basics.html", got, want)
				}
				if got := eval(t, `String(document.querySelector("pre.chroma").getBoundingClientRect().width >= document.querySelector("article").getBoundingClientRect().width - 1)`); got != "true" {
					t.Errorf("the code block is narrower than the text")
				}
				if got := eval(t, `(e => e.scrollWidth + " " + e.clientWidth)(document.documentElement)`); strings.Fields(got)[0] != strings.Fields(got)[1] {
					t.Errorf("page (scroll width, window width) %s: it scrolls sideways", got)
				}
				if dir := os.Getenv("SIGNALWIRE_SCREENSHOTS"); dir != "" {
					png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(dir, "aside-"+vp.name+".png"), png, 0o666); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
	})

	t.Run("phone", func(t *testing.T) {
		do(t, browser.Viewport(360, 740, "light", true), chromedp.Navigate(page("failures.html")))
		if got := eval(t, `String(document.documentElement.scrollWidth)`); got != "360" {
			t.Errorf("page is %spx wide on a 360px phone", got)
		}
	})
}
