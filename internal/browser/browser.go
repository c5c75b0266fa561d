// Package browser drives a headless Chromium for tests that look at pages
// the way a reader does. It uses Debian's chromium package; tests skip, with
// a message that says why, only where no browser is installed.
package browser

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// candidates are the names a Chromium binary goes by.
var candidates = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// Path returns the browser to use: $CHROMIUM if set, else the first
// candidate on PATH.
func Path() (string, bool) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p, true
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p, true
		}
	}
	return "", false
}

// New starts a headless browser for t, with a fresh profile, and returns a
// context for chromedp actions. It skips t when no browser is installed.
// The browser stops when the test ends.
func New(t testing.TB) context.Context {
	t.Helper()
	path, ok := Path()
	if !ok {
		t.Skip("no Chromium installed (apt-get install chromium, or set $CHROMIUM); skipping the browser test")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		// Tests run pages side by side in several tabs (see Tab): none
		// of them is the visible one, and none may be slowed for it.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

// Tab opens another tab in the browser of ctx (a context from New) and
// returns a context for chromedp actions in it. Tabs of one browser may be
// used side by side, each from one goroutine at a time: each page runs in
// a renderer process of its own. The tab closes when t ends.
func Tab(t testing.TB, ctx context.Context) context.Context {
	t.Helper()
	tctx, cancel := chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(tctx); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	return tctx
}

// Viewport sets the page size and the reader's color scheme ("light" or
// "dark"); mobile emulates a phone.
func Viewport(width, height int64, scheme string, mobile bool) chromedp.Action[chromedp.Void] {
	var opts []chromedp.EmulateViewportOption
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	return chromedp.Steps(
		chromedp.EmulateViewport(width, height, opts...),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
			})
			return err
		}),
	)
}
