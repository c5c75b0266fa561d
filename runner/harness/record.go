package harness

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"time"
)

// The recorder of the current run; nil when the run is not traced.
var rec *recorder

// recorder collects a trace. It is safe for concurrent use.
type recorder struct {
	mu    sync.Mutex
	start time.Time
	file  string
	ids   map[context.Context]int // context -> index in ctxs
	ctxs  []*ctxRec
	gos   []*goRec
	afs   []*TraceAfterFunc
	// seq orders the events the trace compares: cancellations and the
	// moments a goroutine began to wait on a Done channel.
	seq   int64
	dones map[<-chan struct{}]int // a context's Done channel -> index in ctxs
	waits map[int]doneWait        // goroutine id -> the Done it last waited on
	nth   map[int]int             // go statement's line -> goroutines it started
}

type ctxRec struct {
	TraceContext
	ctx      context.Context
	parent   int // index in ctxs, -1 for none
	deadline time.Time
	cause    error  // the cause given to WithTimeoutCause or WithDeadlineCause
	reason   string // why, when a cancel call is known to have done it
	doneSeq  int64
	// cancelSeq is the sequence number taken before the cancel call that
	// closed it ran; 0 when no cancel call did.
	cancelSeq int64
	byWait    bool // recorded when the example waited on its Done (DoneWaitOn)
}

type goRec struct {
	TraceGoroutine
	goid   int
	wait   doneWait // the Done it last waited on, when it returned
	endSeq int64    // the sequence number of its return
}

// doneWait is a goroutine's wait on the Done channel of a context.
type doneWait struct {
	ctx  int // index in ctxs; -1 for none
	line int
	seq  int64
	at   Duration
}

func newRecorder(file string) *recorder {
	return &recorder{file: file, ids: map[context.Context]int{}, dones: map[<-chan struct{}]int{},
		waits: map[int]doneWait{}, nth: map[int]int{}}
}

// since is the trace time of now.
func (r *recorder) since() Duration {
	if r.start.IsZero() {
		return 0
	}
	return Duration(max(time.Since(r.start), 0))
}

// CallerLine returns the example's line skip frames above its caller, or 0
// when that frame is not in the example's file. A frame in a package of a
// module the runner carries (golang.org/x/sync/errgroup) stands for the
// example's call into it: the line is that of the nearest example frame
// above such frames, so that the context errgroup.WithContext makes is
// said to be made at the example's call of WithContext.
func CallerLine(skip int) int {
	if rec == nil {
		return 0
	}
	var pcs [16]uintptr
	frames := runtime.CallersFrames(pcs[:runtime.Callers(skip+2, pcs[:])])
	for {
		f, more := frames.Next()
		if matchFile(f.File, rec.file) {
			return f.Line
		}
		if !more || !carriedFunc(f.Function) {
			return 0
		}
	}
}

// carriedFunc reports whether the function of that full name belongs to a
// module outside the standard library that is not the example's own build
// module or the interpreter: a module the runner carries.
func carriedFunc(name string) bool {
	first, _, slash := strings.Cut(name, "/")
	return slash && strings.Contains(first, ".") && !strings.HasPrefix(name, "signalwire") && !strings.HasPrefix(name, "github.com/traefik/yaegi/")
}

// Tracing reports whether the current run records a trace.
func Tracing() bool { return rec != nil }

// RecordContext records a context made by kind from parent, made at the
// example's line, and returns its trace index. key is the key of WithValue.
func RecordContext(kind string, parent, ctx context.Context, line int, key any) int {
	r := rec
	if r == nil || ctx == nil || !reflect.TypeOf(ctx).Comparable() || parent != nil && !reflect.TypeOf(parent).Comparable() {
		return -1 // a context type of the example's own that cannot be a map key
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if i, ok := r.ids[ctx]; ok {
		return i // Background and TODO are one value each
	}
	p := -1
	if parent != nil {
		p = r.lookup(parent)
	}
	return r.add(kind, ctx, p, line, key)
}

// lookup returns the index of ctx, recording a context the trace did not
// see being made (such as an HTTP request's) as "external".
func (r *recorder) lookup(ctx context.Context) int {
	if i, ok := r.ids[ctx]; ok {
		return i
	}
	// A library made it: httptest.NewRequest gives context.Background().
	switch ctx {
	case context.Background():
		return r.add("Background", ctx, -1, 0, nil)
	case context.TODO():
		return r.add("TODO", ctx, -1, 0, nil)
	}
	return r.add("external", ctx, -1, 0, nil)
}

func (r *recorder) add(kind string, ctx context.Context, parent, line int, key any) int {
	c := &ctxRec{ctx: ctx, parent: parent}
	c.Kind, c.Line, c.Created = kind, line, r.since()
	if d, ok := ctx.Deadline(); ok {
		c.deadline = d
		off := Duration(max(d.Sub(r.start), 0))
		c.Deadline = &off
	}
	if key != nil {
		c.Key = keyString(key)
	}
	i := len(r.ctxs)
	r.ctxs = append(r.ctxs, c)
	r.ids[ctx] = i
	if ch := ctx.Done(); ch != nil {
		if _, seen := r.dones[ch]; !seen { // WithValue shares its parent's
			r.dones[ch] = i
		}
		context.AfterFunc(ctx, func() { r.done(i) })
	}
	return i
}

func keyString(key any) string {
	t := reflect.TypeOf(key)
	switch t.Kind() {
	case reflect.String:
		return fmt.Sprintf("%s %q", t, key)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return fmt.Sprintf("%s %v", t, key)
	}
	return t.String()
}

// done runs when the context's Done channel closes, in a goroutine of its
// own: after the cancel call that closed it returned, or when a timer or
// a signal closed it.
func (r *recorder) done(i int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq++
	r.finish(i, r.since(), r.seq)
}

// finish records that context i was done at now, unless already recorded.
func (r *recorder) finish(i int, now Duration, seq int64) {
	c := r.ctxs[i]
	if c.Done == nil {
		c.Done = &now
	}
	if c.doneSeq == 0 {
		c.doneSeq = seq
	}
	if c.Err == "" {
		if err := c.ctx.Err(); err != nil {
			c.Err = err.Error()
		}
		if cause := context.Cause(c.ctx); cause != nil {
			c.Cause = cause.Error()
		}
	}
}

// under reports whether context j is i or derived from it.
func (r *recorder) under(j, i int) bool {
	for ; j >= 0; j = r.ctxs[j].parent {
		if j == i {
			return true
		}
	}
	return false
}

// RecordDeadlineCause records the cause a context made by
// WithTimeoutCause or WithDeadlineCause gives when its deadline passes.
func RecordDeadlineCause(i int, cause error) {
	r := rec
	if r == nil || i < 0 || cause == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ctxs[i].cause = cause
}

// Cancel calls cancel, the cancel function of context i, called at the
// example's line, and records what the call cancelled: the context itself,
// and the contexts derived from it that the call cancelled on its way down.
// The standard library cancels a context's children inside the call, so
// what the call did is known when it returns, in the order the program
// made its calls: a child cancelled by its own call before its parent's
// is recorded as cancelled by that call, even at the same instant.
//
// A call that comes at the very instant the context's deadline (or an
// ancestor's) passes, before its timer has fired, races that timer: which
// one cancels it would depend on scheduling. Cancel lets the due timer
// fire first, so that the deadline always wins such a tie, in the program
// as in the trace, and the two runs of check agree.
func Cancel(i, line int, cancel func()) {
	r := rec
	if r == nil || i < 0 {
		cancel()
		return
	}
	self := goroutineID()
	r.mu.Lock()
	c := r.ctxs[i]
	if r.timerDue(i) {
		r.mu.Unlock()
		<-c.ctx.Done() // the timer is due: it fires at this instant
		r.mu.Lock()
	}
	now := r.since()
	// The caller is running: if the context whose Done it last waited on
	// is not done yet, that wait ended some other way, and the caller
	// will not return because of that context's cancellation.
	if w, ok := r.waits[self]; ok && r.ctxs[w.ctx].ctx.Err() == nil {
		delete(r.waits, self)
	}
	var open []int // i and the contexts under it, not done before the call
	if c.ctx.Err() == nil {
		for j, d := range r.ctxs {
			if d.Done == nil && r.under(j, i) && d.ctx.Err() == nil {
				open = append(open, j)
			}
		}
	}
	r.seq++
	seq := r.seq
	r.mu.Unlock()
	cancel()
	if len(open) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	err := c.ctx.Err()
	if err != context.Canceled {
		return // an ancestor's call closed it first, in another goroutine
	}
	for _, j := range open {
		d := r.ctxs[j]
		if d.reason != "" || d.ctx.Err() != err {
			continue
		}
		switch {
		case j != i:
			d.reason = "parent"
		case d.Kind == "NotifyContext":
			d.reason, d.CancelLine = "stop", line
		default:
			d.reason, d.CancelLine = "cancel", line
		}
		d.cancelSeq = seq
		r.finish(j, now, seq)
	}
}

// timerDue reports whether context i is not done yet while the timer of
// its deadline, set by WithTimeout or WithDeadline on it or an ancestor,
// is due: then the timer fires at this instant. A deadline that comes
// from a context of another kind (a Context type of the example's own)
// may have no timer, and is not waited for.
func (r *recorder) timerDue(i int) bool {
	c := r.ctxs[i]
	if c.Deadline == nil || *c.Deadline > r.since() || c.ctx.Err() != nil {
		return false
	}
	for j := i; j >= 0; j = r.ctxs[j].parent {
		a := r.ctxs[j]
		if a.Deadline == nil || *a.Deadline != *c.Deadline {
			return false
		}
		if p := a.parent; strings.HasPrefix(a.Kind, "WithTimeout") || strings.HasPrefix(a.Kind, "WithDeadline") {
			// Its own timer, unless its parent had this deadline first.
			if p < 0 || r.ctxs[p].Deadline == nil || *r.ctxs[p].Deadline != *c.Deadline {
				return true
			}
		}
	}
	return false
}

// DoneWait records that the calling goroutine is about to wait on ch, the
// result of a Done method, at the example's line, and returns ch. The
// compiled engine rewrites "<-x.Done()" as "<-DoneWait(line, x.Done())",
// in a receive and in a select's case alike.
func DoneWait[C any](line int, ch C) C { return DoneWaitOn(line, ch, nil, "") }

// DoneWaitOn is DoneWait for "<-x.Done()" where x, written expr in the
// example, can be evaluated again without effect (a variable, a field,
// r.Context()). A context the trace has not seen, such as an HTTP
// request's, is recorded then, as a context from outside named expr, so
// that the trace shows when its signal came.
func DoneWaitOn[C any](line int, ch C, x any, expr string) C {
	r := rec
	if r == nil {
		return ch
	}
	done, ok := any(ch).(<-chan struct{})
	if !ok || done == nil {
		return ch
	}
	r.mu.Lock()
	i, ok := r.dones[done]
	if !ok {
		if ctx, isCtx := x.(context.Context); isCtx && reflect.TypeOf(ctx).Comparable() && ctx.Done() == done {
			n := len(r.ctxs)
			i, ok = r.lookup(ctx), true
			if c := r.ctxs[i]; i == n && c.Kind == "external" {
				c.Name, c.byWait = expr, true
			}
		}
	}
	r.mu.Unlock()
	if !ok {
		return ch
	}
	id := goroutineID()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq++
	r.waits[id] = doneWait{ctx: i, line: line, seq: r.seq, at: r.since()}
	return ch
}

// RecordAfterFunc records a function registered with context.AfterFunc on
// ctx and returns hooks that record its run and its successful stop.
func RecordAfterFunc(ctx context.Context, line int) (ran, stopped func()) {
	r := rec
	if r == nil || ctx == nil || !reflect.TypeOf(ctx).Comparable() {
		return func() {}, func() {}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	af := &TraceAfterFunc{Context: r.lookup(ctx), Line: line, Registered: r.since()}
	r.afs = append(r.afs, af)
	mark := func(p **Duration) func() {
		return func() {
			r.mu.Lock()
			defer r.mu.Unlock()
			now := r.since()
			*p = &now
		}
	}
	return mark(&af.Ran), mark(&af.Stopped)
}

// Go wraps the function of a go statement at the example's line so that the
// trace sees the goroutine start and end. The compiled engine rewrites
// "go f(x)" as "go Go(line, f)(x)": f and x are still evaluated by the
// goroutine that runs the go statement.
func Go[F any](line int, f F) F {
	r := rec
	fv := reflect.ValueOf(f)
	if r == nil || fv.Kind() != reflect.Func || fv.IsNil() {
		return f
	}
	name := ""
	if fn := runtime.FuncForPC(fv.Pointer()); fn != nil {
		name = strings.TrimSuffix(fn.Name(), "-fm")
	}
	r.mu.Lock()
	g := &goRec{wait: doneWait{ctx: -1}}
	r.nth[line]++
	g.Func, g.Line, g.Nth, g.Started = name, line, r.nth[line], r.since()
	r.gos = append(r.gos, g)
	r.mu.Unlock()
	variadic := fv.Type().IsVariadic()
	wrapped := reflect.MakeFunc(fv.Type(), func(args []reflect.Value) []reflect.Value {
		id := goroutineID()
		r.mu.Lock()
		g.goid = id
		g.Args = argValues(args)
		r.mu.Unlock()
		defer func() {
			r.mu.Lock()
			now := r.since()
			g.Ended = &now
			r.seq++
			g.endSeq = r.seq
			if w, ok := r.waits[id]; ok {
				g.wait = w
			}
			delete(r.waits, id)
			r.mu.Unlock()
		}()
		if variadic {
			return fv.CallSlice(args)
		}
		return fv.Call(args)
	})
	return wrapped.Interface().(F)
}

// argValues formats the arguments of basic types; nil when there are none.
func argValues(args []reflect.Value) []string {
	out := make([]string, len(args))
	any := false
	for i, a := range args {
		switch a.Kind() {
		case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
			reflect.Float32, reflect.Float64, reflect.String:
			s := fmt.Sprintf("%v", a.Interface())
			if a.Kind() == reflect.String {
				s = fmt.Sprintf("%q", a.Interface())
			}
			if len(s) > 24 {
				s = s[:23] + "…"
			}
			out[i], any = s, true
		}
	}
	if !any {
		return nil
	}
	return out
}
