package wasmbuild

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
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
	ctx := browser.New(t)
	srv := bookSite(t)
	p := page{t, ctx}
	root := repoRoot(t)
	seen := map[string]bool{}
	checked := 0
	for _, pg := range chapters(t, p, srv.URL) {
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
		for _, s := range ids {
			id, name, _ := strings.Cut(s, " ")
			p.waitFor(`(f => !!f.querySelector(".play-result") && !f.querySelector("button.play-run").disabled)(document.getElementById(` + jsString(id) + `))`)
			if seen[name] {
				continue
			}
			seen[name] = true
			golden, err := os.ReadFile(filepath.Join(root, "examples", name, "output.txt"))
			if err != nil {
				continue // an example whose output the book hides has no golden file
			}
			got := p.eval(`(r => { const o = r.querySelector("pre.out"); return o ? o.textContent : ""; })(document.getElementById(` + jsString(id+"-result") + `))`)
			if got != string(golden) {
				errText := p.eval(`(e => e ? e.textContent : "")(document.querySelector("#` + id + `-result .play-error"))`)
				t.Errorf("%s (%s): the browser printed\n%s\nwant its golden output\n%s\n%s", name, pg, got, golden, errText)
			}
			checked++
		}
	}
	if checked < 40 {
		t.Errorf("checked only %d examples; the book has more on the virtual clock", checked)
	}
	t.Logf("%d examples print their golden output in the browser", checked)
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
