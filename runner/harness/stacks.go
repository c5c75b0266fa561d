package harness

import (
	"strconv"
	"strings"
)

// Goroutine is one goroutine of a traceback as runtime.Stack or a crash
// prints it.
type Goroutine struct {
	ID     int
	State  string
	Bubble bool
	// Durable is set when the goroutine is durably blocked: only another
	// goroutine of its bubble can wake it.
	Durable   bool
	Frames    []StackFrame
	CreatedBy *StackFrame
}

// StackFrame is a function and its position.
type StackFrame struct {
	Func string
	File string
	Line int
}

// ParseStacks parses Go tracebacks. Lines that are not part of a goroutine
// (such as the "panic: ..." header of a crash) are skipped.
func ParseStacks(b []byte) []Goroutine {
	var out []Goroutine
	var g *Goroutine
	var pending *StackFrame // function line waiting for its position line
	created := false
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "goroutine ") && strings.HasSuffix(line, ":"):
			out = append(out, parseHeader(line))
			g = &out[len(out)-1]
			pending = nil
		case g == nil || line == "":
			if line == "" {
				g = nil
			}
		case strings.HasPrefix(line, "\t"):
			if pending == nil {
				continue
			}
			pos := strings.TrimSpace(line)
			if i := strings.LastIndex(pos, " +0x"); i >= 0 {
				pos = pos[:i]
			}
			if i := strings.LastIndex(pos, ":"); i >= 0 {
				pending.File = pos[:i]
				pending.Line, _ = strconv.Atoi(pos[i+1:])
			}
			if created {
				f := *pending
				g.CreatedBy = &f
			} else {
				g.Frames = append(g.Frames, *pending)
			}
			pending = nil
		case strings.HasPrefix(line, "created by "):
			name := strings.TrimPrefix(line, "created by ")
			if i := strings.Index(name, " in goroutine "); i >= 0 {
				name = name[:i]
			}
			pending = &StackFrame{Func: name}
			created = true
		case strings.HasPrefix(line, "..."):
		default:
			name := line
			if i := strings.LastIndex(name, "("); i > 0 {
				name = name[:i]
			}
			pending = &StackFrame{Func: name}
			created = false
		}
	}
	return out
}

// parseHeader parses "goroutine 10 [chan send (durable), synctest bubble 1]:".
func parseHeader(line string) Goroutine {
	line = strings.TrimSuffix(strings.TrimPrefix(line, "goroutine "), ":")
	var g Goroutine
	id, rest, _ := strings.Cut(line, " ")
	g.ID, _ = strconv.Atoi(id)
	rest = strings.TrimSuffix(strings.TrimPrefix(rest, "["), "]")
	for i, part := range strings.Split(rest, ", ") {
		switch {
		case i == 0:
			g.Durable = strings.Contains(part, " (durable)")
			g.State = strings.TrimSpace(strings.ReplaceAll(part, " (durable)", ""))
		case strings.HasPrefix(part, "synctest bubble"):
			g.Bubble = true
		}
	}
	return g
}

// harness reports whether g belongs to the testing and synctest machinery
// rather than to the program.
func (g *Goroutine) harness() bool {
	if len(g.Frames) == 0 {
		return false
	}
	f := g.Frames[0].Func
	return strings.HasPrefix(f, "internal/synctest.") || strings.HasPrefix(f, "testing/synctest.") || strings.HasPrefix(f, "testing.")
}

// example reports whether the example's code started or runs g.
func (g *Goroutine) example(file string) bool {
	if g.CreatedBy != nil && matchFile(g.CreatedBy.File, file) {
		return true
	}
	for _, f := range g.Frames {
		if matchFile(f.File, file) {
			return true
		}
	}
	return false
}

// leak describes g in terms of the example's lines.
func (g *Goroutine) leak(file string) Leak {
	l := Leak{State: g.State, ID: g.ID}
	found := false
	for _, f := range g.Frames {
		switch {
		case !matchFile(f.File, file):
		case !found:
			// Line 0 is an instruction of no line of its own, such as the
			// jump of an empty endless loop (see the runner's locateSpin).
			l.Line, l.Func, found = f.Line, f.Func, true
		default:
			l.Callers = append(l.Callers, f.Line)
		}
	}
	if g.CreatedBy != nil && matchFile(g.CreatedBy.File, file) {
		l.CreatedLine = g.CreatedBy.Line
	}
	return l
}

// Lines returns the example lines on g's stack, innermost first.
func (g *Goroutine) Lines(file string) []int {
	var lines []int
	for _, f := range g.Frames {
		if matchFile(f.File, file) {
			lines = append(lines, f.Line)
		}
	}
	return lines
}
