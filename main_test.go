package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
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

	"signalwire/check"
	"signalwire/internal/browser"
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
// nothing scrolls sideways and the theme follows the system; with
// -screenshots it also saves each view.
func TestPages(t *testing.T) {
	ctx := browser.New(t)
	srv := httptest.NewServer(http.FileServer(http.Dir("public")))
	defer srv.Close()
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
	for _, page := range pages {
		page = filepath.Base(page)
		for _, v := range views {
			for _, scheme := range []string{"light", "dark"} {
				name := fmt.Sprintf("%s-%s-%s", strings.TrimSuffix(page, ".html"), v.name, scheme)
				err := chromedp.Do(ctx,
					browser.Viewport(v.width, v.height, scheme, v.mobile),
					chromedp.Navigate(srv.URL+"/"+page),
				)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
				if err != nil {
					t.Fatal(err)
				}
				if overflow {
					t.Errorf("%s: the page scrolls sideways", name)
				}
				bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
				if err != nil {
					t.Fatal(err)
				}
				if dark := isDark(bg); dark != (scheme == "dark") {
					t.Errorf("%s: background %s", name, bg)
				}
				if *screenshots == "" {
					continue
				}
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(*screenshots, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(*screenshots, name+".png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// isDark reports whether a CSS rgb() colour is dark.
func isDark(rgb string) bool {
	var r, g, b int
	fmt.Sscanf(strings.TrimPrefix(rgb, "rgb("), "%d, %d, %d", &r, &g, &b)
	return r+g+b < 3*128
}
