package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// Duration is a time.Duration that reads and writes JSON as "500ms".
type Duration time.Duration

func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON writes d as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a string written by MarshalJSON.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	*d = Duration(v)
	return err
}

// Trace is what an example did with contexts and goroutines, recorded while
// it ran. Times are offsets from the start of main, in virtual time under the
// virtual clock, so a trace is deterministic. IDs are small integers in
// creation order, so that the same program gives the same trace.
type Trace struct {
	Contexts   []TraceContext   `json:"contexts,omitempty"`
	Goroutines []TraceGoroutine `json:"goroutines,omitempty"`
	// AfterFuncs are the functions registered with context.AfterFunc.
	AfterFuncs []TraceAfterFunc `json:"afterfuncs,omitempty"`
	// End is when main returned (or the run stopped).
	End Duration `json:"end"`
}

// TraceContext is one context the program derived.
type TraceContext struct {
	ID int `json:"id"`
	// Parent is the ID of the context it was derived from; 0 for a root
	// (Background, TODO) or a parent the trace did not see (such as an
	// HTTP request's context).
	Parent int `json:"parent,omitempty"`
	// Kind is the function that made it: "Background", "TODO",
	// "WithCancel", "WithCancelCause", "WithTimeout", "WithTimeoutCause",
	// "WithDeadline", "WithDeadlineCause", "WithValue", "WithoutCancel",
	// "NotifyContext".
	Kind string `json:"kind"`
	// Name is the variable the example assigned it to ("ctx", "request"),
	// from the example's source; empty when there is none.
	Name string `json:"name,omitempty"`
	// Line is the example's line that made it; 0 when unknown.
	Line int `json:"line,omitempty"`
	// Created is when it was made.
	Created Duration `json:"created"`
	// Deadline is its deadline, as an offset from the start of main, for
	// WithTimeout and WithDeadline.
	Deadline *Duration `json:"deadline,omitempty"`
	// Key is the type of a WithValue key ("main.userKey", "string") and,
	// for a key of a basic type, its value ("string \"userID\"").
	Key string `json:"key,omitempty"`
	// Done is when its Done channel was closed; nil if never.
	Done *Duration `json:"done,omitempty"`
	// Reason says why it was cancelled: "cancel" (its cancel function was
	// called), "deadline" (its own deadline passed), "parent" (the signal
	// came from an ancestor), "signal" (NotifyContext's signal), or
	// "stop" (NotifyContext's stop function).
	Reason string `json:"reason,omitempty"`
	// CancelLine is the example's line of the cancel call that cancelled
	// it, for Reason "cancel" and "stop". For a deferred call it is the
	// line where the function that deferred it returned.
	CancelLine int `json:"cancel_line,omitempty"`
	// DeferLine is the line of the defer statement that made the call, when
	// the cancel function was deferred; DeferFunc is the function that
	// deferred it ("main", "worker"). The runner fills both from the
	// example's source.
	DeferLine int    `json:"defer_line,omitempty"`
	DeferFunc string `json:"defer_func,omitempty"`
	// Err and Cause are ctx.Err() and context.Cause(ctx) once done.
	Err   string `json:"err,omitempty"`
	Cause string `json:"cause,omitempty"`
}

// TraceGoroutine is one goroutine the example started with a go statement.
type TraceGoroutine struct {
	ID int `json:"id"`
	// Func is the function it ran ("main.worker", "main.main.func1").
	Func string `json:"func,omitempty"`
	// Label says what it runs, as the example's source wrote it: the call
	// of the go statement ("worker(ctx, 2)"), or a function literal's first
	// statement; the runner fills it from the example's source.
	Label string `json:"label,omitempty"`
	// Line is the go statement's line.
	Line int `json:"line,omitempty"`
	// Nth counts the goroutines started by the same go statement: 1 for
	// the first, 2 for the second...
	Nth int `json:"nth,omitempty"`
	// Args are the values of its arguments of basic types (numbers,
	// strings, booleans) as %v prints them, "" for the others.
	Args []string `json:"args,omitempty"`
	// Started and Ended are when it began and returned; Ended is nil if
	// it never returned before main did.
	Started Duration  `json:"started"`
	Ended   *Duration `json:"ended,omitempty"`
	// Leaked is set when it was still blocked after main returned; State
	// is then what it was blocked on.
	Leaked bool   `json:"leaked,omitempty"`
	State  string `json:"state,omitempty"`
	// WaitedOn is the context whose Done channel it was waiting on, at
	// WaitLine, when that context was cancelled, for a goroutine that
	// returned at that same instant: the cancellation is what ended it.
	WaitedOn int `json:"waited_on,omitempty"`
	WaitLine int `json:"wait_line,omitempty"`
}

// TraceAfterFunc is a function registered with context.AfterFunc.
type TraceAfterFunc struct {
	Context int `json:"context"`
	Line    int `json:"line,omitempty"`
	// Registered, Ran and Stopped are when it was registered, when it
	// started to run (nil if never) and when its stop function
	// succeeded in preventing it (nil if never).
	Registered Duration  `json:"registered"`
	Ran        *Duration `json:"ran,omitempty"`
	Stopped    *Duration `json:"stopped,omitempty"`
}

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
	byWait   bool // recorded when the example waited on its Done (DoneWaitOn)
}

type goRec struct {
	TraceGoroutine
	goid int
	wait doneWait // the Done it last waited on, when it returned
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
// when that frame is not in the example's file.
func CallerLine(skip int) int {
	if rec == nil {
		return 0
	}
	_, file, line, ok := runtime.Caller(skip + 1)
	if !ok || !matchFile(file, rec.file) {
		return 0
	}
	return line
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

// snapshot returns the trace, with reasons worked out and IDs in a
// canonical order, so that the same program gives the same trace whatever
// the order in which its goroutines ran.
func (r *recorder) snapshot(end time.Duration, leaks []Leak) *Trace {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.ctxs) == 0 && len(r.gos) == 0 {
		return nil
	}
	if end < 0 {
		end = r.latest()
	}
	t := &Trace{End: Duration(end)}
	// Why each context was cancelled. A cancel call recorded what it
	// cancelled as it returned (see Cancel). What is left was closed by a
	// timer or a signal, in a goroutine of its own: a context whose
	// parent was done by then got the signal from it (a parent's timer
	// and a child's at the same instant race, and the parent is named),
	// else its own deadline or the signal did it. The error and cause
	// shown are the ones that reason implies.
	for _, c := range r.ctxs {
		c.Reason = ""
		if c.Done == nil {
			continue
		}
		var p *ctxRec
		if c.parent >= 0 {
			p = r.ctxs[c.parent]
		}
		switch {
		case c.reason == "parent" && p != nil:
			c.Reason = "parent"
			c.Err, c.Cause = p.Err, p.Cause
		case c.reason != "":
			c.Reason = c.reason
		case p != nil && p.Done != nil && (*p.Done < *c.Done || *p.Done == *c.Done && p.reason == ""):
			// (A parent closed by a call at the same instant did not
			// close this one: the call would have recorded it.)
			c.Reason = "parent"
			c.Err, c.Cause = p.Err, p.Cause
		case c.Deadline != nil && *c.Done >= *c.Deadline:
			c.Reason = "deadline"
			c.Err = context.DeadlineExceeded.Error()
			c.Cause = c.Err
			if c.cause != nil {
				c.Cause = c.cause.Error()
			}
		case c.Kind == "NotifyContext":
			c.Reason = "signal"
		case p != nil:
			c.Reason = "parent"
		}
	}
	// Canonical order: by creation time, then line, kind and what happened
	// to it; parents come first since they were made first.
	// A context from outside that the example only waited on, and that
	// was never cancelled, says nothing: it is left out.
	parents := map[int]bool{}
	for _, c := range r.ctxs {
		parents[c.parent] = true
	}
	var order []int
	for i, c := range r.ctxs {
		if c.byWait && c.Done == nil && !parents[i] {
			continue
		}
		order = append(order, i)
	}
	key := func(c *ctxRec) string {
		done := "~"
		if c.Done != nil {
			done = fmt.Sprintf("%020d", int64(*c.Done))
		}
		return fmt.Sprintf("%020d %06d %s %s %s %s %s", int64(c.Created), c.Line, c.Kind, c.Key, done, c.Reason, c.Name)
	}
	sort.SliceStable(order, func(a, b int) bool { return key(r.ctxs[order[a]]) < key(r.ctxs[order[b]]) })
	newID := make([]int, len(r.ctxs))
	for n, i := range order {
		newID[i] = n + 1
	}
	for _, i := range order {
		c := r.ctxs[i].TraceContext
		c.ID = newID[i]
		c.Parent = 0
		if p := r.ctxs[i].parent; p >= 0 {
			c.Parent = newID[p] // never left out: a parent is kept
		}
		t.Contexts = append(t.Contexts, c)
	}
	leaked := map[int]Leak{}
	for _, l := range leaks {
		leaked[l.ID] = l
	}
	for _, g := range r.gos {
		tg := g.TraceGoroutine
		if l, ok := leaked[g.goid]; ok && g.goid != 0 && tg.Ended == nil {
			tg.Leaked, tg.State = true, l.State
		}
		// It waited on a Done that closed after it began to wait, and
		// returned at that instant: the cancellation ended it. A wait that
		// began at the instant of the cancellation is left out: whether
		// it began before depends on scheduling.
		if w := g.wait; w.ctx >= 0 && tg.Ended != nil {
			if c := r.ctxs[w.ctx]; c.Done != nil && *c.Done == *tg.Ended && c.doneSeq > w.seq && w.at < *c.Done {
				tg.WaitedOn, tg.WaitLine = newID[w.ctx], w.line
			}
		}
		t.Goroutines = append(t.Goroutines, tg)
	}
	gkey := func(g TraceGoroutine) string {
		ended := "~"
		if g.Ended != nil {
			ended = fmt.Sprintf("%020d", int64(*g.Ended))
		}
		return fmt.Sprintf("%020d %06d %06d %s %s %v %s", int64(g.Started), g.Line, g.Nth, g.Func, ended, g.Leaked, g.State)
	}
	// Keys are made once: a leaky program may have started thousands.
	keyed := make([]struct {
		key string
		g   TraceGoroutine
	}, len(t.Goroutines))
	for i, g := range t.Goroutines {
		keyed[i].key, keyed[i].g = gkey(g), g
	}
	sort.SliceStable(keyed, func(a, b int) bool { return keyed[a].key < keyed[b].key })
	for i := range keyed {
		t.Goroutines[i] = keyed[i].g
	}
	for n := range t.Goroutines {
		t.Goroutines[n].ID = n + 1
	}
	for _, af := range r.afs {
		a := *af
		if a.Context >= 0 {
			a.Context = newID[a.Context]
		}
		t.AfterFuncs = append(t.AfterFuncs, a)
	}
	sort.SliceStable(t.AfterFuncs, func(a, b int) bool {
		x, y := t.AfterFuncs[a], t.AfterFuncs[b]
		if x.Registered != y.Registered {
			return x.Registered < y.Registered
		}
		if x.Line != y.Line {
			return x.Line < y.Line
		}
		return x.Context < y.Context
	})
	return t
}

// latest is the time of the last event recorded.
func (r *recorder) latest() time.Duration {
	var last Duration
	for _, c := range r.ctxs {
		last = max(last, c.Created)
		if c.Done != nil {
			last = max(last, *c.Done)
		}
	}
	for _, g := range r.gos {
		last = max(last, g.Started)
		if g.Ended != nil {
			last = max(last, *g.Ended)
		}
	}
	return time.Duration(last)
}
