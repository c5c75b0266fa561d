package wasmbuild

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"signalwire/internal/browser"
	"signalwire/runner"
	"signalwire/site"
)

var (
	bookOnce sync.Once
	bookDir  string
	bookErr  error
)

// bookSite builds the book's site, engine included, once per test binary,
// and serves it from localhost: a worker cannot start from file://.
func bookSite(t testing.TB) *httptest.Server {
	t.Helper()
	root := repoRoot(t)
	bookOnce.Do(func() {
		dir, err := os.MkdirTemp("", "signalwire-wasm-site-")
		if err != nil {
			bookErr = err
			return
		}
		bookDir = filepath.Join(dir, "public")
		r := &runner.Runner{}
		s := &site.Site{Runner: r, Engine: &Builder{Dir: root, CacheDir: r.CacheRoot()}}
		bookErr = s.Build(context.Background(), os.DirFS(root), bookDir)
	})
	if bookErr != nil {
		t.Fatal(bookErr)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(bookDir)))
	t.Cleanup(srv.Close)
	return srv
}

var (
	siteKeyOnce  sync.Once
	siteKeyParts [][]byte
	siteKeyErr   error
)

// passedBefore reports whether test t passed before with the same bytes of
// the built site (the engine and its scripts included), of this package's
// tests and of the browser (browser.Verdicts; SIGNALWIRE_TEST_NOCACHE runs
// it again); if not, a pass of t is remembered. bookSite must have built
// the site.
func passedBefore(t *testing.T, ctx context.Context) bool {
	t.Helper()
	siteKeyOnce.Do(func() {
		tests, err := filepath.Glob("*_test.go")
		if err != nil {
			siteKeyErr = err
			return
		}
		for _, f := range tests {
			b, err := os.ReadFile(f)
			if err != nil {
				siteKeyErr = err
				return
			}
			siteKeyParts = append(siteKeyParts, []byte(f), b)
		}
		site, err := browser.TreeParts(bookDir)
		siteKeyParts, siteKeyErr = append(siteKeyParts, site...), err
	})
	if siteKeyErr != nil {
		t.Fatal(siteKeyErr)
	}
	if os.Getenv("SIGNALWIRE_SCREENSHOTS") != "" {
		return false
	}
	v := browser.OpenVerdicts(t, ctx, t.Name())
	return v.PassedBefore(t, v.Key(append([][]byte{browser.CheckKey()}, siteKeyParts...)...), t.Name())
}

// requestLog records the paths a server was asked for.
type requestLog struct {
	mu    sync.Mutex
	paths []string
}

func (l *requestLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.paths = append(l.paths, r.URL.Path)
		l.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

func (l *requestLog) asked(path string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, p := range l.paths {
		if p == path {
			return true
		}
	}
	return false
}

type page struct {
	t   testing.TB
	ctx context.Context
}

func (p page) eval(expr string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		p.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func (p page) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.t.Fatal(err)
	}
}

// waitFor polls expr in the page. The limit is generous: the machine may
// be busy, and the first run downloads the engine.
func (p page) waitFor(expr string) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(3*time.Minute))); err != nil {
		p.t.Fatalf("waiting for %s: %v", expr, err)
	}
}

// chapters lists the site's chapter pages, from the index's links.
func chapters(t testing.TB, p page, base string) []string {
	p.do(chromedp.Navigate(base + "/index.html"))
	var pages []string
	if err := json.Unmarshal([]byte(p.eval(`JSON.stringify([...new Set([...document.querySelectorAll("a[href$='.html']")].map(a => a.getAttribute("href")).filter(h => !h.includes("/") && h !== "index.html"))])`)), &pages); err != nil {
		t.Fatal(err)
	}
	return pages
}

// TestBrowserRunsGolden: in headless Chromium, the Run button of every
// example on the virtual clock without a declared divergence prints
// exactly the example's golden output.
func TestBrowserRunsGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the book and the engine")
	}
	t.Parallel()
	ctx := browser.New(t)
	srv := bookSite(t)
	p := page{t, ctx}
	root := repoRoot(t)
	// A page whose runs all printed their golden output before, with the
	// same bytes of the page, the engine, its scripts and the golden
	// files, is not run again (browser.Verdicts).
	verdicts := browser.OpenVerdicts(t, ctx, "TestBrowserRunsGolden")
	self, err := os.ReadFile("browser_test.go")
	if err != nil {
		t.Fatal(err)
	}
	engine := [][]byte{browser.CheckKey(), self}
	for _, f := range []string{Engine, "run.js", "run-worker.js", "run-engine.js", "wasm_exec.js"} {
		b, err := os.ReadFile(filepath.Join(bookDir, "assets", f))
		if err != nil {
			t.Fatal(err)
		}
		engine = append(engine, []byte(f), b)
	}
	seen := map[string]bool{}
	checked, remembered := 0, 0
	for _, pg := range chapters(t, p, srv.URL) {
		html, err := os.ReadFile(filepath.Join(bookDir, pg))
		if err != nil {
			t.Fatal(err)
		}
		key := verdicts.Key(append(append(engine, []byte(pg), html), goldenFiles(t, root, html)...)...)
		if note, ok := verdicts.Passed(key); ok {
			var names []string
			if json.Unmarshal(note, &names) == nil {
				for _, name := range names {
					if !seen[name] {
						seen[name] = true
						checked++
						remembered++
					}
				}
				continue
			}
		}
		p.do(chromedp.Navigate(srv.URL + "/" + pg))
		var ids []string
		// Click every Run button of the page at once: the worker runs
		// them one after the other.
		if err := json.Unmarshal([]byte(p.eval(`JSON.stringify([...document.querySelectorAll("figure.example[data-play=virtual]:not([data-divergence])")].map(f => {
			f.querySelector("button.play-run").click();
			return f.id + " " + f.dataset.name;
		}))`)), &ids); err != nil {
			t.Fatal(err)
		}
		var names []string // the examples of the page with a golden output
		failed := false
		for _, s := range ids {
			id, name, _ := strings.Cut(s, " ")
			p.waitFor(`(f => !!f.querySelector(".play-result") && !f.querySelector("button.play-run").disabled)(document.getElementById(` + jsString(id) + `))`)
			golden, err := os.ReadFile(filepath.Join(root, "examples", name, "output.txt"))
			if err != nil {
				continue // an example whose output the book hides has no golden file
			}
			names = append(names, name)
			if seen[name] {
				continue
			}
			seen[name] = true
			got := p.eval(`(r => { const o = r.querySelector("pre.out"); return o ? o.textContent : ""; })(document.getElementById(` + jsString(id+"-result") + `))`)
			if got != string(golden) {
				errText := p.eval(`(e => e ? e.textContent : "")(document.querySelector("#` + id + `-result .play-error"))`)
				t.Errorf("%s (%s): the browser printed\n%s\nwant its golden output\n%s\n%s", name, pg, got, golden, errText)
				failed = true
			}
			checked++
		}
		if b, err := json.Marshal(names); err == nil && !failed {
			verdicts.Pass(key, b)
		}
	}
	if checked < 40 {
		t.Errorf("checked only %d examples; the book has more on the virtual clock", checked)
	}
	t.Logf("%d examples print their golden output in the browser (%d of them known from an earlier run with the same bytes; %s runs all)", checked, remembered, browser.NoVerdictsEnv)
}

// goldenFiles returns the golden outputs of the examples on a page, each
// after its name: what TestBrowserRunsGolden compares the page's runs to.
func goldenFiles(t *testing.T, root string, html []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for _, m := range exampleNameRE.FindAllSubmatch(html, -1) {
		b, err := os.ReadFile(filepath.Join(root, "examples", string(m[1]), "output.txt"))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		out = append(out, m[1], b)
	}
	return out
}

var exampleNameRE = regexp.MustCompile(`<figure class="example"[^>]* data-name="([^"]+)"`)

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// figure returns a JavaScript expression for the figure of example name on
// the current page.
func figure(name string) string {
	return `document.querySelector(` + jsString(`figure.example[data-name="`+name+`"]`) + `)`
}

// TestBrowserEdit edits an example with the keyboard, runs the edit with
// Ctrl+Enter and sees the new output and a redrawn diagram under the
// verified output, which stays; Reset restores the book's program. With
// SIGNALWIRE_SCREENSHOTS=DIR, the edited run is saved there in both
// themes, on a desktop and at phone width.
func TestBrowserEdit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the book and the engine")
	}
	t.Parallel()
	ctx := browser.New(t)
	srv := bookSite(t)
	if passedBefore(t, ctx) {
		return
	}
	p := page{t, ctx}
	fig := figure("timeout")
	p.do(chromedp.Navigate(srv.URL + "/first-context.html"))
	id := p.eval(fig + `.id`)

	// Record what the status line says while the engine loads.
	p.eval(`(el => { window.statuses = []; new MutationObserver(() => statuses.push(el.textContent)).observe(el, {childList: true, characterData: true, subtree: true}); return ""; })(` + fig + `.querySelector(".play-status"))`)

	// Keyboard: focus Edit, press Enter; the editor opens focused.
	p.do(chromedp.Focus(chromedp.CSS("#"+id+" button.play-edit")), chromedp.KeyEvent("\r"))
	p.waitFor(`document.activeElement && document.activeElement.id === ` + jsString(id+"-textarea"))
	if got := p.eval(fig + `.querySelector("button.play-edit").getAttribute("aria-expanded")`); got != "true" {
		t.Errorf("Edit's aria-expanded is %q once the editor is open", got)
	}
	if got := p.eval(`document.querySelector("label[for=` + id + `-textarea]") ? "yes" : "no"`); got != "yes" {
		t.Errorf("the editor has no label")
	}
	book := p.eval(`document.activeElement.value`)
	if !strings.Contains(book, "500*time.Millisecond") || !strings.HasPrefix(book, "package main") {
		t.Fatalf("the editor does not hold the whole program:\n%s", book)
	}
	// Tab inserts a tab where the caret is, and keeps the focus.
	p.eval(`(e => { e.setSelectionRange(0, 0); return ""; })(document.activeElement)`)
	p.do(chromedp.KeyEvent("\t"))
	if got := p.eval(`document.activeElement.value.slice(0, 9)`); got != "\tpackage " {
		t.Errorf("after Tab the program begins %q, want a tab", got)
	}
	// The edit: a longer timeout.
	p.eval(`(e => { e.value = e.value.replace(/^\t/, "").replace("500*time.Millisecond", "1500*time.Millisecond"); return ""; })(document.activeElement)`)
	p.do(chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	p.waitFor(`!!document.getElementById(` + jsString(id+"-result") + `) && !` + fig + `.querySelector("button.play-run").disabled`)
	result := `document.getElementById(` + jsString(id+"-result") + `)`
	if got, want := p.eval(result+`.querySelector("pre.out").textContent`), "doWork returned after 1.5s: context deadline exceeded\n"; got != want {
		t.Errorf("the edited run printed %q, want %q", got, want)
	}
	if got := p.eval(result + `.querySelector(".output-title").textContent`); got != "Your edited run" {
		t.Errorf("the result is titled %q", got)
	}
	if got := p.eval(result + `.querySelector("svg desc").textContent`); !strings.Contains(got, "WithTimeout 1.5s") {
		t.Errorf("the diagram of the edited run says %q, want a WithTimeout of 1.5s", got)
	}
	if got := p.eval(fig + `.querySelector(".output pre.out").textContent`); !strings.Contains(got, "after 500ms") {
		t.Errorf("the verified output is now %q; it must stay", got)
	}
	if got := p.eval(`statuses.find(s => /^Loading the interpreter: [0-9.]+ MB of [0-9.]+ MB/.test(s)) || statuses.join(" | ")`); !strings.HasPrefix(got, "Loading the interpreter: ") {
		t.Errorf("the status never showed the engine's download; it said: %s", got)
	}
	if got := p.eval(fig + `.querySelector(".play-status").getAttribute("aria-live")`); got != "polite" {
		t.Errorf("the status is not a live region")
	}
	if got := p.eval(`(o => o.compareDocumentPosition(` + result + `) & Node.DOCUMENT_POSITION_FOLLOWING ? "after" : "before")(` + fig + `.querySelector(".output"))`); got != "after" {
		t.Errorf("the reader's run is %s the verified output", got)
	}

	if dir := os.Getenv("SIGNALWIRE_SCREENSHOTS"); dir != "" {
		for _, vp := range []struct {
			name          string
			width, height int64
			scheme        string
			mobile        bool
		}{{"light", 1200, 900, "light", false}, {"dark", 1200, 900, "dark", false}, {"phone-light", 360, 740, "light", true}, {"phone-dark", 360, 740, "dark", true}} {
			p.do(browser.Viewport(vp.width, vp.height, vp.scheme, vp.mobile))
			if got := p.eval(`(e => e.scrollWidth + " " + e.clientWidth)(document.documentElement)`); vp.mobile && strings.Fields(got)[0] != strings.Fields(got)[1] {
				t.Errorf("%s: page (scroll width, window width) %s: it scrolls sideways", vp.name, got)
			}
			png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.ID(id)))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "edited-run-"+vp.name+".png"), png, 0o666); err != nil {
				t.Fatal(err)
			}
		}
		p.do(browser.Viewport(1200, 900, "light", false))
	}

	// Reset restores the book's program.
	p.do(chromedp.Click(chromedp.CSS("#" + id + " button.play-reset")))
	if got := p.eval(`document.getElementById(` + jsString(id+"-textarea") + `).value`); got != book {
		t.Errorf("after Reset the editor holds\n%s\nwant the book's program", got)
	}
}

// TestBrowserNotes: an example on the real clock is not run in the
// browser and says how to run it; one with a declared divergence says so
// next to its Run button.
func TestBrowserNotes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the book and the engine")
	}
	t.Parallel()
	ctx := browser.New(t)
	srv := bookSite(t)
	if passedBefore(t, ctx) {
		return
	}
	p := page{t, ctx}
	p.do(chromedp.Navigate(srv.URL + "/servers.html"))
	fig := figure("disconnect-needs-body")
	if got := p.eval(fig + `.querySelector("button.play-run") ? "run" : "none"`); got != "none" {
		t.Errorf("a realtime example has a Run button")
	}
	if got := p.eval(fig + `.querySelector(".play-note").textContent`); !strings.Contains(got, "go run . run examples/disconnect-needs-body/main.go") {
		t.Errorf("the realtime example's note says %q", got)
	}
	p.do(chromedp.Navigate(srv.URL + "/values.html"))
	fig = figure("value-private-key")
	if got := p.eval(fig + `.querySelector(".play-note").textContent`); !strings.Contains(got, "differs from compiled Go") || !strings.Contains(got, "yaegi treats context keys") {
		t.Errorf("the divergent example's note says %q", got)
	}
}

// TestBrowserStopsEndlessLoop: a program that never yields is stopped by
// the page after the runner's limit, with the runner's message, and the
// next run works in a fresh worker.
func TestBrowserStopsEndlessLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the book and the engine")
	}
	t.Parallel() // it mostly waits for the limit
	ctx := browser.New(t)
	srv := bookSite(t)
	if passedBefore(t, ctx) {
		return
	}
	p := page{t, ctx}
	p.do(chromedp.Navigate(srv.URL + "/first-context.html"))
	fig := figure("timeout")
	id := p.eval(fig + `.id`)
	p.do(chromedp.Click(chromedp.CSS("#" + id + " button.play-edit")))
	p.eval(`(e => { e.value = "package main\n\nfunc main() {\n\tfor {\n\t}\n}\n"; return ""; })(document.getElementById(` + jsString(id+"-textarea") + `))`)
	p.do(chromedp.Click(chromedp.CSS("#" + id + " button.play-run")))
	p.waitFor(`!!document.getElementById(` + jsString(id+"-result") + `) && !` + fig + `.querySelector("button.play-run").disabled`)
	if got := p.eval(`document.querySelector("#` + id + `-result .play-error").textContent`); !strings.Contains(got, "timeout: killed after 12s of real time") {
		t.Errorf("the endless loop's run says %q", got)
	}
	p.do(chromedp.Click(chromedp.CSS("#" + id + " button.play-reset")))
	p.do(chromedp.Click(chromedp.CSS("#" + id + " button.play-run")))
	p.waitFor(`!!document.querySelector("#` + id + `-result pre.out") && !` + fig + `.querySelector("button.play-run").disabled`)
	if got := p.eval(`document.querySelector("#` + id + `-result pre.out").textContent`); !strings.Contains(got, "after 500ms") {
		t.Errorf("the run after the stopped one printed %q", got)
	}
}

// TestBrowserLoadsOnDemand: reading a page downloads nothing of the
// engine; the first Edit does.
func TestBrowserLoadsOnDemand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the book and the engine")
	}
	t.Parallel()
	ctx := browser.New(t)
	bookSite(t)
	if passedBefore(t, ctx) {
		return
	}
	log := &requestLog{}
	srv := httptest.NewServer(log.wrap(http.FileServer(http.Dir(bookDir))))
	t.Cleanup(srv.Close)
	p := page{t, ctx}
	p.do(chromedp.Navigate(srv.URL + "/first-context.html"))
	p.waitFor(`document.readyState === "complete" && !!document.querySelector("button.play-edit")`)
	p.do(chromedp.Sleep(time.Second)) // anything eager would have started by now
	for _, asset := range []string{"/assets/run-worker.js", "/assets/wasm_exec.js", "/assets/run-engine.js", "/assets/" + Engine} {
		if log.asked(asset) {
			t.Errorf("reading the page downloaded %s", asset)
		}
	}
	p.eval(figure("timeout") + `.querySelector("button.play-edit").click(); ""`)
	deadline := time.Now().Add(time.Minute)
	for !log.asked("/assets/"+Engine) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !log.asked("/assets/" + Engine) {
		t.Errorf("Edit did not start loading the engine")
	}
}
