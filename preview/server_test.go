package preview

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"signalwire/internal/runnertest"
	"signalwire/runner"
	"signalwire/site"
)

// serveBook writes the book of testdata/book.txtar into a new
// directory and returns the directory.
func serveBook(t *testing.T) string {
	t.Helper()
	ar, err := txtar.ParseFile("testdata/book.txtar")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		writeFile(t, dir, f.Name, string(f.Data))
	}
	return dir
}

// writeFile writes the file name of the book in dir.
func writeFile(t testing.TB, dir, name, data string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// replaceIn replaces old with new in the file name of the book in dir.
func replaceIn(t testing.TB, dir, name, old, new string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%s has no %q", name, old)
	}
	writeFile(t, dir, name, strings.Replace(string(b), old, new, 1))
}

var printlnRE = regexp.MustCompile(`fmt\.Println\("([^"]*)"\)`)

// fakeRunner runs nothing: an example prints what its source passes to
// fmt.Println, with "(yaegi) " in front under the interpreter; one with
// "// diverges" in its source makes the engines disagree.
type fakeRunner struct {
	mu       sync.Mutex
	hold     chan struct{} // when not nil, verified runs wait until it is closed
	calls    []string      // "name engine", in order
	canceled int           // runs that ended with their context
}

func (f *fakeRunner) run(ctx context.Context, u *site.Use, engine runner.Engine) (*runner.Result, error) {
	f.mu.Lock()
	f.calls = append(f.calls, u.Example.Name+" "+string(engine))
	hold := f.hold
	f.mu.Unlock()
	if engine != runner.EngineYaegi && hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			f.mu.Lock()
			f.canceled++
			f.mu.Unlock()
			return nil, ctx.Err()
		}
	}
	var out strings.Builder
	for _, m := range printlnRE.FindAllSubmatch(u.Example.Source, -1) {
		if engine == runner.EngineYaegi {
			out.WriteString("(yaegi) ")
		}
		fmt.Fprintf(&out, "%s\n", m[1])
	}
	res := &runner.Result{Engine: engine, Output: []runner.Chunk{{Stream: runner.Stdout, Text: out.String()}}}
	if engine == runner.EngineBoth && bytes.Contains(u.Example.Source, []byte("// diverges")) {
		res.Divergence = &runner.Divergence{Diff: "-compiled\n+interpreted\n"}
	}
	return res, nil
}

// takeCalls returns the runs since the last call, sorted.
func (f *fakeRunner) takeCalls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	calls := f.calls
	f.calls = nil
	slices.Sort(calls)
	return calls
}

// syncBuffer is a bytes.Buffer for several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// take returns what was written since the last call.
func (b *syncBuffer) take() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	b.buf.Reset()
	return s
}

// liveTest is a Server whose builder the test drives itself, without
// watching files or listening.
type liveTest struct {
	t   *testing.T
	dir string
	srv *Server
	l   *live
	log *syncBuffer
}

func newLiveTest(t *testing.T, dir string, s *site.Site, run func(context.Context, *site.Use, runner.Engine) (*runner.Result, error)) *liveTest {
	t.Helper()
	lt := &liveTest{t: t, dir: dir, srv: &Server{}, log: &syncBuffer{}}
	lt.srv.init()
	lt.l = newLive(s, os.DirFS(dir), lt.log, lt.srv.setSnapshot)
	if run != nil {
		lt.l.run = run
	}
	t.Cleanup(func() {
		lt.l.cancelAll()
		lt.l.wg.Wait()
	})
	return lt
}

// rebuild rebuilds after the changes in paths and waits until every run is
// verified.
func (lt *liveTest) rebuild(paths ...string) {
	lt.t.Helper()
	lt.l.rebuild(lt.t.Context(), paths)
	lt.settle()
}

// settle applies finished runs until every run is verified.
func (lt *liveTest) settle() {
	lt.t.Helper()
	timeout := time.After(time.Minute)
	for slices.ContainsFunc(slices.Collect(maps.Values(lt.l.runs)), func(r *liveRun) bool { return !r.settled() }) {
		select {
		case d := <-lt.l.done:
			if lt.l.apply(d) {
				lt.l.update("", time.Time{}, nil)
			}
		case <-timeout:
			lt.t.Fatal("runs not verified after a minute")
		}
	}
}

// frames returns the frames of the pages of the preview.
func (lt *liveTest) frames() map[string]string {
	f := map[string]string{}
	for name, l := range lt.srv.snap.Load().layouts {
		f[name] = l.Frame
	}
	return f
}

// get requests path from the preview and returns the status and body.
func (lt *liveTest) get(path string) (int, string) {
	lt.t.Helper()
	w := httptest.NewRecorder()
	lt.srv.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
	return w.Code, w.Body.String()
}

func TestServeHandler(t *testing.T) {
	dir := serveBook(t)
	f := &fakeRunner{}
	lt := newLiveTest(t, dir, &site.Site{}, f.run)
	lt.rebuild()
	src, err := os.ReadFile(filepath.Join(dir, "examples/hello/main.go"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, method, target string
		status               int
		ctype                string // prefix
		want, notWant        []string
	}{
		{"index", "GET", "/", 200, "text/html", []string{`<a href="one.html">One</a>`, `id="serve-state"`}, nil},
		{"index by name", "GET", "/index.html", 200, "text/html", []string{`<a href="two.html">Two</a>`, `id="serve-state"`}, nil},
		{"chapter", "GET", "/one.html", 200, "text/html", []string{"Some prose for chapter one.", "hello, preview", `"page":"one.html"`}, []string{`id="serve-overlay"`}},
		{"stylesheet", "GET", "/assets/site.css", 200, "text/css", nil, []string{"serve-state"}},
		{"program", "GET", "/examples/hello/main.go", 200, "text/plain", []string{string(src)}, nil},
		{"content file", "GET", "/img/dot.svg", 200, "image/svg+xml", []string{"<svg"}, nil},
		{"missing page", "GET", "/three.html", 404, "text/html", []string{"Page not found", `"page":"three.html"`}, nil},
		{"missing file", "GET", "/assets/none.css", 404, "text/plain", nil, []string{"<html"}},
		{"chapter source", "GET", "/content/01-one.md", 404, "text/plain", nil, []string{"Some prose"}},
		{"up", "GET", "/../secret.txt", 404, "text/plain", nil, []string{"not part of the site"}},
		{"up escaped", "GET", "/%2e%2e/secret.txt", 404, "text/plain", nil, []string{"not part of the site"}},
		{"up slash escaped", "GET", "/..%2fsecret.txt", 404, "text/plain", nil, []string{"not part of the site"}},
		{"up from a directory", "GET", "/content/../../secret.txt", 404, "text/plain", nil, []string{"not part of the site"}},
		{"up to a page", "GET", "/%2e%2e/", 404, "text/html", []string{"Page not found"}, nil},
		{"absolute", "GET", "//etc/passwd", 404, "text/html", []string{"Page not found"}, []string{"root:"}},
		{"beside the book", "GET", "/secret.txt", 404, "text/plain", nil, []string{"not part of the site"}},
		{"post", "POST", "/one.html", 405, "text/plain", nil, []string{"Some prose"}},
		{"put", "PUT", "/examples/hello/main.go", 405, "text/plain", nil, nil},
		{"head", "HEAD", "/one.html", 200, "text/html", nil, []string{"Some prose"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			lt.srv.ServeHTTP(w, httptest.NewRequest(tt.method, tt.target, strings.NewReader("package main")))
			body := w.Body.String()
			if w.Code != tt.status {
				t.Errorf("status %d, want %d", w.Code, tt.status)
			}
			if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, tt.ctype) {
				t.Errorf("Content-Type %q, want %s", ct, tt.ctype)
			}
			for _, s := range tt.want {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q", s)
				}
			}
			for _, s := range tt.notWant {
				if strings.Contains(body, s) {
					t.Errorf("body has %q", s)
				}
			}
		})
	}
	if got := f.takeCalls(); !slices.Contains(got, "hello both") || slices.ContainsFunc(got, func(c string) bool { return strings.Contains(c, "package main") }) {
		t.Errorf("runs: %q", got)
	}
}

// TestServeRaw sends paths that a client would clean, over a real
// connection, to the whole server stack.
func TestServeRaw(t *testing.T) {
	dir := serveBook(t)
	lt := newLiveTest(t, dir, &site.Site{}, (&fakeRunner{}).run)
	lt.rebuild()
	ts := httptest.NewServer(localOnly(lt.srv))
	defer ts.Close()
	for _, tt := range []struct {
		target, host string
		status       int
	}{
		{"/one.html", "", 200},
		{"/../secret.txt", "", 404},
		{"/%2e%2e/secret.txt", "", 404},
		{"/%2E%2E%2Fsecret.txt", "", 404},
		{"/..\\secret.txt", "", 404},
		{"/one.html", "localhost:1234", 200},
		{"/one.html", "[::1]:1234", 200},
		{"/one.html", "attacker.example", 403},
		{"/one.html", "attacker.example:80", 403},
	} {
		conn, err := net.Dial("tcp", ts.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		host := tt.host
		if host == "" {
			host = ts.Listener.Addr().String()
		}
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", tt.target, host)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		conn.Close()
		if resp.StatusCode != tt.status || bytes.Contains(body, []byte("not part of the site")) {
			t.Errorf("GET %s (Host %s): %s, want %d", tt.target, host, resp.Status, tt.status)
		}
	}
}

// TestServeInjectedOnlyWhenServed checks that the site in memory is what
// a build makes, and that only the pages served carry the preview.
func TestServeInjectedOnlyWhenServed(t *testing.T) {
	dir := serveBook(t)
	s := &site.Site{}
	lt := newLiveTest(t, dir, s, (&fakeRunner{}).run)
	lt.rebuild()
	files := lt.srv.snap.Load().files
	want, err := s.Render(lt.l.book, lt.l.results())
	if err != nil {
		t.Fatal(err)
	}
	if !maps.EqualFunc(files, want, bytes.Equal) {
		t.Fatal("the site in memory is not what Render makes")
	}
	for name, b := range files {
		if bytes.Contains(b, []byte("serve-")) || bytes.Contains(b, []byte(eventsPath)) {
			t.Errorf("%s in memory has the preview in it", name)
		}
		_, body := lt.get("/" + name)
		if strings.HasSuffix(name, ".html") != strings.Contains(body, eventsPath) {
			t.Errorf("served %s: preview script %v", name, strings.Contains(body, eventsPath))
		}
	}
}

// TestServeIncremental edits the book and checks what each rebuild runs and
// renders, and that the result is always what a whole render makes.
func TestServeIncremental(t *testing.T) {
	dir := serveBook(t)
	f := &fakeRunner{}
	s := &site.Site{}
	lt := newLiveTest(t, dir, s, f.run)
	lt.rebuild()
	if got, want := verifiedRuns(f.takeCalls()), []string{"bye both", "hello both"}; !slices.Equal(got, want) {
		t.Fatalf("first build ran %q, want %q", got, want)
	}
	if log := lt.log.take(); !strings.Contains(log, "built 2 chapters, 2 examples") || !strings.Contains(log, "verified bye, hello") {
		t.Errorf("log of the first build:\n%s", log)
	}
	tests := []struct {
		name  string
		edit  func()
		path  string
		runs  []string
		pages string // in the log line
	}{
		{"chapter text", func() { replaceIn(t, dir, "content/01-one.md", "Some prose", "Edited prose") }, "content/01-one.md", nil, "content/01-one.md: one.html, print.html in"}, // the whole-book page holds every chapter
		{"example", func() { replaceIn(t, dir, "examples/bye/main.go", `"bye"`, `"bye now"`) }, "examples/bye/main.go", []string{"bye both"}, "examples/bye/main.go: two.html"},
		{"golden file", func() { writeFile(t, dir, "examples/bye/output.txt", "bye now\n") }, "examples/bye/output.txt", nil, "examples/bye/output.txt: nothing to re-render in"},
		{"title", func() { replaceIn(t, dir, "content/02-two.md", "title: Two", "title: Deux") }, "content/02-two.md", nil, "content/02-two.md: 5 pages in"},
		{"content file", func() { writeFile(t, dir, "content/img/new.svg", "<svg/>") }, "content/img/new.svg", nil, "content/img/new.svg: 5 pages in"},
		{"unchanged", func() {}, "content/01-one.md", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.edit()
			lt.rebuild(tt.path)
			if got := verifiedRuns(f.takeCalls()); !slices.Equal(got, tt.runs) {
				t.Errorf("ran %q, want %q", got, tt.runs)
			}
			log := lt.log.take()
			if tt.pages == "" && log != "" || !strings.Contains(log, tt.pages) {
				t.Errorf("log:\n%s\nwant %q", log, tt.pages)
			}
			want, err := s.Render(lt.l.book, lt.l.results())
			if err != nil {
				t.Fatal(err)
			}
			if !maps.EqualFunc(lt.srv.snap.Load().files, want, bytes.Equal) {
				t.Error("the site in memory is not what Render makes")
			}
		})
	}
}

// verifiedRuns returns the runs of both engines among calls. (Whether the
// interpreter's preview runs as well depends on which finishes first.)
func verifiedRuns(calls []string) []string {
	return slices.DeleteFunc(calls, func(c string) bool { return !strings.HasSuffix(c, " both") })
}

// TestServePreview checks that a changed example shows the interpreter's
// output, marked, until the verified result replaces it, and that a
// divergence is marked.
func TestServePreview(t *testing.T) {
	dir := serveBook(t)
	f := &fakeRunner{}
	lt := newLiveTest(t, dir, &site.Site{}, f.run)
	lt.rebuild()

	hold := make(chan struct{})
	f.mu.Lock()
	f.hold = hold
	f.mu.Unlock()
	replaceIn(t, dir, "examples/hello/main.go", `"hello, preview"`, `"hello again"`)
	lt.l.rebuild(t.Context(), []string{"examples/hello/main.go"})
	_, body := lt.get("/one.html")
	for _, want := range []string{"(yaegi) hello again", `"pending":["example-hello"]`} {
		if !strings.Contains(body, want) {
			t.Errorf("before verification, one.html lacks %s", want)
		}
	}
	if _, two := lt.get("/two.html"); strings.Contains(two, `"pending":[`) {
		t.Error("two.html is marked pending")
	}
	close(hold)
	lt.settle()
	_, body = lt.get("/one.html")
	if strings.Contains(body, "(yaegi)") || strings.Contains(body, `"pending":[`) || !strings.Contains(body, "hello again") {
		t.Errorf("after verification, one.html still shows the preview")
	}
	// The golden file still says hello, preview.
	if !strings.Contains(body, `id="serve-overlay"`) || !strings.Contains(body, "-hello, preview") {
		t.Errorf("after verification, one.html shows no difference from the golden file")
	}

	replaceIn(t, dir, "examples/hello/main.go", `"hello again")`, `"hello, preview") // diverges`)
	lt.rebuild("examples/hello/main.go")
	_, body = lt.get("/one.html")
	for _, want := range []string{`"divergent":["example-hello"]`, "the yaegi interpreter disagrees", `<span class="serve-add">&#43;interpreted</span>`} {
		if !strings.Contains(body, want) {
			t.Errorf("divergent example: one.html lacks %s", want)
		}
	}
}

// TestServeLayout checks which edits change a page's frame, which then
// reloads, and which only a figure, which it replaces in place.
func TestServeLayout(t *testing.T) {
	dir := serveBook(t)
	lt := newLiveTest(t, dir, &site.Site{}, (&fakeRunner{}).run)
	lt.rebuild()
	layout := func() *pageLayout { return lt.srv.snap.Load().layouts["one.html"] }
	first := layout()
	if len(first.Figures) != 1 || first.Figures["example-hello"] == "" {
		t.Fatalf("figures of one.html: %v", first.Figures)
	}
	replaceIn(t, dir, "examples/hello/main.go", `"hello, preview"`, `"hello, figure"`)
	lt.rebuild("examples/hello/main.go")
	second := layout()
	if second.Frame != first.Frame || second.Figures["example-hello"] == first.Figures["example-hello"] {
		t.Errorf("editing the example: frame %s -> %s, figure %s -> %s", first.Frame, second.Frame, first.Figures["example-hello"], second.Figures["example-hello"])
	}
	_, body := lt.get("/one.html")
	if !strings.Contains(body, `"frame":"`+second.Frame+`"`) || !strings.Contains(body, `"example-hello":"`+second.Figures["example-hello"]+`"`) {
		t.Error("one.html was not served with its layout")
	}
	replaceIn(t, dir, "content/01-one.md", "Some prose", "Other prose")
	lt.rebuild("content/01-one.md")
	if third := layout(); third.Frame == second.Frame || third.Figures["example-hello"] != second.Figures["example-hello"] {
		t.Errorf("editing the chapter: frame %s -> %s, figure %s -> %s", second.Frame, third.Frame, second.Figures["example-hello"], third.Figures["example-hello"])
	}
	if _, body := lt.get("/nowhere.html"); strings.Contains(body, `"frame"`) {
		t.Error("a missing page has a layout: it would not reload when the page appears")
	}
}

// TestServeEvents reads the event stream while the book changes.
func TestServeEvents(t *testing.T) {
	dir := serveBook(t)
	lt := newLiveTest(t, dir, &site.Site{}, (&fakeRunner{}).run)
	ts := httptest.NewServer(lt.srv)
	defer ts.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", ts.URL+eventsPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	events := bufio.NewReader(resp.Body)
	next := func() map[string]string {
		t.Helper()
		var event, data string
		for {
			line, err := events.ReadString('\n')
			if err != nil {
				t.Fatalf("reading the stream: %v", err)
			}
			line = strings.TrimSuffix(line, "\n")
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data = strings.TrimPrefix(line, "data: ")
			case line == "" && event != "":
				if event != "versions" {
					t.Fatalf("event %q", event)
				}
				var v struct{ Versions, Frames map[string]string }
				if err := json.Unmarshal([]byte(data), &v); err != nil {
					t.Fatal(err)
				}
				if !maps.Equal(v.Frames, lt.frames()) && maps.Equal(v.Versions, lt.srv.snap.Load().versions) {
					t.Errorf("frames %v, want %v", v.Frames, lt.frames())
				}
				return v.Versions
			}
		}
	}
	// settled reads events until the versions are those of the preview now:
	// a rebuild publishes its previews, then its verified results.
	settled := func() map[string]string {
		t.Helper()
		for {
			if v := next(); maps.Equal(v, lt.srv.snap.Load().versions) {
				return v
			}
		}
	}
	building := next()
	if _, ok := building["one.html"]; ok || building[missingPage] == "" {
		t.Fatalf("before the first build: %v", building)
	}
	lt.rebuild()
	first := settled()
	if first["one.html"] == "" || first["two.html"] == "" || first[missingPage] != first["404.html"] {
		t.Fatalf("after the first build: %v", first)
	}
	// What a page was served with is what the stream says.
	_, body := lt.get("/one.html")
	if !strings.Contains(body, `"version":"`+first["one.html"]+`"`) {
		t.Errorf("one.html was not served at version %s", first["one.html"])
	}

	replaceIn(t, dir, "content/01-one.md", "Some prose", "Other prose")
	lt.rebuild("content/01-one.md")
	second := settled()
	if second["one.html"] == first["one.html"] || second["two.html"] != first["two.html"] {
		t.Errorf("after editing chapter one: one.html %s -> %s, two.html %s -> %s",
			first["one.html"], second["one.html"], first["two.html"], second["two.html"])
	}

	// A problem changes every page: each shows it.
	replaceIn(t, dir, "content/02-two.md", ".example bye", ".example byee")
	lt.rebuild("content/02-two.md")
	third := settled()
	if third["one.html"] == second["one.html"] || third["two.html"] == second["two.html"] {
		t.Errorf("a problem did not change the versions: %v -> %v", second, third)
	}
}

// TestServeProblems breaks the book in each way a build refuses, running
// the examples for real, and checks that the pages and the log show the
// problem where it is, and that fixing it clears it.
func TestServeProblems(t *testing.T) {
	dir := serveBook(t)
	lt := newLiveTest(t, dir, &site.Site{Runner: runnertest.New(t)}, nil)
	lt.rebuild()
	if _, body := lt.get("/one.html"); strings.Contains(body, `id="serve-overlay"`) || !strings.Contains(body, "hello, preview") {
		t.Fatalf("the book does not build:\n%s", lt.log.take())
	}
	lt.log.take()
	hello := "examples/hello/main.go"
	tests := []struct {
		name      string
		file      string
		old, new  string
		pos, msg  string
		stale     bool
		diffLines []string
	}{
		{"front matter", "content/02-two.md", "summary:", "sumary:", "content/02-two.md:3", `unknown front matter key "sumary" (did you mean "summary"?)`, true, nil},
		{"unknown example", "content/01-one.md", ".example hello", ".example helo", "content/01-one.md:8", `unknown example "helo" (did you mean "hello"?)`, true, nil},
		{"bad directive", "content/01-one.md", ".example hello", ".example hello exit=x", "content/01-one.md:8", `.example hello: option exit=x: want a number (exit=N)`, true, nil},
		{"compile error", hello, `fmt.Println("hello, preview")`, `fmt.Println(greeting)`, "content/01-one.md:8", `example "hello" does not compile`, false, nil},
		{"leak", hello, `fmt.Println("hello, preview")`, "fmt.Println(\"hello, preview\")\n\tgo func() { select {} }()", "content/01-one.md:8", `example "hello" leaked 1 goroutine`, false, nil},
		{"golden file", hello, `"hello, preview"`, `"hello, world"`, "content/01-one.md:8", `example "hello": output differs from examples/hello/output.txt`, false,
			[]string{`<span class="serve-del">-hello, preview</span>`, `<span class="serve-add">&#43;hello, world</span>`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			replaceIn(t, dir, tt.file, tt.old, tt.new)
			lt.rebuild(tt.file)
			status, body := lt.get("/two.html")
			if status != 200 {
				t.Errorf("status %d", status)
			}
			for _, want := range append([]string{`id="serve-overlay"`, `<code class="serve-pos">` + tt.pos + `</code>`, template.HTMLEscapeString(tt.msg)}, tt.diffLines...) {
				if !strings.Contains(body, want) {
					t.Errorf("two.html lacks %s", want)
				}
			}
			if got := strings.Contains(body, "the pages are the last version"); got != tt.stale {
				t.Errorf("stale note %v, want %v", got, tt.stale)
			}
			if log := lt.log.take(); !strings.Contains(log, tt.pos+": "+tt.msg) {
				t.Errorf("log:\n%s\nlacks %s: %s", log, tt.pos, tt.msg)
			}

			replaceIn(t, dir, tt.file, tt.new, tt.old)
			lt.rebuild(tt.file)
			if _, body := lt.get("/two.html"); strings.Contains(body, `id="serve-overlay"`) {
				t.Error("fixing the file did not clear the overlay")
			}
			if log := lt.log.take(); !strings.Contains(log, "fixed: no problems") {
				t.Errorf("log after the fix:\n%s", log)
			}
		})
	}
}

// TestServeNoBook serves a directory that is not a book yet, then becomes
// one.
func TestServeNoBook(t *testing.T) {
	dir := t.TempDir()
	lt := newLiveTest(t, dir, &site.Site{}, (&fakeRunner{}).run)
	if status, body := lt.get("/"); status != 503 || !strings.Contains(body, "Building the book") {
		t.Errorf("before the first build: %d\n%s", status, body)
	}
	lt.rebuild()
	status, body := lt.get("/")
	if status != 503 || !strings.Contains(body, "cannot be built") || !strings.Contains(body, `<code class="serve-pos">content</code>`) {
		t.Errorf("with no content/: %d\n%s", status, body)
	}
	writeFile(t, dir, "content/01-one.md", "---\ntitle: One\nsummary: S.\n---\n\nHello.\n")
	lt.rebuild("content/01-one.md")
	if status, body := lt.get("/one.html"); status != 200 || !strings.Contains(body, "Hello.") || strings.Contains(body, `id="serve-overlay"`) {
		t.Errorf("once there is a chapter: %d\n%s", status, body)
	}
}

// TestServeWatch checks that a burst of saves makes one batch, that new
// directories are watched, and that editors' files and files outside
// content/ and examples/ are not reported.
func TestServeWatch(t *testing.T) {
	dir := serveBook(t)
	var log syncBuffer
	w, err := newWatcher(dir, watchedRoots, 300*time.Millisecond, &log)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out := make(chan []string)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.run(ctx, out)
	}()
	defer func() { cancel(); <-done }()
	next := func() []string {
		t.Helper()
		select {
		case b := <-out:
			return b
		case <-time.After(10 * time.Second):
			t.Fatal("no batch after 10s")
			return nil
		}
	}

	writeFile(t, dir, "content/01-one.md", "one")
	writeFile(t, dir, "content/.01-one.md.swp", "swap")
	writeFile(t, dir, "content/01-one.md~", "backup")
	writeFile(t, dir, "examples/hello/main.go", "hello")
	writeFile(t, dir, "secret.txt", "outside")
	writeFile(t, dir, "examples/hello/output.txt", "golden")
	if got, want := next(), []string{"content/01-one.md", "examples/hello/main.go", "examples/hello/output.txt"}; !slices.Equal(got, want) {
		t.Errorf("batch %q, want %q", got, want)
	}
	// A new example: its directory, then its file, which is watched too.
	writeFile(t, dir, "examples/new/main.go", "new")
	got := next()
	if !slices.Contains(got, "examples/new") {
		t.Errorf("batch %q lacks the new directory", got)
	}
	if !slices.Contains(got, "examples/new/main.go") {
		// The file was written before the directory was watched; the next
		// write is seen.
		writeFile(t, dir, "examples/new/main.go", "new again")
		if got := next(); !slices.Equal(got, []string{"examples/new/main.go"}) {
			t.Errorf("batch %q, want the new example's file", got)
		}
	}
	writeFile(t, dir, "examples/new/output.txt", "new")
	if got := next(); !slices.Equal(got, []string{"examples/new/output.txt"}) {
		t.Errorf("batch %q, want the file in the new directory", got)
	}
	// A file that comes and goes within a burst (sed -i's) is no change.
	writeFile(t, dir, "content/sedXYZ123", "temporary")
	if err := os.Rename(filepath.Join(dir, "content/sedXYZ123"), filepath.Join(dir, "content/02-two.md")); err != nil {
		t.Fatal(err)
	}
	if got := next(); !slices.Equal(got, []string{"content/02-two.md"}) {
		t.Errorf("batch %q, want the renamed file alone", got)
	}
	if s := log.take(); s != "" {
		t.Errorf("log: %s", s)
	}
}

// TestServeShutdown runs a real server, stops it while an example runs and
// a page listens, and checks that the run was cancelled and that nothing is
// left running.
func TestServeShutdown(t *testing.T) {
	dir := serveBook(t)
	f := &fakeRunner{hold: make(chan struct{})} // verified runs wait for ever
	srv := &Server{Site: &site.Site{}, Dir: dir, run: f.run}
	url, stop := startServe(t, srv)
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := client.Get(url + "/one.html")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 && bytes.Contains(body, []byte(`"pending":["example-hello"]`)) {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no preview after 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	resp, err := client.Get(url + eventsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	// Both verified runs are under way (they follow the previews).
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		f.mu.Lock()
		n := len(verifiedRuns(slices.Clone(f.calls)))
		f.mu.Unlock()
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d verified runs started after 10s, want 2", n)
		}
	}

	if err := stop(); err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := io.ReadAll(resp.Body); err != nil {
		t.Errorf("the event stream did not end cleanly: %v", err)
	}
	f.mu.Lock()
	canceled := f.canceled
	f.mu.Unlock()
	if canceled != 2 {
		t.Errorf("%d verified runs cancelled, want 2", canceled)
	}
	checkNoGoroutines(t, "signalwire/preview.", "signalwire/site.", "fsnotify")
}

// TestServeShutdownSlowClient stops a server while it sends a large file
// to a client that reads none of it: Serve must cut the connection, wait
// for the request's handler and return, leaving nothing running.
func TestServeShutdownSlowClient(t *testing.T) {
	dir := serveBook(t)
	// Far more than a loopback connection buffers, so that sending it blocks.
	writeFile(t, dir, "content/big.txt", strings.Repeat("x", 32<<20))
	// The grace Serve gives requests in flight is shortened: none ends.
	srv := &Server{Site: &site.Site{}, Dir: dir, run: (&fakeRunner{}).run, grace: 100 * time.Millisecond}
	url, stop := startServe(t, srv)
	addr := strings.TrimPrefix(url, "http://")
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "GET /big.txt HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
		status, err := bufio.NewReader(conn).ReadString('\n')
		if err == nil && strings.Contains(status, " 200 ") {
			defer conn.Close() // once Serve has returned; read no more
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no big.txt after 10s: %q, %v", status, err)
		}
		conn.Close()
		time.Sleep(10 * time.Millisecond)
	}

	if err := stop(); err != nil {
		t.Errorf("Serve: %v", err)
	}
	checkNoGoroutines(t, "signalwire/preview.", "signalwire/site.", "fsnotify")
}

// startServe runs srv on a free port of 127.0.0.1 and returns its URL and
// stop, which cancels Serve's context and returns what Serve returned, or
// an error if it has not returned a minute later. When the test ends, the
// server is stopped if it runs, and Serve's error fails the test.
func startServe(t testing.TB, srv *Server) (url string, stop func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	stop = sync.OnceValue(func() error {
		cancel()
		select {
		case err := <-served:
			return err
		case <-time.After(time.Minute):
			return errors.New("Serve did not return a minute after its context was done")
		}
	})
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String(), stop
}

// checkNoGoroutines fails t if, after a moment to finish, a goroutine is
// still running code of one of the packages.
func checkNoGoroutines(t *testing.T, pkgs ...string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		var left []string
		for _, g := range strings.Split(string(buf), "\n\n") {
			if strings.Contains(g, "checkNoGoroutines") || strings.Contains(g, "testing.(*M).Run") {
				continue // this one, and TestMain's
			}
			if slices.ContainsFunc(pkgs, func(p string) bool { return strings.Contains(g, p) }) {
				left = append(left, g)
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutines left:\n%s", strings.Join(left, "\n\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestServeTheme: with Theme set, the pages are made with the templates and
// assets on disk; saving one re-renders every page, a template that does
// not parse is shown as a problem, and fixing it clears it.
func TestServeTheme(t *testing.T) {
	dir := serveBook(t)
	// A copy of the built-in theme, which this repository's site/ holds.
	for _, root := range []string{"templates", "assets"} {
		if err := os.CopyFS(filepath.Join(dir, "theme", root), os.DirFS(filepath.Join("..", "site", root))); err != nil {
			t.Fatal(err)
		}
	}
	f := &fakeRunner{}
	var log syncBuffer
	srv := &Server{Site: &site.Site{}, Dir: dir, Theme: "theme", run: f.run, Debounce: 20 * time.Millisecond, Log: &log}
	defer func() {
		if t.Failed() {
			t.Logf("log:\n%s", log.take())
		}
	}()
	url, _ := startServe(t, srv)
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	// waitFor polls a file of the preview until it contains want.
	waitFor := func(file, want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			resp, err := client.Get(url + "/" + file)
			if err == nil {
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if strings.Contains(string(body), want) {
					return
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s does not show %q after 10s", file, want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitFor("one.html", "</html>")
	replaceIn(t, dir, "theme/templates/layout.tmpl", "</body>", "<p>theme edited</p></body>")
	waitFor("one.html", "<p>theme edited</p>")
	waitFor("index.html", "<p>theme edited</p>")
	writeFile(t, dir, "theme/assets/site.css", "body { color: rebeccapurple }\n")
	waitFor("assets/site.css", "rebeccapurple")
	replaceIn(t, dir, "theme/templates/layout.tmpl", "<p>theme edited</p>", "{{if}}")
	waitFor("one.html", "layout.tmpl")
	replaceIn(t, dir, "theme/templates/layout.tmpl", "{{if}}", "<p>fixed</p>")
	waitFor("one.html", "<p>fixed</p>")
}

// panicFS panics when the file named bad is opened, as a bug in a parser
// would on input nobody planned.
type panicFS struct {
	fs.FS
	bad string
}

func (p panicFS) Open(name string) (fs.File, error) {
	if name == p.bad {
		panic("index out of range [3] with length 3")
	}
	return p.FS.Open(name)
}

// TestServeSurvivesPanic checks that a panic while reading the book is
// shown over the page and in the log, and that the server goes on: the
// next save builds again.
func TestServeSurvivesPanic(t *testing.T) {
	dir := serveBook(t)
	lt := newLiveTest(t, dir, &site.Site{Runner: runnertest.New(t)}, nil)
	lt.rebuild()
	lt.log.take()

	lt.l.fsys = panicFS{os.DirFS(dir), "content/02-two.md"}
	lt.rebuild("content/02-two.md")
	_, body := lt.get("/one.html")
	for _, want := range []string{`id="serve-overlay"`, "internal error while reading the book: index out of range"} {
		if !strings.Contains(body, want) {
			t.Errorf("one.html lacks %s", want)
		}
	}
	if log := lt.log.take(); !strings.Contains(log, "panic while reading the book") || !strings.Contains(log, "goroutine") {
		t.Errorf("the log lacks the panic and its stack:\n%s", log)
	}

	lt.l.fsys = os.DirFS(dir)
	lt.rebuild("content/02-two.md")
	if _, body := lt.get("/one.html"); strings.Contains(body, `id="serve-overlay"`) {
		t.Error("the next save did not clear the overlay")
	}
}
