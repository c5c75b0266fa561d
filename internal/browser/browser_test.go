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
