package browser

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestDarkScheme(t *testing.T) {
	ctx := New(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><style>body{background:#fff}@media (prefers-color-scheme: dark){body{background:#000}}</style><title>t</title>`)
	}))
	defer srv.Close()
	for _, tt := range []struct{ scheme, want string }{{"light", "rgb(255, 255, 255)"}, {"dark", "rgb(0, 0, 0)"}} {
		if err := chromedp.Do(ctx, Viewport(400, 800, tt.scheme, true), chromedp.Navigate(srv.URL)); err != nil {
			t.Fatal(err)
		}
		bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
		if err != nil {
			t.Fatal(err)
		}
		if bg != tt.want {
			t.Errorf("%s: background %s, want %s", tt.scheme, bg, tt.want)
		}
	}
}

// TestTabs: tabs of one browser are pages of their own (what one
// navigates to, the other does not see) and work side by side.
func TestTabs(t *testing.T) {
	ctx := New(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><title>%s</title>`, r.URL.Path[1:])
	}))
	defer srv.Close()
	tabs := []context.Context{ctx, Tab(t, ctx), Tab(t, ctx)}
	var wg sync.WaitGroup
	for i, tab := range tabs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 3 {
				want := fmt.Sprintf("tab%d-%d", i, j)
				if err := chromedp.Do(tab, chromedp.Navigate(srv.URL+"/"+want)); err != nil {
					t.Error(err)
					return
				}
				got, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.title`))
				if err != nil || got != want {
					t.Errorf("tab %d: title %q (%v), want %q", i, got, err, want)
				}
			}
		}()
	}
	wg.Wait()
}

// TestAxeExclude: axe finds an image without a text alternative and a page
// without a title; excluding the image's part of the page leaves the rest,
// the page's own rules included, checked.
func TestAxeExclude(t *testing.T) {
	ctx := New(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><html lang="en"><main><h1>A</h1><section class="done"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></section><p>text</p></main></html>`)
	}))
	defer srv.Close()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	ids := func(exclude ...string) map[string]bool {
		t.Helper()
		vs, err := Axe(ctx, exclude...)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]bool{}
		for _, v := range vs {
			m[v.ID] = true
		}
		return m
	}
	if got := ids(); !got["image-alt"] || !got["document-title"] {
		t.Errorf("the whole page: violations %v, want image-alt and document-title", got)
	}
	if got := ids("section.done"); got["image-alt"] || !got["document-title"] {
		t.Errorf("without section.done: violations %v, want document-title and not image-alt", got)
	}
}

// TestVerdicts: a verdict is known only for the same parts, in order, and
// only once it passed; with SIGNALWIRE_TEST_NOCACHE nothing is known.
func TestVerdicts(t *testing.T) {
	v := &Verdicts{dir: t.TempDir(), browser: "HeadlessChrome/1"}
	key := v.Key([]byte("ab"), []byte("c"))
	for _, other := range []string{v.Key([]byte("a"), []byte("bc")), v.Key([]byte("c"), []byte("ab")), (&Verdicts{browser: "HeadlessChrome/2"}).Key([]byte("ab"), []byte("c"))} {
		if other == key {
			t.Errorf("two checks share the key %s", key)
		}
	}
	if _, ok := v.Passed(key); ok {
		t.Fatal("a verdict is known before the check passed")
	}
	v.Pass(key, []byte(`{"region (moderate)":2}`))
	if note, ok := v.Passed(key); !ok || string(note) != `{"region (moderate)":2}` {
		t.Errorf("after Pass: note %q, known %v", note, ok)
	}
	// PassedBefore remembers a pass when the test ends, and not a failure.
	other := v.Key([]byte("other"))
	t.Run("first", func(t *testing.T) {
		if v.PassedBefore(t, other, "other") {
			t.Error("known before it ran")
		}
	})
	t.Run("again", func(t *testing.T) {
		if !v.PassedBefore(t, other, "other") {
			t.Error("a pass was not remembered")
		}
	})
	off := &Verdicts{browser: v.browser} // as OpenVerdicts makes it with the variable set
	off.Pass(key, nil)
	if _, ok := off.Passed(key); ok {
		t.Error("a verdict is known with the cache off")
	}
}
