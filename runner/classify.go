package runner

import (
	"fmt"
	"regexp"
	"strings"

	"signalwire/internal/english"
	"signalwire/runner/harness"
)

// result turns what the child did into a Result.
func (r *raw) result(engine Engine, file string, o Options) *Result {
	res := &Result{
		Engine:    engine,
		Output:    r.chunks(),
		ExitCode:  r.exitCode,
		Wall:      Duration(r.wall),
		Realtime:  o.Realtime,
		Truncated: r.truncated,
	}
	fail := func(kind Kind, line int, format string, args ...any) {
		if res.Err == nil {
			res.Err = &Error{Kind: kind, File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
		}
	}
	if r.truncated {
		res.ExitCode = -1
		r.appendRaw(res)
		res.Output = appendChunk(res.Output, Stderr, fmt.Sprintf("\n[output truncated at %d bytes]\n", o.OutputLimit))
		fail(KindTruncated, 0, "output truncated: the program wrote more than %d bytes", o.OutputLimit)
		return res
	}
	if rep := r.report; rep != nil {
		res.Elapsed = Duration(rep.Elapsed)
		res.Trace = rep.Trace
		switch rep.Outcome {
		case harness.OutcomeReturned:
			res.ExitCode = 0
			res.Leaks, res.LeakCount = rep.Leaks, max(rep.LeakCount, len(rep.Leaks))
			if n := res.LeakCount; n > 0 {
				fail(KindLeak, rep.Leaks[0].Line, "%s leaked: %s", english.Plural(n, "goroutine"), leakSummary(file, rep.Leaks, n))
			}
		case harness.OutcomeExit:
			res.ExitCode = rep.Code
			if rep.Code != 0 {
				fail(KindExit, 0, "exit status %d", rep.Code)
			}
		case harness.OutcomePanic:
			res.ExitCode = 2
			line := 0
			if len(rep.Panic.Lines) > 0 {
				line = rep.Panic.Lines[0]
			}
			r.appendPanic(res, file, rep.Panic.Value, line)
			fail(KindPanic, line, "panic: %s", rep.Panic.Value)
		case harness.OutcomeBudget:
			res.ExitCode = -1
			fail(KindBudget, 0, "virtual time budget exceeded: %s", rep.Message)
		case harness.OutcomeWall:
			res.ExitCode = -1
			fail(KindTimeout, 0, "timeout: %s (an endless loop?)", rep.Message)
		case harness.OutcomeNetwork:
			res.ExitCode = -1
			fail(KindNetwork, rep.Line, "%s", rep.Message)
		case harness.OutcomeStuck:
			res.ExitCode = -1
			fail(KindStuck, rep.Line, "%s", rep.Message)
		case harness.OutcomeMemory:
			res.ExitCode = -1
			fail(KindMemory, 0, "memory limit exceeded: %s", rep.Message)
		case harness.OutcomeDeadlock:
			// As the runtime says it of a program outside a bubble.
			res.ExitCode = 2
			line := 0
			for _, g := range rep.Blocked {
				if g.Line > 0 {
					line = g.Line
					break
				}
			}
			res.Output = appendChunk(res.Output, Stderr, "fatal error: all goroutines are asleep - deadlock!\n")
			fail(KindDeadlock, line, "fatal error: all goroutines are asleep - deadlock!")
		case harness.OutcomeCompile, harness.OutcomeUnsupported:
			res.ExitCode = -1
			kind := KindCompile
			if rep.Outcome == harness.OutcomeUnsupported {
				kind = KindUnsupported
			}
			res.Err = &Error{Kind: kind, File: file, Line: rep.Line, Col: rep.Col, Msg: rep.Message, Diagnostics: rep.Diagnostics}
		default:
			res.ExitCode = -1
			fail(KindFatal, 0, "runner harness: %s", rep.Message)
		}
		if res.Err != nil && res.Err.Blocked == nil {
			res.Err.Blocked = rep.Blocked
		}
		r.appendRaw(res)
		return res
	}
	if r.killed {
		res.ExitCode = -1
		fail(KindTimeout, 0, "timeout: killed after %v of real time", o.Timeout+graceful)
		r.appendRaw(res)
		return res
	}
	// No report: the program ended the process itself. Only the runtime's
	// own crash exits with status 2 after a traceback; a program that
	// prints such text and exits otherwise did not crash.
	stderr := string(r.rawStderr)
	crashed := res.ExitCode == harness.ExitPanic
	if i, where := refusedMemory(stderr); crashed && r.dataLimit > 0 && i >= 0 {
		first, _, _ := strings.Cut(stderr[i:], "\n")
		r.rawStderr = []byte(stderr[:i])
		r.appendRaw(res)
		res.Output = appendChunk(res.Output, Stderr, first+"\n")
		res.ExitCode = -1
		fail(KindMemory, 0, "memory limit exceeded: the program asked for more than %d MiB (%s)", r.dataLimit>>20, where)
		return res
	}
	if i := strings.Index(stderr, "runtime: goroutine stack exceeds "); crashed && i >= 0 {
		limit, _, _ := strings.Cut(stderr[i:], "\n")
		line := 0
		if engine == EngineGo {
			line = crashLine(stderr[i:], file)
		}
		r.rawStderr = []byte(stderr[:i])
		r.appendRaw(res)
		res.Output = appendChunk(res.Output, Stderr, limit+"\nfatal error: stack overflow\n")
		fail(KindFatal, line, "stack overflow: %s (endless recursion?)", strings.TrimPrefix(limit, "runtime: "))
		return res
	}
	if i := strings.Index(stderr, "panic: "); crashed && i >= 0 && strings.Contains(stderr[i:], "\ngoroutine ") {
		value, line := parseCrash(stderr[i:], o, file, engine)
		if line == 0 && len(r.panicLines) > 0 {
			line = r.panicLines[0]
		}
		r.rawStderr = []byte(stderr[:i])
		r.appendRaw(res)
		r.appendPanic(res, file, value, line)
		fail(KindPanic, line, "panic: %s", value)
		return res
	}
	if i := strings.Index(stderr, "fatal error: "); crashed && i >= 0 {
		msg, _, _ := strings.Cut(stderr[i+len("fatal error: "):], "\n")
		r.rawStderr = []byte(stderr[:i])
		r.appendRaw(res)
		res.Output = appendChunk(res.Output, Stderr, "fatal error: "+msg+"\n")
		if outOfMemory(msg) { // the sandbox's RLIMIT_DATA (isolation.go)
			res.ExitCode = -1
			fail(KindMemory, 0, "memory limit exceeded: the program asked for more than %d MiB", hardMemory(o.MemoryLimit)>>20)
		}
		fail(KindFatal, 0, "fatal error: %s", msg)
		return res
	}
	r.appendRaw(res)
	if res.ExitCode != 0 {
		fail(KindExit, 0, "exit status %d", res.ExitCode)
	}
	return res
}

// appendRaw adds what the runtime wrote around the os package.
func (r *raw) appendRaw(res *Result) {
	res.Output = appendChunk(res.Output, Stdout, string(r.rawStdout))
	res.Output = appendChunk(res.Output, Stderr, string(r.rawStderr))
}

// appendPanic ends stderr the same way under both engines.
func (r *raw) appendPanic(res *Result, file, value string, line int) {
	text := "panic: " + value + "\n"
	if line > 0 {
		text += fmt.Sprintf("\tat %s:%d\n", shortName(file), line)
	}
	res.Output = appendChunk(res.Output, Stderr, text)
}

func appendChunk(out []Chunk, s Stream, text string) []Chunk {
	if text == "" {
		return out
	}
	if n := len(out); n > 0 && out[n-1].Stream == s {
		out[n-1].Text += text
		return out
	}
	return append(out, Chunk{Stream: s, Text: text})
}

// recoveredRE matches what the runtime adds to a value that was recovered
// and panicked again, as yaegi does in every frame.
var recoveredRE = regexp.MustCompile(` \[recovered(, repanicked)?\]$`)

// parseCrash reads the runtime's report of a panic in a goroutine:
//
//	panic: boom
//
//	goroutine 7 [running]:
//	main.worker(...)
//		/path/main.go:9 +0x1d
func parseCrash(s string, o Options, file string, engine Engine) (value string, line int) {
	head, _, _ := strings.Cut(s, "\n\ngoroutine ")
	value = strings.TrimPrefix(head, "panic: ")
	value = recoveredRE.ReplaceAllString(value, "")
	if engine == EngineGo {
		return value, crashLine(s, file)
	}
	return value, 0
}

// crashLine returns the example's innermost line on the stack of the
// goroutine a crash of the compiled program names first, or 0.
func crashLine(s, file string) int {
	gs := harness.ParseStacks([]byte(s))
	if len(gs) == 0 {
		return 0
	}
	if lines := gs[0].Lines(buildModule + "/" + shortName(file)); len(lines) > 0 {
		return lines[0]
	}
	return 0
}

func shortName(file string) string {
	if i := strings.LastIndexAny(file, `/\`); i >= 0 {
		return file[i+1:]
	}
	return file
}

// leakSummary describes the leaked goroutines, alike ones together:
// "chan send at main.go:8 (started at main.go:7) ×10000". At most 10
// descriptions are listed; total counts every leak, listed or not.
func leakSummary(file string, leaks []Leak, total int) string {
	var (
		order []string
		count = map[string]int{}
	)
	for _, l := range leaks {
		d := describeGoroutine(file, l)
		if count[d] == 0 {
			order = append(order, d)
		}
		count[d]++
	}
	var parts []string
	listed := 0
	for i, d := range order {
		if i == 10 {
			break
		}
		listed += count[d]
		if count[d] > 1 {
			d += fmt.Sprintf(" ×%d", count[d])
		}
		parts = append(parts, d)
	}
	s := strings.Join(parts, "; ")
	if more := total - listed; more > 0 {
		s += fmt.Sprintf("; and %d more", more)
	}
	return s
}

// refusedMemory finds in what a crashed child wrote the Go runtime's own
// crashes at an allocation the sandbox's RLIMIT_DATA refused, other than
// its "out of memory" (which the fatal error's branch reports), and says
// which it is; -1 if there is none. Go 1.26's runtime does not check every
// allocation of its own: a nil result dereferenced on the system stack
// (goroutine 0) faults at address 0 in a function of package runtime (the
// GC's span queue, newSpanSPMC; a type's GC mask, bitCursor.write), and a
// thread whose stack cannot be mapped stops the process (cgo's
// pthread_create, or the runtime's own clone). No program can fault there
// itself: unsafe and cgo are refused, and its own faults are panics on its
// goroutines.
func refusedMemory(stderr string) (int, string) {
	for _, s := range []string{"runtime/cgo: pthread_create failed: ", "runtime: failed to create new OS thread"} {
		if i := strings.Index(stderr, s); i >= 0 {
			return i, "the runtime could not map a new thread's stack"
		}
	}
	m := nilFault.FindStringSubmatchIndex(stderr)
	if m == nil {
		return -1, ""
	}
	return m[0], "the Go runtime dereferenced an allocation it was refused, in " + stderr[m[2]:m[3]]
}

// nilFault is a fault at address 0 on the system stack whose innermost
// frame is the runtime's.
var nilFault = regexp.MustCompile(`(?m)^SIGSEGV: segmentation violation\nPC=0x[0-9a-f]+ m=\d+ sigcode=\d+ addr=0x0\n\ngoroutine 0 [^\n]*\n(runtime\.(?:\(\*\w+\)\.)?[\w.]+)\(`)
