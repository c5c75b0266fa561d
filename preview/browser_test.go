package preview

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"signalwire/internal/browser"
	"signalwire/internal/runnertest"
	"signalwire/runner"
	"signalwire/site"

	"github.com/chromedp/chromedp"
)

// startServer serves the book in dir on a free port of 127.0.0.1 until the
// test ends, and returns its URL. run, when not nil, replaces the runner.
func startServer(t testing.TB, dir string, s *site.Site, run func(context.Context, *site.Use, runner.Engine) (*runner.Result, error)) (string, *syncBuffer) {
	t.Helper()
	log := &syncBuffer{}
	srv := &Server{Site: s, Dir: dir, Log: log, run: run}
	url, _ := startServe(t, srv)
	return url, log
}

// waitFor polls the page until the JavaScript expression is true, across
// the page's own reloads, and fails t after timeout.
func waitFor(t testing.TB, ctx context.Context, what, expr string, timeout time.Duration) {
	t.Helper()
	if err := poll(ctx, expr, timeout); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// poll evaluates expr every few milliseconds until it is true. A page that
// is reloading has no document to evaluate in; that is retried.
func poll(ctx context.Context, expr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last error
	for {
		cctx, cancel := context.WithTimeout(ctx, time.Second)
		ok, err := chromedp.Run(cctx, chromedp.Evaluate[bool](expr))
		cancel()
		switch {
		case err == nil && ok:
			return nil
		case err != nil:
			last = err
		}
		if time.Now().After(deadline) {
			if last != nil {
				return fmt.Errorf("not true after %v (last error: %v): %s", timeout, last, expr)
			}
			return fmt.Errorf("not true after %v: %s", timeout, expr)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// eval evaluates expr in the page.
func eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// Expressions about what the page shows.
const (
	jsOverlay = `!!document.getElementById("serve-overlay")`
	jsPending = `!!document.querySelector(".serve-badge-pending")`
)

func jsOutput(id, text string) string {
	return fmt.Sprintf(`(function () { var o = document.querySelector("#%s .out"); return !!o && o.textContent.includes(%q); })()`, id, text)
}

func jsText(text string) string {
	return fmt.Sprintf(`!!document.body && document.body.textContent.includes(%q)`, text)
}

// TestServeBrowser previews a book in headless Chromium, running its
// examples for real, and edits it on disk: the page follows by itself, at
// the same scroll position; a broken example puts the problem over the
// page, and fixing it takes it away.
func TestServeBrowser(t *testing.T) {
	dir := serveBook(t)
	var filler strings.Builder
	for i := range 60 {
		fmt.Fprintf(&filler, "\nFiller paragraph %d, so that the page scrolls.\n", i)
	}
	replaceIn(t, dir, "content/01-one.md", "The end of chapter one.", "The end of chapter one.\n"+filler.String())
	url, log := startServer(t, dir, &site.Site{Runner: runnertest.New(t)}, nil)
	ctx := browser.New(t)
	const slow = 30 * time.Second // a first compile of an example, on a busy machine

	if err := chromedp.Do(ctx, browser.Viewport(1000, 700, "light", false), chromedp.Navigate(url+"/one.html")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the verified output", jsOutput("example-hello", "hello, preview")+` && !`+jsPending, slow)
	if eval[bool](t, ctx, jsOverlay) {
		t.Fatalf("the book has problems:\n%s", log.take())
	}

	// Editing the chapter: the page reloads by itself, scrolled as it was.
	eval[any](t, ctx, `window.scrollTo(0, 600); window.notReloaded = true; null`)
	y := eval[float64](t, ctx, `window.scrollY`)
	if y < 500 {
		t.Fatalf("the page did not scroll: scrollY %v", y)
	}
	replaceIn(t, dir, "content/01-one.md", "Some prose for chapter one.", "Freshly edited prose.")
	waitFor(t, ctx, "the edited chapter", jsText("Freshly edited prose."), 10*time.Second)
	if eval[bool](t, ctx, `window.notReloaded === true`) {
		t.Error("the page changed without reloading")
	}
	waitFor(t, ctx, "the scroll position", fmt.Sprintf(`Math.abs(window.scrollY - %v) < 2`, y), 5*time.Second)

	// Breaking the example: the problem is shown over the page.
	replaceIn(t, dir, "examples/hello/main.go", `fmt.Println("hello, preview")`, `fmt.Println(greeting)`)
	waitFor(t, ctx, "the overlay", jsOverlay, slow)
	overlay := eval[string](t, ctx, `document.getElementById("serve-overlay").textContent`)
	for _, want := range []string{"content/01-one.md:8", `example "hello" does not compile`, "undefined: greeting"} {
		if !strings.Contains(overlay, want) {
			t.Errorf("the overlay lacks %q:\n%s", want, overlay)
		}
	}
	if l := log.take(); !strings.Contains(l, `content/01-one.md:8: example "hello" does not compile`) {
		t.Errorf("the log lacks the problem:\n%s", l)
	}

	// Fixing it takes the overlay away.
	replaceIn(t, dir, "examples/hello/main.go", `fmt.Println(greeting)`, `fmt.Println("hello, preview")`)
	waitFor(t, ctx, "the overlay to go", `!`+jsOverlay+` && `+jsOutput("example-hello", "hello, preview"), slow)
}

// TestServeBrowserMarks checks the marks of an example showing the
// interpreter's preview and of one whose engines disagree, and the
// overlay's close button, with a runner the test controls.
func TestServeBrowserMarks(t *testing.T) {
	dir := serveBook(t)
	f := &fakeRunner{}
	url, _ := startServer(t, dir, &site.Site{}, f.run)
	ctx := browser.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/one.html")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the output", jsOutput("example-hello", "hello, preview")+` && !`+jsPending, 10*time.Second)
	if state := eval[string](t, ctx, `document.visibilityState`); state != "visible" {
		t.Fatalf("the page is %s: it does not listen for changes", state)
	}

	hold := make(chan struct{})
	f.mu.Lock()
	f.hold = hold
	f.mu.Unlock()
	eval[any](t, ctx, `window.notReloaded = true; null`)
	replaceIn(t, dir, "examples/hello/main.go", `"hello, preview"`, `"hello, interpreter"`)
	waitFor(t, ctx, "the preview", jsOutput("example-hello", "(yaegi) hello, interpreter")+` && `+jsPending, 10*time.Second)
	// Only the example changed: it was replaced in place, its caption and
	// copy button kept.
	if !eval[bool](t, ctx, `window.notReloaded === true`) {
		t.Error("the page reloaded for a change to an example")
	}
	if eval[bool](t, ctx, `document.querySelector("#example-hello button.copy").hidden`) {
		t.Error("the example's copy button is hidden after the example changed")
	}
	badge := eval[string](t, ctx, `document.querySelector("#example-hello .output-head .serve-badge-pending").textContent`)
	if badge != "preview (interpreter) — verifying…" {
		t.Errorf("badge %q", badge)
	}
	close(hold)
	waitFor(t, ctx, "the verified output", jsOutput("example-hello", "hello, interpreter")+` && !`+jsPending+` && `+jsOverlay, 10*time.Second)

	// The overlay hides until the next rebuild.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".serve-close"))); err != nil {
		t.Fatal(err)
	}
	if eval[bool](t, ctx, `!document.getElementById("serve-overlay").hidden`) {
		t.Error("the close button did not hide the overlay")
	}

	replaceIn(t, dir, "examples/hello/main.go", `"hello, interpreter")`, `"hello, preview") // diverges`)
	waitFor(t, ctx, "the divergence", `!!document.querySelector("#example-hello .serve-badge-divergent") && `+jsOverlay, 10*time.Second)
}
