// Package preview serves a live preview of a book on HTTP: the site in
// memory, rebuilt as the author edits the book, with what a build would
// refuse shown over every page. See [Server].
package preview

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"signalwire/runner"
	"signalwire/site"
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
// are served; the site in memory is byte for byte what [site.Site.Render]
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
	Site *site.Site
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
	run func(ctx context.Context, u *site.Use, engine runner.Engine) (*runner.Result, error)
	// grace replaces shutdownGrace when it is not zero (tests).
	grace time.Duration
}

// DefaultDebounce is the Debounce of a Server whose field is zero. An
// editor's save (write a temporary file, rename it, change its mode; or
// truncate and write) is a burst of events a millisecond or two apart, and
// a tool writing several files (check -update) is as quick: 20ms takes
// each as one change, and leaves most of the 150ms an author should wait
// for a chapter to the rebuild and the browser. A burst cut in two only
// costs a second rebuild.
const DefaultDebounce = 20 * time.Millisecond

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
// connections and returns nil once every goroutine it started, and every
// request it was answering, is done. It closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.init()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	debounce := s.Debounce
	if debounce <= 0 {
		debounce = DefaultDebounce
	}
	roots := watchedRoots
	st := s.Site
	if st == nil {
		st = &site.Site{}
	}
	if s.Theme != "" {
		theme := path.Clean(filepath.ToSlash(s.Theme))
		roots = append(slices.Clip(roots), theme+"/templates", theme+"/assets")
		st = st.WithTheme(os.DirFS(filepath.Join(s.Dir, filepath.FromSlash(theme))))
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
	var requests inflight
	hs := &http.Server{
		Handler:           requests.track(handler),
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ReadHeaderTimeout: 10 * time.Second,
	}
	var wg sync.WaitGroup
	changes := make(chan []string)
	l := newLive(st, os.DirFS(s.Dir), s.log(), s.setSnapshot)
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
	// flight to wait for. A client that stops reading its response would
	// hold one up for ever: after shutdownGrace, its connection is cut.
	grace := shutdownGrace
	if s.grace > 0 {
		grace = s.grace
	}
	sctx, scancel := context.WithTimeout(context.Background(), grace)
	defer scancel()
	if hs.Shutdown(sctx) != nil {
		if cerr := hs.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	requests.wait()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// shutdownGrace is how long Serve waits for the requests in flight when it
// stops, before it closes their connections.
const shutdownGrace = 5 * time.Second

// inflight counts the requests being answered, so that Serve returns only
// once the last has been.
type inflight struct {
	mu      sync.Mutex
	stopped bool
	wg      sync.WaitGroup
}

// track counts the requests h answers. Once wait is called, a request that
// comes is refused.
func (f *inflight) track(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		if f.stopped {
			f.mu.Unlock()
			http.Error(w, "the preview is stopping", http.StatusServiceUnavailable)
			return
		}
		f.wg.Add(1)
		f.mu.Unlock()
		defer f.wg.Done()
		h.ServeHTTP(w, r)
	})
}

// wait waits for the requests being answered.
func (f *inflight) wait() {
	f.mu.Lock()
	f.stopped = true
	f.mu.Unlock()
	f.wg.Wait()
}

func (s *Server) setSnapshot(snap *snapshot) {
	s.snap.Store(snap)
	s.hub.notify()
}
