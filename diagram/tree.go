package diagram

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"signalwire/runner/harness"
)

// traceModel is a trace arranged for drawing.
type traceModel struct {
	end   harness.Duration
	ctxs  []*ctxNode // depth first, children in ID order
	gos   []harness.TraceGoroutine
	loose []harness.TraceAfterFunc // on contexts the trace does not have
}

// ctxNode is a context in the tree.
type ctxNode struct {
	harness.TraceContext
	parent   *ctxNode
	children []*ctxNode
	depth    int
	afs      []harness.TraceAfterFunc
}

func newTraceModel(t *harness.Trace) *traceModel {
	m := &traceModel{end: max(t.End, 0)}
	all := make([]*ctxNode, len(t.Contexts))
	for i, c := range t.Contexts {
		all[i] = &ctxNode{TraceContext: c}
	}
	slices.SortStableFunc(all, func(a, b *ctxNode) int { return cmp.Compare(a.ID, b.ID) })
	byID := map[int]*ctxNode{}
	for _, n := range all {
		if _, dup := byID[n.ID]; !dup && n.ID != 0 {
			byID[n.ID] = n
		}
	}
	for _, n := range all {
		if p := byID[n.Parent]; p != nil && p != n {
			n.parent = p
		}
	}
	// A trace from a recorder has no cycles; a hand-made one might. A
	// context whose ancestors lead back to it becomes a root.
	for _, n := range all {
		steps := 0
		for p := n.parent; p != nil && steps <= len(all); p = p.parent {
			if p == n {
				n.parent = nil
				break
			}
			steps++
		}
	}
	var walk func(n *ctxNode, depth int)
	walk = func(n *ctxNode, depth int) {
		n.depth = depth
		m.ctxs = append(m.ctxs, n)
		for _, c := range n.children {
			walk(c, depth+1)
		}
	}
	for _, n := range all {
		if n.parent != nil {
			n.parent.children = append(n.parent.children, n)
		}
	}
	for _, n := range all {
		if n.parent == nil {
			walk(n, 0)
		}
	}

	afs := slices.Clone(t.AfterFuncs)
	slices.SortStableFunc(afs, func(a, b harness.TraceAfterFunc) int {
		return cmp.Or(cmp.Compare(a.Registered, b.Registered), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Context, b.Context))
	})
	for _, af := range afs {
		if n := byID[af.Context]; n != nil {
			n.afs = append(n.afs, af)
		} else {
			m.loose = append(m.loose, af)
		}
	}
	m.gos = slices.Clone(t.Goroutines)
	slices.SortStableFunc(m.gos, func(a, b harness.TraceGoroutine) int { return cmp.Compare(a.ID, b.ID) })
	return m
}

// cancellable reports whether a context of kind can be cancelled by
// itself, rather than only through its parent.
func cancellable(kind string) bool {
	for _, p := range []string{"WithCancel", "WithTimeout", "WithDeadline", "NotifyContext"} {
		if strings.HasPrefix(kind, p) {
			return true
		}
	}
	return false
}

// ownDeadline returns the context's deadline if it set it, rather than
// inheriting an earlier one from its parent.
func (n *ctxNode) ownDeadline() (harness.Duration, bool) {
	if n.Deadline == nil || !strings.HasPrefix(n.Kind, "WithTimeout") && !strings.HasPrefix(n.Kind, "WithDeadline") {
		return 0, false
	}
	if p := n.parent; p != nil && p.Deadline != nil && *p.Deadline == *n.Deadline {
		return 0, false
	}
	return *n.Deadline, true
}

// name is what made the context: "WithTimeout 500ms", "WithValue
// main.userKey".
func (n *ctxNode) name() string {
	switch {
	case n.Kind == "external":
		return "context from outside"
	case n.Kind == "":
		return "context"
	case n.Kind == "WithValue" && n.Key != "":
		return "WithValue " + n.Key
	case strings.HasPrefix(n.Kind, "WithTimeout"), strings.HasPrefix(n.Kind, "WithDeadline"):
		d, own := n.ownDeadline()
		switch {
		case !own && n.Deadline != nil:
			return n.Kind + ", parent's deadline"
		case !own:
			return n.Kind
		case strings.HasPrefix(n.Kind, "WithTimeout"):
			return n.Kind + " " + fmtDuration(d-n.Created)
		case d <= n.Created:
			return n.Kind + " at " + fmtDuration(d) + " (past)"
		default:
			return n.Kind + " at " + fmtDuration(d)
		}
	}
	return n.Kind
}

// ref names the context in a sentence: "WithCancel (line 17)", or by its
// variable, "cache (WithTimeout 100ms, line 22)".
func (n *ctxNode) ref() string {
	switch {
	case n.Name != "" && n.Line > 0:
		return fmt.Sprintf("%s (%s, line %d)", n.Name, n.name(), n.Line)
	case n.Name != "":
		return fmt.Sprintf("%s (%s)", n.Name, n.name())
	case n.Line > 0:
		return fmt.Sprintf("%s (line %d)", n.name(), n.Line)
	}
	return n.name()
}

// short names the context briefly: its variable, else what made it.
func (n *ctxNode) short() string {
	if n.Name != "" {
		return n.Name
	}
	return n.name()
}

// source is the ancestor the signal came from, for a context cancelled by
// its parent: the nearest one that was done by then.
func (n *ctxNode) source() *ctxNode {
	if n.Done == nil {
		return nil
	}
	for p := n.parent; p != nil; p = p.parent {
		if p.Done != nil && *p.Done <= *n.Done {
			return p
		}
	}
	return nil
}

// origin is why the signal that reached the context was sent, where it
// started: a context cancelled by its parent whose parent hit its deadline
// has origin "deadline".
func (n *ctxNode) origin() string {
	for n.Reason == "parent" {
		s := n.source()
		if s == nil {
			return "parent"
		}
		n = s
	}
	return reasonClass(n.Reason)
}

// reasonClass is the name of a Reason in CSS classes.
func reasonClass(reason string) string {
	switch reason {
	case "cancel", "deadline", "parent", "signal", "stop":
		return reason
	}
	return "other"
}

// status says what became of the context: "cancelled at 500ms by its
// deadline"; "" when there is nothing to say.
func (n *ctxNode) status() string {
	if n.Done == nil {
		if cancellable(n.Kind) {
			return "never cancelled"
		}
		return ""
	}
	at := fmtDuration(*n.Done)
	var s string
	switch n.Reason {
	case "cancel":
		s = "cancelled at " + at + " by " + n.call(n.CancelLine)
	case "deadline":
		s = "cancelled at " + at + " by its deadline"
	case "parent":
		s = "cancelled at " + at + " by its parent"
	case "signal":
		s = "cancelled at " + at + " by a signal"
	case "stop":
		s = "stopped at " + at
	default:
		s = "done at " + at
		if n.Kind == "external" && n.Err != "" {
			// Such as an HTTP request's, which the server cancels.
			s = "cancelled at " + at + " by the code that made it"
		}
	}
	return s
}

// call names the call of the context's cancel function at line: "the call
// on line 29", "the deferred cancel (line 24), when main returned at line
// 32".
func (n *ctxNode) call(line int) string {
	switch {
	case n.DeferLine > 0 && line > 0:
		fn := "its function"
		if n.DeferFunc != "" {
			fn = n.DeferFunc
		}
		return fmt.Sprintf("the deferred cancel (line %d), when %s returned at line %d", n.DeferLine, fn, line)
	case line > 0:
		return fmt.Sprintf("the call on line %d", line)
	}
	return "its cancel function"
}

// cause is the context's cause, where it says more than its error.
func (n *ctxNode) cause() string {
	if n.Done == nil || n.Cause == "" || n.Cause == n.Err {
		return ""
	}
	return "cause: " + n.Cause
}

// goName names a goroutine by what it runs, as the source wrote it: "go
// worker(ctx, 2)"; else by its function: "go main.worker".
func goName(g *harness.TraceGoroutine) string {
	switch {
	case g.Label != "":
		return "go " + g.Label
	case g.Func == "":
		return "go func"
	}
	return "go " + g.Func
}

// waited is the context whose cancellation ended the goroutine: it waited
// on its Done channel and returned when it closed.
func (m *traceModel) waited(g *harness.TraceGoroutine) *ctxNode {
	if g.WaitedOn == 0 || g.Ended == nil {
		return nil
	}
	for _, n := range m.ctxs {
		if n.ID == g.WaitedOn && n.Done != nil && *n.Done == *g.Ended {
			return n
		}
	}
	return nil
}

// goStatus says how a goroutine ended.
func (m *traceModel) goStatus(g *harness.TraceGoroutine) string {
	switch {
	case g.Ended != nil && m.waited(g) != nil:
		s := "returned at " + fmtDuration(*g.Ended) + " when " + m.waited(g).short() + " was cancelled"
		if g.WaitLine > 0 {
			s += fmt.Sprintf(", waiting at line %d", g.WaitLine)
		}
		return s
	case g.Ended != nil:
		return "returned at " + fmtDuration(*g.Ended)
	case g.Leaked && g.State != "":
		return "leaked: blocked on " + g.State
	case g.Leaked:
		return "leaked"
	}
	return "still running when main returned"
}

// afterFuncStatus says what became of an AfterFunc.
func afterFuncStatus(af *harness.TraceAfterFunc) string {
	s := "AfterFunc"
	if af.Line > 0 {
		s += fmt.Sprintf(" (line %d)", af.Line)
	}
	s += " registered at " + fmtDuration(af.Registered)
	switch {
	case af.Ran != nil:
		s += ", ran at " + fmtDuration(*af.Ran)
	case af.Stopped != nil:
		s += ", stopped at " + fmtDuration(*af.Stopped)
	default:
		s += ", never ran"
	}
	return s
}
