package site

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"signalwire/runner"
)

// Server is a live preview of a book: it builds the book in Dir into
// memory, serves it over HTTP, and keeps it current as the author edits.
//
// It watches content/ and examples/ under Dir. A burst of saves (Debounce)
// makes one rebuild, which reads the book again and re-renders only the
// pages whose inputs changed: the chapter that was edited, or the chapters
// showing an example that was (every page when the contents change). An
// example whose source changed runs twice: first under the yaegi
// interpreter, whose result is shown as soon as it is there, marked
// "preview (interpreter) — verifying…", then under both engines, compared,
// whose result replaces it and is verified against the directive and the
// golden file as a build would. (The compiled run waits for the preview,
// so as not to slow it down.) Examples that did not change keep their
// results; the runner's cache serves the rest.
//
// Open pages follow over server-sent events (/_serve/events): each rebuild
// sends every page's version. A page whose examples alone changed fetches
// its new version and puts their figures in place; any other change
// reloads it, at the same scroll position. What the build would refuse (an
// unreadable chapter, an unknown example, an example that does not compile,
// leaks or panics unexpectedly, or prints other than its golden file) is
// shown over every page, located as "file:line: message" with the diff,
// and written to Log; the server keeps running, and the overlay goes with
// the next rebuild that fixes it. While the book cannot be read at all,
// pages show the last version that could.
//
// The script, style and overlay of the preview are added to pages as they
// are served; the site in memory is byte for byte what [Site.Render]
// makes, and a build never contains them.
//
// Only GET and HEAD are answered, and only with the files of the site in
// memory: a path that is not one of them is a 404, so no request reaches
// the disk. Nothing a browser sends is run; only the examples on disk are.
// On a loopback address, requests must name this machine as their host.
//
// With Theme set, pages are made with the templates and assets in that
// directory, read from disk and watched like the book: saving a template or
// a stylesheet re-renders every page. Otherwise they are the ones built
// into the program.
type Server struct {
	// Site renders the book; its Runner runs the examples.
	Site *Site
	// Dir is the book's directory, with content/ and examples/.
	Dir string
	// Log receives a line for each rebuild, and the problems of the book
	// whenever they change.
	Log io.Writer
	// Debounce is how long the files must be quiet after a save before a
	// rebuild starts; DefaultDebounce when 0.
	Debounce time.Duration
	// Theme is a directory under Dir with templates/ and assets/ (the
	// site/ of this repository); "" uses the built-in ones.
	Theme string

	once sync.Once
	snap atomic.Pointer[snapshot]
	hub  hub
	// run replaces the Site's runner, for tests.
	run func(ctx context.Context, u *Use, engine runner.Engine) (*runner.Result, error)
}

// DefaultDebounce is the Debounce of a Server whose field is zero. An
// editor's save (write a temporary file, rename it, change its mode; or
// truncate and write) is a burst of events a millisecond or two apart, and
// a tool writing several files (check -update) is as quick: 20ms takes
// each as one change, and leaves most of the 150ms an author should wait
// for a chapter to the rebuild and the browser. A burst cut in two only
// costs a second rebuild.
const DefaultDebounce = 20 * time.Millisecond

// eventsPath is the URL path of the event stream. No file of a site can
// have it: the site's own files never start with an underscore directory,
// and a content/_serve/events file would be shadowed.
const eventsPath = "/_serve/events"

// watchedRoots are the trees of the book that a Server watches.
var watchedRoots = []string{"content", "examples"}

func (s *Server) init() {
	s.once.Do(func() {
		if s.snap.Load() == nil {
			s.snap.Store(sealed(&snapshot{building: true}))
		}
	})
}

func (s *Server) log() io.Writer {
	if s.Log == nil {
		return io.Discard
	}
	return s.Log
}

// Serve builds the book, watches it and serves the preview on ln until ctx
// is done. Then it stops watching, cancels the runs in flight, closes the
// connections and returns nil. It closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.init()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	debounce := s.Debounce
	if debounce <= 0 {
		debounce = DefaultDebounce
	}
	roots := watchedRoots
	site := s.Site
	if site == nil {
		site = &Site{}
	}
	if s.Theme != "" {
		theme := path.Clean(filepath.ToSlash(s.Theme))
		roots = append(slices.Clip(roots), theme+"/templates", theme+"/assets")
		site = site.withTheme()
		site.Theme = os.DirFS(filepath.Join(s.Dir, filepath.FromSlash(theme)))
	}
	w, err := newWatcher(s.Dir, roots, debounce, s.log())
	if err != nil {
		ln.Close()
		return err
	}
	defer w.Close()

	var handler http.Handler = s
	if isLoopback(ln.Addr()) {
		handler = localOnly(s)
	}
	hs := &http.Server{
		Handler:           handler,
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ReadHeaderTimeout: 10 * time.Second,
	}
	var wg sync.WaitGroup
	changes := make(chan []string)
	l := newLive(ctx, site, os.DirFS(s.Dir), s.log(), s.setSnapshot)
	if s.Theme != "" {
		l.theme = path.Clean(filepath.ToSlash(s.Theme)) + "/"
	}
	if s.run != nil {
		l.run = s.run
	}
	wg.Go(func() { w.run(ctx, changes) })
	wg.Go(func() { l.loop(ctx, changes) })
	served := make(chan error, 1)
	wg.Go(func() { served <- hs.Serve(ln) })

	select {
	case <-ctx.Done():
	case err = <-served:
		cancel()
	}
	// The event streams end with ctx, so Shutdown has only requests in
	// flight to wait for.
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	if serr := hs.Shutdown(sctx); serr != nil && err == nil {
		err = serr
	}
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func (s *Server) setSnapshot(snap *snapshot) {
	s.snap.Store(snap)
	s.hub.notify()
}

// ServeHTTP serves the preview: the files of the site as last built, with
// the preview's script in each page, and the event stream.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.init()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.URL.Path == eventsPath {
		s.events(w, r)
		return
	}
	snap := s.snap.Load()
	name := strings.TrimPrefix(r.URL.Path, "/")
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	b, ok := snap.files[name]
	if !ok || !fs.ValidPath(name) {
		s.notFound(w, r, snap, name)
		return
	}
	if strings.HasSuffix(name, ".html") {
		b = snap.inject(b, name)
	} else if v := r.URL.Query().Get("v"); v != "" && v == assetVersion(b) {
		// The pages link to their assets by content (site.css?v=HASH):
		// a reload need not ask for them again.
		w.Header().Set("Cache-Control", "max-age=31536000, immutable")
	}
	serveBytes(w, r, name, b)
}

// assetVersion is the v= query by which pages link to an asset.
func assetVersion(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:4])
}

// notFound answers a path the site does not have: with its 404 page, or
// while there is no site, with a page that says why.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request, snap *snapshot, name string) {
	if !strings.HasSuffix(name, ".html") && path.Ext(name) != "" {
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	status := http.StatusNotFound
	b, ok := snap.files["404.html"]
	if !ok {
		status = http.StatusServiceUnavailable
		b = stubPage(snap)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(snap.inject(b, name))
	}
}

func serveBytes(w http.ResponseWriter, r *http.Request, name string, b []byte) {
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" || path.Ext(name) == ".go" {
		ctype = "text/plain; charset=utf-8"
	}
	w.Header().Set("Content-Type", ctype)
	sum := sha256.Sum256(b)
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

// events streams the versions of the pages: now, and after each rebuild
// that changes them.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	ch := s.hub.subscribe()
	defer s.hub.unsubscribe(ch)
	// A page retries soon after a restart of the server, and then finds
	// itself out of date.
	if _, err := io.WriteString(w, "retry: 250\n\n"); err != nil {
		return
	}
	var last []byte
	for {
		if snap := s.snap.Load(); !bytes.Equal(snap.event, last) {
			last = snap.event
			if _, err := fmt.Fprintf(w, "event: versions\ndata: %s\n\n", last); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
		}
		select {
		case <-ch:
		case <-r.Context().Done():
			return
		}
	}
}

// hub tells the event streams that there is a new snapshot.
type hub struct {
	mu   sync.Mutex
	subs map[chan struct{}]bool
}

func (h *hub) subscribe() chan struct{} {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs == nil {
		h.subs = map[chan struct{}]bool{}
	}
	h.subs[ch] = true
	return ch
}

func (h *hub) unsubscribe(ch chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, ch)
}

func (h *hub) notify() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- struct{}{}:
		default: // it has yet to read the last one, and will read the latest
		}
	}
}

// isLoopback reports whether a listener's address is on the loopback
// interface only.
func isLoopback(addr net.Addr) bool {
	a, ok := addr.(*net.TCPAddr)
	return ok && a.IP.IsLoopback()
}

// localOnly refuses requests that do not name this machine as their host,
// so that a web page cannot read the preview through a DNS name of its own
// pointed at 127.0.0.1.
func localOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		host = strings.Trim(host, "[]")
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			http.Error(w, "this preview answers only to localhost", http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// snapshot is the preview as one rebuild left it. It is not changed once
// published.
type snapshot struct {
	files    map[string][]byte     // the site, as Render makes it; nil before the first build
	problems []problem             // what a build would refuse
	marks    map[string]*pageMarks // by page
	stale    bool                  // the book on disk cannot be read: files are from before
	building bool                  // the first build has not finished

	// Set by seal.
	versions map[string]string      // a page's version, by name; missingPage for other paths
	layouts  map[string]*pageLayout // by page
	event    []byte                 // versions and frames as JSON
}

// pageLayout splits a page into its examples' figures, less their captions
// (which hold the buttons that the site's script brings to life), and the
// rest, its frame. When only figures change, an open page replaces them
// in place; when the frame changes, it reloads.
type pageLayout struct {
	Frame   string            `json:"frame"`   // a hash of the frame
	Figures map[string]string `json:"figures"` // a hash of each figure, by id
}

// figureStart starts an example's figure, as the example template makes it.
const figureStart = `<figure class="example" id="`

// layoutOf splits a page as pageLayout says. A figure not made as the
// template makes it stays in the frame.
func layoutOf(page []byte) *pageLayout {
	l := &pageLayout{Figures: map[string]string{}}
	frame := sha256.New()
	hash := func(b []byte) string {
		sum := sha256.Sum256(b)
		return hex.EncodeToString(sum[:8])
	}
	rest := page
	for {
		i := bytes.Index(rest, []byte(figureStart))
		if i < 0 {
			break
		}
		id, _, ok := bytes.Cut(rest[i+len(figureStart):], []byte(`"`))
		caption := bytes.Index(rest[i:], []byte("</figcaption>"))
		end := bytes.Index(rest[i:], []byte("</figure>"))
		if !ok || caption < 0 || end < caption || l.Figures[string(id)] != "" {
			break
		}
		body := i + caption + len("</figcaption>")
		frame.Write(rest[:body])
		frame.Write([]byte{0})
		l.Figures[string(id)] = hash(rest[body : i+end])
		rest = rest[i+end:]
	}
	frame.Write(rest)
	l.Frame = hex.EncodeToString(frame.Sum(nil)[:8])
	return l
}

// missingPage is the key of versions for the page served for a path the
// site does not have. It cannot be the name of a page.
const missingPage = "*missing"

// pageMarks are a page's examples that need a mark: those showing the
// interpreter's preview, and those whose verified run found the
// interpreter disagreeing.
type pageMarks struct {
	Pending   []string `json:"pending,omitempty"`
	Divergent []string `json:"divergent,omitempty"`
}

// problem is one thing a build would refuse.
type problem struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Msg  string `json:"msg"`
}

// Pos is "file:line", "file" or "".
func (p problem) Pos() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return p.File
}

func (p problem) String() string {
	if pos := p.Pos(); pos != "" {
		return pos + ": " + p.Msg
	}
	return p.Msg
}

// flatten turns the errors of the stages, joined *Error values mostly,
// into problems.
func flatten(errs []error) []problem {
	var out []problem
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var e *Error
		if errors.As(err, &e) {
			out = append(out, problem{File: e.File, Line: e.Line, Msg: e.Err.Error()})
			return
		}
		out = append(out, problem{Msg: err.Error()})
	}
	for _, err := range errs {
		walk(err)
	}
	return out
}

func sealed(s *snapshot) *snapshot {
	s.seal()
	return s
}

// seal computes the versions of the pages: a hash of what the page shows,
// overlay and marks included.
func (s *snapshot) seal() {
	h := sha256.New()
	json.NewEncoder(h).Encode(struct {
		Problems        []problem
		Stale, Building bool
	}{s.problems, s.stale, s.building})
	common := h.Sum(nil)
	version := func(parts ...[]byte) string {
		h := sha256.New()
		h.Write(common)
		for _, p := range parts {
			fmt.Fprintf(h, "%d:", len(p))
			h.Write(p)
		}
		return hex.EncodeToString(h.Sum(nil)[:8])
	}
	s.versions = map[string]string{}
	s.layouts = map[string]*pageLayout{}
	frames := map[string]string{}
	for name, b := range s.files {
		if strings.HasSuffix(name, ".html") {
			m, _ := json.Marshal(s.marks[name])
			s.versions[name] = version(b, m)
			s.layouts[name] = layoutOf(b)
			frames[name] = s.layouts[name].Frame
		}
	}
	if v, ok := s.versions["404.html"]; ok {
		s.versions[missingPage] = v
	} else {
		s.versions[missingPage] = version(stubPage(s))
	}
	s.event, _ = json.Marshal(struct {
		Versions map[string]string `json:"versions"`
		Frames   map[string]string `json:"frames"`
	}{s.versions, frames})
}

// liveState is what the preview's script in a page knows.
type liveState struct {
	Page    string `json:"page"`    // the key of the page's version
	Version string `json:"version"` // the version served
	Events  string `json:"events"`  // the URL of the event stream
	pageMarks
	*pageLayout // nil for a page served for a missing path: it reloads
}

//go:embed serve.js
var liveScript string

//go:embed serve.css
var liveStyle string

var overlayTemplate = template.Must(template.New("overlay").Funcs(template.FuncMap{
	"lines": func(s string) []string { return strings.Split(s, "\n") },
	"diffClass": func(i int, line string) string {
		switch {
		case i == 0:
			return "serve-first"
		case strings.HasPrefix(line, "+++"), strings.HasPrefix(line, "---"):
			return "serve-file"
		case strings.HasPrefix(line, "+"):
			return "serve-add"
		case strings.HasPrefix(line, "-"):
			return "serve-del"
		case strings.HasPrefix(line, "@@"):
			return "serve-hunk"
		}
		return ""
	},
}).Parse(`
{{- if .Problems}}
<div id="serve-overlay" class="serve-overlay" role="alert" aria-labelledby="serve-overlay-title">
<div class="serve-box">
<div class="serve-head">
<h2 id="serve-overlay-title">{{len .Problems}} problem{{if gt (len .Problems) 1}}s{{end}} in the book</h2>
<button type="button" class="serve-close" aria-label="Hide until the next rebuild">×</button>
</div>
{{- if .Stale}}
<p class="serve-note">The book cannot be read: the pages are the last version that could.</p>
{{- end}}
<ol class="serve-problems">
{{- range .Problems}}
<li>{{with .Pos}}<code class="serve-pos">{{.}}</code>{{end}}
<pre class="serve-msg">{{range $i, $l := lines .Msg}}{{if $i}}
{{end}}<span class="{{diffClass $i $l}}">{{$l}}</span>{{end}}</pre></li>
{{- end}}
</ol>
</div>
</div>
{{- end}}
`))

// inject adds the preview's style, state, script and overlay to a page
// served as name.
func (s *snapshot) inject(doc []byte, name string) []byte {
	v, ok := s.versions[name]
	if !ok {
		v = s.versions[missingPage]
	}
	st := liveState{Page: name, Version: v, Events: eventsPath}
	if ok {
		st.pageLayout = s.layouts[name]
	}
	if m := s.marks[name]; m != nil {
		st.pageMarks = *m
	}
	state, err := json.Marshal(st) // escapes <, > and &, so it cannot end the script
	if err != nil {
		panic(err) // strings only
	}
	var head bytes.Buffer
	head.WriteString("<style>")
	head.WriteString(liveStyle)
	head.WriteString("</style>\n<script id=\"serve-state\" type=\"application/json\">")
	head.Write(state)
	head.WriteString("</script>\n<script>")
	head.WriteString(liveScript)
	head.WriteString("</script>\n")
	var overlay bytes.Buffer
	if err := overlayTemplate.Execute(&overlay, s); err != nil {
		panic(err) // the template is ours, and its data plain
	}

	out := make([]byte, 0, len(doc)+head.Len()+overlay.Len())
	i := bytes.Index(doc, []byte("</head>"))
	if i < 0 {
		i = 0
	}
	out = append(out, doc[:i]...)
	out = append(out, head.Bytes()...)
	rest := doc[i:]
	j := bytes.Index(rest, []byte("<body"))
	if j >= 0 {
		if k := bytes.IndexByte(rest[j:], '>'); k >= 0 {
			j += k + 1
		}
	} else {
		j = 0
	}
	out = append(out, rest[:j]...)
	out = append(out, overlay.Bytes()...)
	return append(out, rest[j:]...)
}

// Problems and Stale are for the overlay template.
func (s *snapshot) Problems() []problem { return s.problems }
func (s *snapshot) Stale() bool         { return s.stale }

var stubTemplate = template.Must(template.New("stub").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{if .Building}}Building…{{else}}The book cannot be built{{end}}</title>
</head>
<body>
<main class="serve-stub">
<h1>{{if .Building}}Building the book…{{else}}The book cannot be built{{end}}</h1>
<p>{{if .Building}}This page reloads when it is ready.{{else}}Fix the problems above; this page reloads when the book builds.{{end}}</p>
</main>
</body>
</html>
`))

// stubPage is the page served while there is no site.
func stubPage(s *snapshot) []byte {
	var buf bytes.Buffer
	if err := stubTemplate.Execute(&buf, struct{ Building bool }{s.building}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
