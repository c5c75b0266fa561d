package browser

import (
	"fmt"
	"net/http"
	"net/http/httptest"
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
