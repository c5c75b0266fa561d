package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"signalwire/check"
	"signalwire/internal/browser"
	"signalwire/internal/diff"
	"signalwire/runner"
	"signalwire/site"
)

var screenshots = flag.String("screenshots", "", "write screenshots of the book's pages to `dir`")

// TestBook checks the real book the way `go run . check` does: every
// example runs twice under both engines and matches its golden file, go vet
// is clean, and public/ is sound and current.
func TestBook(t *testing.T) {
	if testing.Short() {
		t.Skip("the book check runs every example")
	}
	r := &runner.Runner{}
	var out bytes.Buffer
	c := &check.Checker{
		Root: ".",
		Site: &site.Site{Runner: r, Engine: browserEngine(r)},
		Out:  &out,
	}
	if err := c.Check(t.Context()); err != nil {
		t.Fatalf("the book does not pass its check:\n%v", err)
	}
	t.Log(strings.TrimSpace(out.String()))
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"no command", nil, 2, "usage: signalwire <command>"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"run without file", []string{"run"}, 2, "usage: signalwire run"},
		{"run bad flag", []string{"run", "-nope", "x.go"}, 2, "flag provided but not defined: -nope"},
		{"run bad engine", []string{"run", "-engine", "jit", "x.go"}, 2, `unknown engine "jit"`},
		{"run missing file", []string{"run", "testdata/missing.go"}, 1, "no such file"},
		{"check bad pattern", []string{"check", "-run", "("}, 2, "bad -run pattern"},
		{"build extra args", []string{"build", "x"}, 2, "usage: signalwire build"},
		{"serve extra args", []string{"serve", "x"}, 2, "usage: signalwire serve"},
		{"serve bad flag", []string{"serve", "-port", "80"}, 2, "flag provided but not defined: -port"},
		{"serve bad address", []string{"serve", "-addr", "nowhere"}, 1, "missing port in address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tt.args, &stdout, &stderr)
			if code != tt.code || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr.String(), tt.code, tt.want)
			}
		})
	}
}

func TestRunCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ok := write("ok.go", "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\t\"time\"\n)\n\nfunc main() {\n\tstart := time.Now()\n\ttime.Sleep(time.Second)\n\tfmt.Println(time.Since(start))\n\tfmt.Fprintln(os.Stderr, \"done\")\n}\n")
	exit := write("exit.go", "package main\n\nimport \"os\"\n\nfunc main() { os.Exit(4) }\n")
	leak := write("leak.go", "package main\n\nfunc main() {\n\tgo func() { select {} }()\n}\n")
	keys := write("keys.go", "package main\n\nimport (\n\t\"context\"\n\t\"fmt\"\n)\n\ntype a struct{}\ntype b struct{}\n\nfunc main() {\n\tfmt.Println(context.WithValue(context.Background(), a{}, 1).Value(b{}))\n}\n")
	tests := []struct {
		name           string
		args           []string
		code           int
		stdout, stderr string
	}{
		{"output and status", []string{"run", ok}, 0, "1s\n", "done\n"},
		{"exit status", []string{"run", "-engine", "go", exit}, 4, "", ""},
		{"leak", []string{"run", leak}, 1, "", "1 goroutine leaked: select (no cases) at " + leak + ":4"},
		{"divergence", []string{"run", keys}, 3, "<nil>\n", "the interpreter diverges"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tt.args, &stdout, &stderr)
			if code != tt.code || stdout.String() != tt.stdout || !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("exit %d stdout %q stderr %q; want exit %d stdout %q stderr containing %q",
					code, stdout.String(), stderr.String(), tt.code, tt.stdout, tt.stderr)
			}
		})
	}
}

// TestServeCommand previews a small book with the serve command, reads a
// page and stops it as Ctrl-C would.
func TestServeCommand(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	chapter := "---\ntitle: Only\nsummary: The only chapter.\n---\n\nNothing to run here.\n"
	if err := os.WriteFile(filepath.Join(dir, "content", "01-only.md"), []byte(chapter), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout, stderr lockedBuffer
	code := make(chan int, 1)
	go func() { code <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0"}, &stdout, &stderr) }()

	addrRE := regexp.MustCompile(`serving the book at (http://127\.0\.0\.1:\d+/)`)
	var url string
	for deadline := time.Now().Add(10 * time.Second); url == ""; time.Sleep(10 * time.Millisecond) {
		if m := addrRE.FindStringSubmatch(stdout.String()); m != nil {
			url = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("no address after 10s; stdout %q, stderr %q", stdout.String(), stderr.String())
		}
	}
	var body []byte
	for deadline := time.Now().Add(10 * time.Second); !bytes.Contains(body, []byte("Nothing to run here.")); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the chapter is not served after 10s: %s", body)
		}
		resp, err := http.Get(url + "only.html")
		if err != nil {
			t.Fatal(err)
		}
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit %d; stderr %q", c, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop 10s after its context was done")
	}
	if !strings.Contains(stderr.String(), "built 1 chapter, no examples") {
		t.Errorf("stderr %q lacks the build line", stderr.String())
	}
}

// lockedBuffer is a bytes.Buffer that one goroutine writes while another
// reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestPages opens every page of the committed book in headless Chromium at
// desktop and phone widths, light and dark, and checks what a reader sees:
// nothing scrolls sideways, the theme follows the system, axe-core finds
// no serious or critical accessibility problem, every chapter has the
// chapter list with itself marked and its number, and no request fails
// (no missing favicon); with -screenshots it also saves each view. The
// problems of lesser impact are logged. print.html, the whole book, is
// checked whole by axe at desktop width in the light theme; in the other
// views its chapters are checked on their own pages. A view that passed
// with the same bytes of the page, of the files it loads and of the
// checks is not checked again (browser.Verdicts; SIGNALWIRE_TEST_NOCACHE
// checks all).
func TestPages(t *testing.T) {
	t.Parallel()
	ctx := browser.New(t)
	srv, missing, asked := serveSite(t, "public")
	views := []struct {
		name          string
		width, height int64
		mobile        bool
	}{
		{"desktop", 1280, 900, false},
		{"phone", 390, 844, true},
	}
	pages, err := filepath.Glob("public/*.html")
	if err != nil || len(pages) < 3 {
		t.Fatalf("pages %v, %v", pages, err)
	}
	// The largest pages first (print.html, the whole book, takes a
	// quarter of the time), so that the views end together.
	size := func(p string) int64 {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return info.Size()
	}
	slices.SortStableFunc(pages, func(a, b string) int { return cmp.Compare(size(b), size(a)) })
	chapters := chapterPages(t)
	// The views are checked side by side, each in a tab of one browser;
	// as many tabs as go test runs tests at once (-parallel).
	tabs := make(chan context.Context, parallel())
	tabs <- ctx
	for len(tabs) < cap(tabs) {
		tabs <- browser.Tab(t, ctx)
	}
	verdicts := browser.OpenVerdicts(t, ctx, "TestPages")
	self := selfSource(t)
	deps := map[string]bool{} // the files the pages load
	var mu sync.Mutex
	minor := map[string]int{}
	type verdict struct {
		key  string
		note []byte
	}
	var passed []verdict // recorded once the whole test passed
	checked, remembered := 0, 0
	t.Run("views", func(t *testing.T) {
		for _, page := range pages {
			page = filepath.Base(page)
			for _, v := range views {
				for _, scheme := range []string{"light", "dark"} {
					name := fmt.Sprintf("%s-%s-%s", strings.TrimSuffix(page, ".html"), v.name, scheme)
					// print.html's chapters are the chapter pages'
					// articles (TestPrintHoldsTheChapters), checked
					// there in every view: axe checks print.html whole
					// in one view, its own parts in the others.
					var exclude []string
					if page == "print.html" && (v.name != "desktop" || scheme != "light") {
						exclude = []string{"section.book-chapter > article"}
					}
					// A view that passed before with exactly these
					// bytes is not checked again (browser.Verdicts).
					html, files := pageFiles(t, page)
					key := verdicts.Key(append([][]byte{browser.CheckKey(), self, []byte(name + strings.Join(exclude, ",")), html}, fileContents(t, files)...)...)
					if note, ok := verdicts.Passed(key); ok && *screenshots == "" {
						var seen map[string]int
						if json.Unmarshal(note, &seen) == nil {
							for id, n := range seen {
								minor[id] += n
							}
							remembered++
							continue
						}
					}
					for _, f := range files {
						deps[f] = true
					}
					checked++
					t.Run(name, func(t *testing.T) {
						t.Parallel()
						ctx := <-tabs
						defer func() { tabs <- ctx }()
						err := chromedp.Do(ctx,
							browser.Viewport(v.width, v.height, scheme, v.mobile),
							chromedp.Navigate(srv.URL+"/"+page),
						)
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						if evalT[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth`) {
							t.Errorf("%s: the page scrolls sideways", name)
						}
						bg := evalT[string](t, ctx, `getComputedStyle(document.body).backgroundColor`)
						if dark := isDark(bg); dark != (scheme == "dark") {
							t.Errorf("%s: background %s", name, bg)
						}
						if n := slices.Index(chapters, page); n >= 0 {
							checkChapterNav(t, ctx, name, page, n+1, v.mobile)
						}
						violations, err := browser.Axe(ctx, exclude...)
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						seen := map[string]int{} // the problems of lesser impact
						for _, vi := range violations {
							if vi.Impact == "serious" || vi.Impact == "critical" {
								t.Errorf("%s: axe: %s", name, vi)
							} else {
								seen[vi.ID+" ("+vi.Impact+")"] += len(vi.Targets)
							}
						}
						mu.Lock()
						for id, n := range seen {
							minor[id] += n
						}
						mu.Unlock()
						if note, err := json.Marshal(seen); err == nil && !t.Failed() {
							mu.Lock()
							passed = append(passed, verdict{key, note})
							mu.Unlock()
						}
						if *screenshots == "" {
							return
						}
						shot := chromedp.FullScreenshot(100)
						if page == "print.html" {
							shot = chromedp.CaptureScreenshot() // the whole book is too tall for one picture
						}
						png, err := chromedp.Run(ctx, shot)
						if err != nil {
							t.Fatal(err)
						}
						if err := os.MkdirAll(*screenshots, 0o755); err != nil {
							t.Fatal(err)
						}
						if err := os.WriteFile(filepath.Join(*screenshots, name+".png"), png, 0o644); err != nil {
							t.Fatal(err)
						}
					})
				}
			}
		}
	})
	for _, id := range slices.Sorted(maps.Keys(minor)) {
		t.Logf("axe, of lesser impact: %s: %d nodes over all pages and views", id, minor[id])
	}
	t.Logf("checked %d views; %d passed before with the same bytes (%s checks all)", checked, remembered, browser.NoVerdictsEnv)
	if m := missing(); len(m) > 0 {
		t.Errorf("requests for files the site does not have: %v", m)
	}
	// A verdict's key holds every file the view loaded.
	for _, p := range asked() {
		if p := strings.TrimPrefix(p, "/"); p != "" && !strings.HasSuffix(p, ".html") && !deps[p] {
			t.Errorf("a page loaded %s, which pageFiles does not find in it: its verdicts would not follow the file", p)
		}
	}
	if !t.Failed() {
		for _, v := range passed {
			verdicts.Pass(v.key, v.note)
		}
	}
}

// pageFiles returns the bytes of the site's page and the files it loads
// (stylesheets and scripts, not the engine a Run loads).
func pageFiles(t *testing.T, page string) ([]byte, []string) {
	t.Helper()
	html, err := os.ReadFile(filepath.Join("public", page))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, m := range pageFileRE.FindAllSubmatch(html, -1) {
		files = append(files, string(m[1]))
	}
	return html, files
}

var pageFileRE = regexp.MustCompile(`\s(?:href|src)="(assets/[^"?#]+)`)

// fileContents returns the bytes of the site's files.
func fileContents(t *testing.T, files []string) [][]byte {
	t.Helper()
	var out [][]byte
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join("public", f))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, []byte(f), b)
	}
	return out
}

// parallel is how many tests go test runs at once: its -parallel flag,
// GOMAXPROCS by default.
func parallel() int {
	if f := flag.Lookup("test.parallel"); f != nil {
		if n, err := strconv.Atoi(f.Value.String()); err == nil && n > 0 {
			return n
		}
	}
	return runtime.GOMAXPROCS(0)
}

// serveSite serves the directory dir over HTTP, as a static host does: a
// missing file gets 404.html, whatever its path. The functions returned
// list the paths asked for that the site does not have, and all the paths
// asked for.
func serveSite(t *testing.T, dir string) (srv *httptest.Server, missing, asked func() []string) {
	t.Helper()
	var mu sync.Mutex
	var absent []string
	all := map[string]bool{}
	files := http.FileServer(http.Dir(dir))
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		all[r.URL.Path] = true
		mu.Unlock()
		p := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(r.URL.Path, "/")))
		if _, err := os.Stat(p); err != nil {
			mu.Lock()
			absent = append(absent, r.URL.Path)
			mu.Unlock()
			b, err := os.ReadFile(filepath.Join(dir, "404.html"))
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			w.Write(b)
			return
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	missing = func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(absent)
	}
	asked = func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Sorted(maps.Keys(all))
	}
	return srv, missing, asked
}

// chapterPages returns the pages of the book's chapters, in order.
func chapterPages(t *testing.T) []string {
	t.Helper()
	book, err := (&site.Site{}).Load(os.DirFS("."))
	if err != nil {
		t.Fatal(err)
	}
	var pages []string
	for _, c := range book.Chapters {
		pages = append(pages, c.Page())
	}
	return pages
}

// checkChapterNav checks that the chapter page shows the list of chapters,
// as a sidebar on a desktop and a menu on a phone, with itself marked, and
// its number.
func checkChapterNav(t *testing.T, ctx context.Context, name, page string, n int, phone bool) {
	t.Helper()
	if got := evalT[string](t, ctx, `(e => e ? e.textContent.trim() : "none")(document.querySelector(".chapter-number"))`); got != fmt.Sprintf("Chapter %d", n) {
		t.Errorf("%s: chapter number %q, want Chapter %d", name, got, n)
	}
	current := evalT[string](t, ctx, `Array.from(document.querySelectorAll("#chapters a[aria-current=page]")).map(a => a.getAttribute("href")).join(" ")`)
	if current != page {
		t.Errorf("%s: the chapter list marks %q as the current chapter", name, current)
	}
	const visible = `(a => !!a && a.checkVisibility() && a.getBoundingClientRect().width > 0)(document.querySelector("#chapters a[aria-current=page]"))`
	if !phone {
		if !evalT[bool](t, ctx, visible) {
			t.Errorf("%s: the chapter list is not shown on a desktop", name)
		}
		return
	}
	// On a phone it is a menu, closed until the reader opens it.
	if evalT[bool](t, ctx, visible) {
		t.Errorf("%s: the chapter menu is open on a phone before it is opened", name)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#chapters > summary"))); err != nil {
		t.Fatalf("%s: opening the chapter menu: %v", name, err)
	}
	if !evalT[bool](t, ctx, visible) {
		t.Errorf("%s: the chapter menu shows no chapters once opened", name)
	}
	if evalT[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth`) {
		t.Errorf("%s: the open chapter menu makes the page scroll sideways", name)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#chapters > summary"))); err != nil {
		t.Fatalf("%s: closing the chapter menu: %v", name, err)
	}
}

// evalT evaluates expr in the page of ctx.
func evalT[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// isDark reports whether a CSS rgb() colour is dark.
func isDark(rgb string) bool {
	var r, g, b int
	fmt.Sscanf(strings.TrimPrefix(rgb, "rgb("), "%d, %d, %d", &r, &g, &b)
	return r+g+b < 3*128
}

// TestReading reads the committed book in headless Chromium the way a
// reader moves through it: searching with a misspelled word and the
// keyboard, the keyboard help, the outline following the section being
// read, long code lines wrapping on a phone and on request, the 404 page
// served for a nested path, the decision table's links, and printing.
// A part that passed before with the same bytes of the pages it reads and
// of the test is not read again (browser.Verdicts; SIGNALWIRE_TEST_NOCACHE
// reads all).
func TestReading(t *testing.T) {
	t.Parallel()
	ctx := browser.New(t)
	verdicts := browser.OpenVerdicts(t, ctx, "TestReading")
	self := selfSource(t)
	// passedBefore reports whether the check name passed before with the
	// same bytes of the files it reads (parts) and of the test; if not, a
	// pass is remembered (browser.Verdicts).
	passedBefore := func(t *testing.T, name string, parts [][]byte) bool {
		t.Helper()
		if *screenshots != "" {
			return false
		}
		return verdicts.PassedBefore(t, verdicts.Key(append([][]byte{browser.CheckKey(), self, []byte(name)}, parts...)...), name)
	}
	// pages is what reading pages reads: each page and the files it loads.
	pages := func(t *testing.T, pages ...string) [][]byte {
		t.Helper()
		var parts [][]byte
		for _, p := range pages {
			html, files := pageFiles(t, p)
			parts = append(append(parts, []byte(p), html), fileContents(t, files)...)
		}
		return parts
	}
	site, err := browser.TreeParts("public") // search and the table's links reach any page
	if err != nil {
		t.Fatal(err)
	}
	srv, missing, _ := serveSite(t, "public")
	do := func(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	poll := func(t *testing.T, expr string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(browserWait))); err != nil {
			t.Fatalf("waiting for %s: %v", expr, err)
		}
	}
	desktop := browser.Viewport(1280, 900, "light", false)
	phone := browser.Viewport(390, 844, "light", true)
	// shot saves what the window shows, with -screenshots.
	shot := func(t *testing.T, name string) {
		t.Helper()
		if *screenshots == "" {
			return
		}
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(*screenshots, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(*screenshots, "reading-"+name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("search", func(t *testing.T) {
		if passedBefore(t, "search", site) {
			return
		}
		do(t, desktop, chromedp.Navigate(srv.URL+"/why.html"))
		// "/" focuses the box; the words are typed misspelled.
		do(t, chromedp.KeyEvent("/"))
		if got := evalT[string](t, ctx, `document.activeElement.id`); got != "search" {
			t.Fatalf("after /, the focus is on %q, not the search box", got)
		}
		for _, tt := range []struct{ query, want string }{
			{"deadlnie", "deadline"},        // a transposition
			{"cancelation", "cancellation"}, // a letter missing
			{"WithTimeoutCause", "withtimeoutcause"},
			{"retry-budget", "retry-budget"}, // an example's name
			{"AfterFnuc", "afterfunc"},       // code, misspelled
		} {
			evalT[bool](t, ctx, `(i => (i.value = "", i.dispatchEvent(new Event("input")), true))(document.getElementById("search"))`)
			do(t, chromedp.SendKeys(chromedp.ID("search"), tt.query))
			poll(t, `document.querySelectorAll("#search-results [role=option]").length > 0`)
			marks := evalT[string](t, ctx, `Array.from(document.querySelectorAll("#search-results mark")).map(m => m.textContent.toLowerCase()).join(" ")`)
			if !strings.Contains(marks, tt.want) {
				t.Errorf("search %q: results mark %q, not %q", tt.query, marks, tt.want)
			}
			if got := evalT[string](t, ctx, `document.getElementById("search").getAttribute("aria-expanded")`); got != "true" {
				t.Errorf("search %q: aria-expanded %s with results shown", tt.query, got)
			}
			ms := evalT[float64](t, ctx, `(i => { const t0 = performance.now(); i.dispatchEvent(new Event("input")); return performance.now() - t0; })(document.getElementById("search"))`)
			t.Logf("search %q: %d results, %.1f ms", tt.query, evalT[int](t, ctx, `document.querySelectorAll("#search-results [role=option]").length`), ms)
		}
		shot(t, "search-desktop")
		// Each result has its title, its chapter and a snippet.
		if got := evalT[string](t, ctx, `(li => [".r-title", ".r-where", ".r-snippet"].map(s => li.querySelector(s) && li.querySelector(s).textContent.trim() !== "").join())(document.querySelector("#search-results [role=option]"))`); got != "true,true,true" {
			t.Errorf("a result lacks its title, chapter or snippet: %s", got)
		}
		// Arrows choose a result; Enter opens it.
		do(t, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown))
		if got := evalT[string](t, ctx, `(i => i.getAttribute("aria-activedescendant") + " " + document.getElementById(i.getAttribute("aria-activedescendant")).getAttribute("aria-selected"))(document.getElementById("search"))`); got != "search-option-1 true" {
			t.Errorf("after two arrows down, the active result is %q", got)
		}
		do(t, chromedp.KeyEvent(kb.ArrowUp))
		want := evalT[string](t, ctx, `document.querySelector("#search-results [aria-selected=true]").dataset.href`)
		do(t, chromedp.KeyEvent(kb.Enter))
		// A poll inside the page would die with the page it polls.
		for deadline := time.Now().Add(browserWait); ; time.Sleep(20 * time.Millisecond) {
			at, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === "complete" ? location.pathname.slice(1) + location.hash : ""`))
			if err == nil && at == want {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("Enter did not open the chosen result %s: at %q (%v)", want, at, err)
			}
		}
		if got := evalT[bool](t, ctx, `!!document.getElementById(decodeURIComponent(location.hash.slice(1)))`); !got {
			t.Errorf("the result %s has no such id on its page", want)
		}
	})

	t.Run("keys help", func(t *testing.T) {
		if passedBefore(t, "keys help", pages(t, "values.html")) {
			return
		}
		do(t, desktop, chromedp.Navigate(srv.URL+"/values.html"))
		do(t, chromedp.KeyEvent("?"))
		poll(t, `document.getElementById("keys").open`)
		shot(t, "keys-desktop")
		text := evalT[string](t, ctx, `document.getElementById("keys").innerText`)
		for _, want := range []string{"Previous and next chapter", "Search the book", "/"} {
			if !strings.Contains(text, want) {
				t.Errorf("the keyboard help lacks %q: %s", want, text)
			}
		}
		do(t, chromedp.KeyEvent(kb.Escape))
		poll(t, `!document.getElementById("keys").open`)
	})

	t.Run("outline marks the section read", func(t *testing.T) {
		if passedBefore(t, "outline marks the section read", pages(t, "deadlines.html")) {
			return
		}
		do(t, desktop, chromedp.Navigate(srv.URL+"/deadlines.html"))
		ids := evalT[[]string](t, ctx, `Array.from(document.querySelectorAll("#outline a")).map(a => a.getAttribute("href").slice(1))`)
		if len(ids) < 3 {
			t.Fatalf("deadlines.html's outline has %d entries", len(ids))
		}
		for _, id := range []string{ids[2], ids[len(ids)-1], ids[0]} {
			evalT[bool](t, ctx, fmt.Sprintf(`(document.getElementById(%q).scrollIntoView(), true)`, id))
			poll(t, fmt.Sprintf(`(a => a && a.getAttribute("href") === "#%s")(document.querySelector("#outline a[aria-current]"))`, id))
		}
	})

	t.Run("long lines", func(t *testing.T) {
		if passedBefore(t, "long lines", pages(t, "servers.html", "testing.html")) {
			return
		}
		const scrolling = `Array.from(document.querySelectorAll("pre.code, pre.out")).filter(p => p.scrollWidth > p.clientWidth + 1).length`
		// numbersAligned: each line number is on the first row of its line.
		const numbersAligned = `Array.from(document.querySelectorAll(".code .line")).every(l => Math.abs(l.querySelector(".ln").getBoundingClientRect().top - l.querySelector(".cl").getBoundingClientRect().top) < 1)`
		do(t, phone, chromedp.Navigate(srv.URL+"/servers.html"))
		evalT[bool](t, ctx, `(localStorage.clear(), true)`)
		do(t, chromedp.Reload())
		if n := evalT[int](t, ctx, scrolling); n > 0 {
			t.Errorf("on a phone, %d code blocks and outputs scroll sideways; they should wrap", n)
		}
		if !evalT[bool](t, ctx, numbersAligned) {
			t.Error("on a phone, wrapped lines put their numbers out of line")
		}
		evalT[bool](t, ctx, `(document.querySelector(".example").scrollIntoView(), true)`)
		shot(t, "wrapped-phone")
		wrapped := evalT[int](t, ctx, `Array.from(document.querySelectorAll(".code .cl")).filter(c => c.getClientRects().length && c.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(c).lineHeight)).length`)
		if wrapped == 0 {
			t.Fatal("no line of servers.html wraps on a phone: the test needs one that does")
		}
		do(t, desktop, chromedp.Navigate(srv.URL+"/testing.html"))
		if n := evalT[int](t, ctx, scrolling); n == 0 {
			t.Fatal("no code block of testing.html scrolls on a desktop: the test needs one that does")
		}
		if got := evalT[string](t, ctx, `document.querySelector("button.wrap").getAttribute("aria-pressed")`); got != "false" {
			t.Errorf("the wrap button is pressed (%s) on a desktop by default", got)
		}
		do(t, chromedp.Click(chromedp.CSS("button.wrap")))
		if n := evalT[int](t, ctx, scrolling); n > 0 {
			t.Errorf("after the wrap button, %d code blocks still scroll", n)
		}
		do(t, chromedp.Navigate(srv.URL+"/servers.html"))
		if n := evalT[int](t, ctx, scrolling); n > 0 {
			t.Errorf("on the next page, %d code blocks scroll: the choice to wrap is not remembered", n)
		}
		if !evalT[bool](t, ctx, numbersAligned) {
			t.Error("wrapped lines put their numbers out of line on a desktop")
		}
		do(t, chromedp.Click(chromedp.CSS("button.wrap")))
		if got := evalT[string](t, ctx, `localStorage.getItem("signalwire-wrap")`); got != "scroll" {
			t.Errorf("after unwrapping, the stored choice is %q", got)
		}
	})

	t.Run("404 for a nested path", func(t *testing.T) {
		if passedBefore(t, "404 for a nested path", pages(t, "404.html")) {
			return
		}
		do(t, desktop, chromedp.Navigate(srv.URL+"/no/such/page.html"))
		if got := evalT[string](t, ctx, `document.querySelector("h1").textContent`); got != "Page not found" {
			t.Fatalf("h1 %q", got)
		}
		// Styled (its style is its own), and its links lead into the site.
		if got := evalT[string](t, ctx, `getComputedStyle(document.querySelector("main")).maxWidth`); got == "none" {
			t.Error("the 404 page served for a nested path is not styled")
		}
		links := evalT[[]string](t, ctx, `Array.from(document.querySelectorAll("a")).map(a => a.href)`)
		for _, l := range links {
			if strings.Contains(l, "/no/such/") {
				t.Errorf("the 404 page links to %s", l)
			}
		}
		if !slices.Contains(links, srv.URL+"/why.html") {
			t.Errorf("the 404 page does not link to %s/why.html: %v", srv.URL, links)
		}
		if m := missing(); !slices.Equal(m, []string{"/no/such/page.html"}) {
			t.Errorf("requests that failed: %v; want only the page itself", m)
		}
	})

	t.Run("decision table", func(t *testing.T) {
		if passedBefore(t, "decision table", site) {
			return
		}
		// The names in the column "See" of the table of tools.
		const seeColumn = `Array.from(document.querySelectorAll("table")).filter(t => (t.querySelector("th:last-child") || {}).textContent === "See").flatMap(t => Array.from(t.querySelectorAll("td:last-child code")))`
		do(t, phone, chromedp.Navigate(srv.URL+"/choosing.html"))
		if n := evalT[int](t, ctx, seeColumn+`.length`); n < 13 {
			t.Fatalf("choosing.html's table names %d examples, want at least 13", n)
		}
		evalT[bool](t, ctx, `(document.getElementById("what-do-i-derive-from-it").scrollIntoView(), true)`)
		shot(t, "choosing-phone")
		unlinked := evalT[[]string](t, ctx, seeColumn+`.filter(c => !c.closest("a")).map(c => c.textContent)`)
		if len(unlinked) > 0 {
			t.Errorf("examples named in choosing.html without a link: %v", unlinked)
		}
		broken := evalT[[]string](t, ctx, seeColumn+`.filter(c => {
			const r = document.createRange(); r.selectNodeContents(c);
			const rows = new Set(Array.from(r.getClientRects()).filter(x => x.width > 0).map(x => Math.round(x.top)));
			// more rows than the name has hyphen-separated parts: broken mid-word
			return rows.size > c.textContent.split("-").length;
		}).map(c => c.textContent)`)
		if len(broken) > 0 {
			t.Errorf("names broken mid-word on a phone: %v", broken)
		}
		targets := evalT[[]string](t, ctx, seeColumn+`.map(c => c.closest("a").getAttribute("href"))`)
		for _, href := range targets {
			page, id, _ := strings.Cut(href, "#")
			do(t, chromedp.Navigate(srv.URL+"/"+page))
			if !evalT[bool](t, ctx, fmt.Sprintf(`(e => !!e && e.classList.contains("example"))(document.getElementById(%q))`, id)) {
				t.Errorf("choosing.html links to %s, which is not an example", href)
			}
		}
	})

	t.Run("print", func(t *testing.T) {
		// A4 less Chromium's default margins is about 718 CSS pixels wide.
		chapters := chapterPages(t)
		clipped := `Array.from(document.querySelectorAll(".code .line, pre")).filter(e => {
			const box = (e.closest(".example") || e.parentElement).getBoundingClientRect();
			return e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > box.right + 1;
		}).length`
		for _, page := range append(chapters, "print.html") {
			if passedBefore(t, "print "+page, pages(t, page)) {
				continue
			}
			do(t, browser.Viewport(718, 1000, "light", false), chromedp.Navigate(srv.URL+"/"+page), printMedia())
			if n := evalT[int](t, ctx, clipped); n > 0 {
				t.Errorf("%s: %d lines of code are cut off in print", page, n)
			}
			if got := evalT[string](t, ctx, `Array.from(document.querySelectorAll(".example")).map(e => getComputedStyle(e).breakInside).filter(b => b === "avoid").length + ""`); got != "0" {
				t.Errorf("%s: %s examples may not break across pages", page, got)
			}
		}
		if passedBefore(t, "print.html's chapters, ids and links", pages(t, "print.html")) {
			return
		}
		do(t, desktop, chromedp.Navigate(srv.URL+"/print.html"))
		ids := evalT[[]string](t, ctx, `Array.from(document.querySelectorAll("section.book-chapter")).map(s => s.id + ".html")`)
		if !slices.Equal(ids, chapters) {
			t.Errorf("print.html has the chapters %v, want %v", ids, chapters)
		}
		if n := evalT[int](t, ctx, `(ids => ids.length - new Set(ids).size)(Array.from(document.querySelectorAll("[id]")).map(e => e.id))`); n != 0 {
			t.Errorf("print.html repeats %d ids", n)
		}
		if n := evalT[int](t, ctx, `Array.from(document.querySelectorAll("a[href^='#']")).filter(a => !document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)))).length`); n != 0 {
			t.Errorf("print.html has %d links to ids it does not have", n)
		}
	})
}

// browserWait is how long TestReading waits for the page to answer: many
// times what it needs, on a machine busy with other work (TestPages checks
// pages in other tabs at the same time). Only a failing test waits it out.
const browserWait = time.Minute

// printMedia makes the page lay out as for printing.
func printMedia() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	})
}

// printChapters returns the chapters of print.html, the whole book on one
// page, each as its page's id and its article with the ids and links of
// its chapter page: print.html prefixes a chapter's ids with its page's
// name ("servers--shutting-down") and links to a chapter's page or a
// section of it within the page ("#servers", "#servers--shutting-down").
func printChapters(t *testing.T, html string, chapters []string) map[string]string {
	t.Helper()
	isChapter := map[string]bool{}
	for _, c := range chapters {
		isChapter[strings.TrimSuffix(c, ".html")] = true
	}
	out := map[string]string{}
	for _, m := range printChapterRE.FindAllStringSubmatch(html, -1) {
		id, article := m[1], m[2]
		article = printLinkRE.ReplaceAllStringFunc(article, func(s string) string {
			target := strings.TrimSuffix(strings.TrimPrefix(s, `href="#`), `"`)
			page, section, inPage := strings.Cut(target, "--")
			switch {
			case inPage && page == id:
				return `href="#` + section + `"`
			case inPage && isChapter[page]:
				return `href="` + page + `.html#` + section + `"`
			case !inPage && isChapter[target]:
				return `href="` + target + `.html"`
			}
			return s
		})
		out[id] = strings.ReplaceAll(article, id+"--", "")
	}
	return out
}

var (
	printChapterRE = regexp.MustCompile(`(?s)<section class="book-chapter" id="([^"]+)"[^>]*>\s*<article>(.*?)</article>`)
	chapterRE      = regexp.MustCompile(`(?s)<article>(.*?)</article>`)
	printLinkRE    = regexp.MustCompile(`href="#[^"]*"`)
)

// TestPrintHoldsTheChapters: print.html holds every chapter page's
// article, as it is on the chapter's page but for its ids and links.
// TestPages relies on it to check those articles once, on their pages,
// in the views other than the one that checks print.html whole.
func TestPrintHoldsTheChapters(t *testing.T) {
	chapters := chapterPages(t)
	html, err := os.ReadFile("public/print.html")
	if err != nil {
		t.Fatal(err)
	}
	got := printChapters(t, string(html), chapters)
	if len(got) != len(chapters) {
		t.Errorf("print.html holds %d chapters, the book has %d", len(got), len(chapters))
	}
	for _, page := range chapters {
		b, err := os.ReadFile(filepath.Join("public", page))
		if err != nil {
			t.Fatal(err)
		}
		m := chapterRE.FindSubmatch(b)
		if m == nil {
			t.Errorf("%s has no article", page)
			continue
		}
		id := strings.TrimSuffix(page, ".html")
		if a, ok := got[id]; !ok {
			t.Errorf("print.html lacks chapter %s", id)
		} else if a != string(m[1]) {
			t.Errorf("print.html's chapter %s differs from %s:\n%s", id, page, diff.Unified(page, "print.html", string(m[1]), a))
		}
	}
}

// selfSource is the source of these tests: part of the key of their
// verdicts.
func selfSource(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("main_test.go")
	if err != nil {
		t.Fatal(err)
	}
	return b
}
