package harness

import (
	"context"
	"fmt"
	"sort"
	"time"
)

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
		// it began before depends on scheduling. So is a goroutine that
		// returned before the cancel call began (its wait ended another
		// way, and its return let the caller cancel: errgroup's Wait).
		if w := g.wait; w.ctx >= 0 && tg.Ended != nil {
			if c := r.ctxs[w.ctx]; c.Done != nil && *c.Done == *tg.Ended && c.doneSeq > w.seq && w.at < *c.Done &&
				(c.cancelSeq == 0 || g.endSeq == 0 || g.endSeq > c.cancelSeq) {
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
