package runner

import (
	"fmt"
	"strings"

	"signalwire/runner/harness"
)

// Stream names where a chunk of output went.
type Stream string

// The two output streams.
const (
	Stdout Stream = "stdout"
	Stderr Stream = "stderr"
)

// Chunk is a piece of output written to one stream. Consecutive writes to the
// same stream are merged into one chunk.
type Chunk struct {
	Stream Stream `json:"stream"`
	Text   string `json:"text"`
}

// Duration is a time.Duration that reads and writes JSON as "500ms".
type Duration = harness.Duration

// Leak is a goroutine left behind when main returned. Lines are the
// example's; zero means unknown (the interpreter does not know them).
type Leak = harness.Leak

// Result is what one run of an example did.
type Result struct {
	// Engine is the engine that produced this result.
	Engine Engine `json:"engine"`
	// Output is stdout and stderr in the order the program wrote them.
	// Output written after main returned is not part of it: the program
	// was over.
	Output []Chunk `json:"output"`
	// ExitCode is the program's exit status: 0 when main returned, 2 after
	// a panic, n after os.Exit(n), -1 when a limit stopped it.
	ExitCode int `json:"exit_code"`
	// Elapsed is the time main ran: virtual under the virtual clock.
	Elapsed Duration `json:"elapsed"`
	// Wall is the real time of the run, child process included.
	Wall Duration `json:"wall"`
	// Realtime is set when the program ran on the real clock.
	Realtime bool `json:"realtime,omitempty"`
	// Leaks are the goroutines still alive after main returned, at most
	// the first 100 by line; LeakCount counts them all.
	Leaks     []Leak `json:"leaks,omitempty"`
	LeakCount int    `json:"leak_count,omitempty"`
	// Trace records the contexts and goroutines of the run, for the
	// compiled engine (nil when nothing was recorded).
	Trace *Trace `json:"trace,omitempty"`
	// Truncated is set when the output went over the limit.
	Truncated bool `json:"truncated,omitempty"`
	// Err says how the run failed; nil when main returned with no leak.
	Err *Error `json:"error,omitempty"`
	// Cached is set when the result came from the cache.
	Cached bool `json:"cached,omitempty"`
	// Isolation is what fenced the run in: "namespaces+landlock",
	// "namespaces" or "allowlist" (see [Runner.Isolation]).
	Isolation Isolation `json:"isolation,omitempty"`
	// Divergence is set by the "both" engine when the interpreter did not
	// do what the compiled program did.
	Divergence *Divergence `json:"divergence,omitempty"`
}

// Stdout returns everything the program wrote to stdout.
func (r *Result) Stdout() string { return r.text(Stdout) }

// Stderr returns everything the program wrote to stderr.
func (r *Result) Stderr() string { return r.text(Stderr) }

func (r *Result) text(s Stream) string {
	var b strings.Builder
	for _, c := range r.Output {
		if c.Stream == s {
			b.WriteString(c.Text)
		}
	}
	return b.String()
}

// Combined returns the output of both streams in order.
func (r *Result) Combined() string {
	var b strings.Builder
	for _, c := range r.Output {
		b.WriteString(c.Text)
	}
	return b.String()
}

// Divergence is a difference between the interpreter and the compiled
// program.
type Divergence struct {
	// Diff is a unified diff from the compiled run to the interpreted one.
	Diff string `json:"diff"`
	// Interpreted is the interpreter's result.
	Interpreted *Result `json:"interpreted"`
}

// Kind classifies a failed run.
type Kind string

// Ways a run can fail.
const (
	KindCompile     Kind = "compile"          // the program does not compile
	KindRefused     Kind = "refused"          // the sandbox refused the program
	KindUnsupported Kind = "unsupported"      // the interpreter cannot run it
	KindPanic       Kind = "panic"            // a goroutine panicked
	KindExit        Kind = "exit"             // os.Exit with a non-zero status
	KindFatal       Kind = "fatal"            // the runtime stopped the program ("fatal error: ...")
	KindTimeout     Kind = "timeout"          // ran past the wall-clock limit
	KindNetwork     Kind = "network"          // stuck on real network I/O under the virtual clock
	KindStuck       Kind = "stuck"            // blocked on something outside the bubble: virtual time cannot advance
	KindBudget      Kind = "virtual-deadline" // waited past the virtual-time budget
	KindDeadlock    Kind = "deadlock"         // every goroutine blocked for good
	KindMemory      Kind = "memory"           // over the memory limit
	KindTruncated   Kind = "truncated"        // output over the limit
	KindLeak        Kind = "leak"             // goroutines left behind
)

// Error is a failed run, located in the example where possible.
type Error struct {
	Kind Kind   `json:"kind"`
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
	Msg  string `json:"msg"`
	// Diagnostics are all compile errors, the first of which is Line:Col.
	Diagnostics []harness.Diagnostic `json:"diagnostics,omitempty"`
	// Blocked lists the example's goroutines when a limit stopped the run.
	Blocked []Leak `json:"blocked,omitempty"`
}

// Error prints the error as file:line:col: message.
func (e *Error) Error() string {
	pos := e.File
	if e.Line > 0 {
		pos += fmt.Sprintf(":%d", e.Line)
		if e.Col > 0 {
			pos += fmt.Sprintf(":%d", e.Col)
		}
	}
	msg := e.Msg
	if len(e.Diagnostics) > 1 {
		var b strings.Builder
		b.WriteString(msg)
		for _, d := range e.Diagnostics[1:] {
			fmt.Fprintf(&b, "\n%s:%d:%d: %s", e.File, d.Line, d.Col, d.Msg)
		}
		msg = b.String()
	}
	for _, g := range e.Blocked {
		msg += "\n\t" + describeGoroutine(e.File, g)
	}
	return pos + ": " + msg
}

// describeGoroutine says where a goroutine is: "chan send at main.go:12
// (started at main.go:10)", or "sleep at main.go:9, called from main.go:16
// (started at main.go:15)".
func describeGoroutine(file string, g Leak) string {
	s := g.State
	if g.Line > 0 {
		s += fmt.Sprintf(" at %s:%d", file, g.Line)
	}
	for i, c := range g.Callers {
		if i == 0 {
			s += ", called from "
		} else {
			s += ", from "
		}
		s += fmt.Sprintf("%s:%d", file, c)
	}
	if g.CreatedLine > 0 {
		s += fmt.Sprintf(" (started at %s:%d)", file, g.CreatedLine)
	}
	return s
}

// Leaked counts the goroutines still alive after main returned, those not
// listed in Leaks included.
func (r *Result) Leaked() int { return max(r.LeakCount, len(r.Leaks)) }
