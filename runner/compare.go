package runner

import (
	"fmt"
	"regexp"
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

// durationRE matches a duration as time.Duration prints it: "500ms",
// "1.5s", "2h3m0.25s", "120µs".
var durationRE = regexp.MustCompile(`\b(?:\d+(?:\.\d+)?(?:ns|µs|us|ms|h|m|s))+\b`)

// realDuration stands for every duration a program on the real clock prints.
const realDuration = "<duration>"

// summary renders what two engines must agree on, one fact a line.
//
// On the real clock, a duration the program prints is a measurement: two
// runs of the same program, by the same engine or not, print 500.87ms and
// 501.36ms. So under the real clock, and only there, every duration in the
// output reads as one placeholder before the engines are compared; the
// rest of the output must still match byte for byte. Under the virtual clock
// durations are exact, and a different duration is a divergence.
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
	fmt.Fprintf(&s, "leaks: %d %s\n", max(r.LeakCount, len(states)), strings.Join(states, ", "))
	for _, c := range r.Output {
		for _, line := range strings.SplitAfter(c.Text, "\n") {
			if line == "" {
				continue
			}
			if r.Realtime {
				line = durationRE.ReplaceAllString(line, realDuration)
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
