package runner

import (
	"fmt"
	"sort"
	"strings"

	"signalwire/internal/diff"
)

// compare reports how the interpreter's result differs from the compiled
// one, or nil when they agree on output, exit status, failure, virtual time
// and leaks.
func compare(compiled, interp *Result) *Divergence {
	a, b := summary(compiled), summary(interp)
	if a == b {
		return nil
	}
	return &Divergence{Diff: diff.Unified("go", "yaegi", a, b), Interpreted: interp}
}

// summary renders what two engines must agree on, one fact a line.
func summary(r *Result) string {
	var s strings.Builder
	fmt.Fprintf(&s, "exit status: %d\n", r.ExitCode)
	if !r.Realtime {
		// On the real clock, elapsed time differs from run to run.
		fmt.Fprintf(&s, "virtual time: %v\n", r.Elapsed)
	}
	if r.Err != nil {
		switch r.Err.Kind {
		case KindLeak:
			// Compared through the leaks below.
		case KindUnsupported:
			fmt.Fprintf(&s, "failure: %s\n  %s\n", r.Err.Kind, r.Err.Msg)
		default:
			fmt.Fprintf(&s, "failure: %s\n", r.Err.Kind)
		}
	}
	var states []string
	for _, l := range r.Leaks {
		states = append(states, comparableState(l.State))
	}
	sort.Strings(states)
	fmt.Fprintf(&s, "leaks: %d %s\n", len(states), strings.Join(states, ", "))
	for _, c := range r.Output {
		for _, line := range strings.SplitAfter(c.Text, "\n") {
			if line == "" {
				continue
			}
			if !strings.HasSuffix(line, "\n") {
				line += " (no newline)\n"
			}
			fmt.Fprintf(&s, "%s| %s", c.Stream, line)
		}
	}
	return s.String()
}

// comparableState folds the states of goroutines blocked on channels into
// one: yaegi implements some receives (range over a channel) and select{}
// with reflect.Select, so its goroutines say "select" where the compiled
// program's say "chan receive" or "select (no cases)". The count of leaks,
// and every other state (sleep, sync.Mutex.Lock, ...), must still agree.
func comparableState(s string) string {
	if strings.HasPrefix(s, "chan ") || strings.HasPrefix(s, "select") {
		return "channel operation"
	}
	return s
}
