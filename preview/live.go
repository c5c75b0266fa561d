package preview

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"signalwire/runner"
	"signalwire/site"
)

// previewWait is how long a rebuild waits for the interpreter's previews
// of the examples it starts before it shows the pages without them. A
// preview takes tens of milliseconds; one stuck in a loop must not hold up
// the chapter around it.
const previewWait = 2 * time.Second

// previewHeadStart is how long the verified run of an example waits for
// its preview to finish before it starts anyway.
const previewHeadStart = 250 * time.Millisecond

// live is the builder behind a Server: the book as last read, the runs of
// its examples and the rendered site. Its methods run on one goroutine (see
// loop); the runs it starts report back to it on done.
type live struct {
	site *site.Site
	fsys fs.FS
	log  io.Writer
	// theme is the directory of the theme, with a trailing slash, when
	// the server reads it from disk.
	theme string
	// rerender asks the next update for every page: the theme changed.
	rerender bool
	// run runs the example of u on an engine; tests replace it.
	run     func(ctx context.Context, u *site.Use, engine runner.Engine) (*runner.Result, error)
	publish func(*snapshot)

	done     chan runDone
	wg       sync.WaitGroup // the runs in flight
	previews chan struct{}  // a slot for each interpreter run at once
	verifies chan struct{}  // a slot for each verified run at once

	book     *site.Book // the book last read without errors
	loadErr  error      // why the book on disk could not be read; nil when it could
	runs     map[site.RunKey]*liveRun
	rendered *site.Rendering // the site last rendered from book
	printed  string          // the problems last printed, to print them once
	started  bool            // the first build is done
	building time.Time       // when the first build started
	verified map[*batch]bool // batches verified since the last report
}

// liveRun is the run of one example, for its current source: the
// interpreter's preview, then the compiled engine's verified result.
type liveRun struct {
	key      site.RunKey
	src      []byte
	preview  *runner.Result // the interpreter's; shown until verified lands
	verified *runner.Result // both engines', compared: the truth
	err      error          // the runner failed (not the example)
	cancel   context.CancelFunc
	batch    *batch
}

// result returns what the pages show for the run.
func (r *liveRun) result() *runner.Result {
	if r.verified != nil {
		return r.verified
	}
	return r.preview
}

// settled reports whether the run is over: verified, or failed.
func (r *liveRun) settled() bool { return r.verified != nil || r.err != nil }

// batch is the examples one rebuild started, for its line in the log when
// the last of them is verified.
type batch struct {
	start time.Time
	runs  map[*liveRun]bool // not settled yet
	names []string
}

// runDone is a finished run.
type runDone struct {
	run    *liveRun
	engine runner.Engine
	res    *runner.Result
	err    error
}

func newLive(s *site.Site, fsys fs.FS, log io.Writer, publish func(*snapshot)) *live {
	workers := s.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	return &live{
		site:     s,
		fsys:     fsys,
		log:      log,
		publish:  publish,
		done:     make(chan runDone),
		previews: make(chan struct{}, workers),
		verifies: make(chan struct{}, workers),
		runs:     map[site.RunKey]*liveRun{},
		run:      s.RunUse,
	}
}

// loop rebuilds the site for each batch of changed files, and again as
// runs finish, until ctx is done; then it cancels the runs in flight and
// waits for them.
func (l *live) loop(ctx context.Context, changes <-chan []string) {
	defer l.wg.Wait()
	defer l.cancelAll()
	l.building = time.Now()
	// wasm: the browser engine behind the pages' Run buttons (site/engine.go).
	if err := l.site.PrepareEngine(ctx); err != nil {
		fmt.Fprintln(l.log, err)
	}
	l.rebuild(ctx, nil)
	for {
		select {
		case <-ctx.Done():
			return
		case paths := <-changes:
			l.rebuild(ctx, paths)
		case d := <-l.done:
			changed := l.apply(d)
			// Runs finishing together make one update.
			for more := true; more; {
				select {
				case d := <-l.done:
					changed = l.apply(d) || changed
				default:
					more = false
				}
			}
			if changed {
				l.update("", time.Time{}, nil)
			}
		}
	}
}

func (l *live) cancelAll() {
	for _, r := range l.runs {
		r.cancel()
	}
}

// rebuild reads the book again after the files in paths changed (nil for
// the first build), starts runs for the examples whose source changed,
// waits a little for their previews, and publishes the site.
func (l *live) rebuild(ctx context.Context, paths []string) {
	start := time.Now()
	what := describeChange(paths)
	for _, p := range paths {
		if l.theme != "" && strings.HasPrefix(p, l.theme) {
			// A template or an asset changed: read the theme again and
			// render every page.
			l.site = l.site.WithTheme(l.site.Theme)
			l.rerender = true
			break
		}
	}
	var book *site.Book
	err := l.guard("reading the book", func() (err error) {
		book, err = l.site.Load(l.fsys)
		return err
	})
	l.loadErr = err
	if err != nil {
		l.update(what, start, nil)
		return
	}
	l.book = book

	// One run per distinct set of options, as for a build; a run whose
	// source is unchanged keeps its result.
	want := map[site.RunKey]*site.Use{}
	for _, u := range book.Uses() {
		if _, ok := want[site.KeyOf(u)]; !ok {
			want[site.KeyOf(u)] = u
		}
	}
	for k, r := range l.runs {
		if u, ok := want[k]; !ok || !bytes.Equal(u.Example.Source, r.src) {
			r.cancel()
			l.drop(r)
			delete(l.runs, k)
		}
	}
	var started []*liveRun
	b := &batch{start: start, runs: map[*liveRun]bool{}}
	for _, k := range slices.SortedFunc(maps.Keys(want), compareKeys) {
		if l.runs[k] != nil {
			continue
		}
		r := l.start(ctx, k, want[k], b)
		started = append(started, r)
	}
	if len(started) > 0 {
		l.awaitPreviews(ctx, started)
	}
	l.update(what, start, started)
}

func compareKeys(a, b site.RunKey) int {
	if c := strings.Compare(a.Example, b.Example); c != 0 {
		return c
	}
	switch {
	case a.Realtime == b.Realtime:
		return 0
	case b.Realtime:
		return -1
	}
	return 1
}

// start starts the two runs of the example of u: the interpreter's
// preview and the verified run of both engines.
func (l *live) start(ctx context.Context, k site.RunKey, u *site.Use, b *batch) *liveRun {
	// The runs' context ends when the source changes again (drop) or the
	// server stops (cancelAll), not here.
	ctx, cancel := context.WithCancel(ctx)
	r := &liveRun{key: k, src: u.Example.Source, cancel: cancel, batch: b}
	l.runs[k] = r
	b.runs[r] = true
	b.names = append(b.names, k.Example)
	previewed := make(chan struct{})
	l.wg.Go(func() {
		defer close(previewed)
		l.runOne(ctx, r, u, runner.EngineYaegi, l.previews)
	})
	l.wg.Go(func() {
		// The compiler would take the processors from the preview, which
		// the author is waiting for: it starts once the preview is done,
		// or has had its head start.
		head := time.NewTimer(previewHeadStart)
		defer head.Stop()
		select {
		case <-previewed:
		case <-head.C:
		case <-ctx.Done():
			return
		}
		l.runOne(ctx, r, u, runner.EngineBoth, l.verifies)
	})
	return r
}

// runOne runs the example of u for r on an engine when a slot is free,
// and reports to the loop.
func (l *live) runOne(ctx context.Context, r *liveRun, u *site.Use, engine runner.Engine, slots chan struct{}) {
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		return
	}
	res, err := l.run(ctx, u, engine)
	<-slots
	select {
	case l.done <- runDone{run: r, engine: engine, res: res, err: err}:
	case <-ctx.Done():
	}
}

// drop takes a run whose source changed, or whose example is gone, out
// of its batch.
func (l *live) drop(r *liveRun) {
	r.batch.names = slices.DeleteFunc(r.batch.names, func(n string) bool { return n == r.key.Example })
	if r.batch.runs[r] {
		l.settle(r) // the others of its batch may all be verified
	}
}

// awaitPreviews waits until each run has something to show, or previewWait.
func (l *live) awaitPreviews(ctx context.Context, runs []*liveRun) {
	timer := time.NewTimer(previewWait)
	defer timer.Stop()
	for {
		if !slices.ContainsFunc(runs, func(r *liveRun) bool { return l.runs[r.key] == r && r.result() == nil && r.err == nil }) {
			return
		}
		select {
		case d := <-l.done:
			l.apply(d)
		case <-timer.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// apply records a finished run, and reports whether pages change.
func (l *live) apply(d runDone) bool {
	r := d.run
	if l.runs[r.key] != r {
		return false // its source has changed since
	}
	switch {
	case d.err != nil && errors.Is(d.err, context.Canceled):
		return false
	case d.engine == runner.EngineYaegi:
		// A preview that failed to run at all is no preview; the verified
		// run will say what is wrong.
		if d.err != nil || r.settled() {
			return false
		}
		r.preview = d.res
	case d.err != nil:
		r.err = d.err
		r.cancel()
		l.settle(r)
	default:
		r.verified = d.res
		r.cancel() // the preview, if still running, is not needed
		l.settle(r)
	}
	return true
}

// settle notes that a run is over, and logs its batch when that was the
// last of it.
func (l *live) settle(r *liveRun) {
	b := r.batch
	delete(b.runs, r)
	if len(b.runs) > 0 || len(b.names) == 0 {
		return
	}
	if l.verified == nil {
		l.verified = map[*batch]bool{}
	}
	l.verified[b] = true // logged by the next update
}

// results returns what the pages show: each run's verified result, or its
// preview.
func (l *live) results() *site.Results {
	res := &site.Results{}
	for k, r := range l.runs {
		if x := r.result(); x != nil {
			res.Set(k, x)
		}
	}
	return res
}

// update verifies what has been verified, renders the pages whose inputs
// changed, publishes the site and logs a line. what names the change that
// led here, if any, start is when it was seen and started the runs it
// started.
func (l *live) update(what string, start time.Time, started []*liveRun) {
	var problems []error
	if l.loadErr != nil {
		problems = append(problems, l.loadErr)
	}
	snap := &snapshot{stale: l.loadErr != nil && l.book != nil}
	var pages []string
	if l.book != nil {
		results := l.results()
		verified := l.book.Filter(func(u *site.Use) bool {
			r := l.runs[site.KeyOf(u)]
			return r != nil && r.verified != nil
		})
		if err := site.Verify(verified, results); err != nil {
			problems = append(problems, err)
		}
		for _, u := range l.book.Uses() {
			if r := l.runs[site.KeyOf(u)]; r != nil && r.err != nil {
				problems = append(problems, &site.Error{File: u.File, Line: u.Line, Err: fmt.Errorf("example %q could not be run: %w", u.Example.Name, r.err)})
			}
		}
		prev := l.rendered
		if l.rerender {
			prev = nil
		}
		var rendered *site.Rendering
		var changed []string
		err := l.guard("rendering the book", func() (err error) {
			rendered, changed, err = l.site.Rerender(l.book, results, prev)
			return err
		})
		if err != nil {
			problems = append(problems, err)
		} else {
			l.rendered, pages, l.rerender = rendered, changed, false
		}
		if l.rendered != nil {
			snap.files = l.rendered.Files()
			snap.marks = l.marks()
		}
	}
	snap.problems = flatten(problems)
	snap.seal()
	l.publish(snap)
	var verifying []string
	for _, r := range started {
		if !r.settled() {
			verifying = append(verifying, r.key.Example)
		}
	}
	l.report(what, start, pages, verifying, snap.problems)
}

// marks returns, by page, the examples showing an unverified preview and
// those whose interpreter run disagrees with the compiled one.
func (l *live) marks() map[string]*pageMarks {
	m := map[string]*pageMarks{}
	for _, c := range l.book.Chapters {
		pm := &pageMarks{}
		for _, u := range c.Uses {
			r := l.runs[site.KeyOf(u)]
			switch {
			case r == nil || r.err != nil:
			case r.verified == nil:
				pm.Pending = append(pm.Pending, u.ID)
			case r.verified.Divergence != nil && u.Directive.Divergence == "":
				pm.Divergent = append(pm.Divergent, u.ID)
			}
		}
		if len(pm.Pending)+len(pm.Divergent) > 0 {
			m[c.Page()] = pm
		}
	}
	return m
}

// guard runs f, turning a panic into an error. A panic is a bug of the
// tool, but the preview is a long-lived process that a saved file must not
// be able to kill: the author sees the problem over the page, the stack
// goes to the log for a bug report, and the next save tries again.
func (l *live) guard(doing string, f func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			fmt.Fprintf(l.log, "panic while %s: %v\n%s\n", doing, v, debug.Stack())
			err = fmt.Errorf("internal error while %s: %v (a bug in signalwire: please report it with the stack printed in the terminal)", doing, v)
		}
	}()
	return f()
}
