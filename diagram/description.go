package diagram

import (
	"fmt"
	"strings"

	"signalwire/internal/english"
)

func (m *traceModel) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "main ran for %s of virtual time.", fmtDuration(m.end))
	if len(m.ctxs) > 0 {
		fmt.Fprintf(&b, " %s: ", capitalize(english.Plural(len(m.ctxs), "context")))
		for i, n := range m.ctxs {
			if i > 0 {
				b.WriteString("; ")
			}
			parts := []string{n.ref()}
			switch {
			case n.parent != nil:
				parts = append(parts, "derived from "+n.parent.ref())
			case n.Parent != 0:
				parts = append(parts, "derived from a context not recorded")
			}
			if n.Created > 0 {
				parts = append(parts, "made at "+fmtDuration(n.Created))
			}
			if d, ok := n.ownDeadline(); ok && n.Reason != "deadline" {
				s := "deadline at " + fmtDuration(d)
				if d > m.end {
					s += ", after main returned"
				}
				parts = append(parts, s)
			}
			parts = n.appendFacts(parts)
			b.WriteString(strings.Join(parts, ", "))
		}
		b.WriteString(".")
	}
	if len(m.loose) > 0 {
		for _, af := range m.loose {
			fmt.Fprintf(&b, " %s, on a context not recorded.", capitalize(afterFuncStatus(&af)))
		}
	}
	if len(m.gos) > 0 {
		fmt.Fprintf(&b, " %s: ", capitalize(english.Plural(len(m.gos), "goroutine")))
		for i := range m.gos {
			g := &m.gos[i]
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(goName(g))
			if g.Line > 0 {
				fmt.Fprintf(&b, " (line %d)", g.Line)
			}
			fmt.Fprintf(&b, ", started at %s, %s", fmtDuration(g.Started), m.goStatus(g))
		}
		b.WriteString(".")
	}
	return b.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// fmtDuration writes d as Go does, without the zero units it adds after
// minutes and hours: "500ms", "1m", "1h30m".

// rowDescription is what a row's tooltip says beyond its label.
func (m *traceModel) rowDescription(n *ctxNode) string {
	return strings.Join(n.appendFacts([]string{"made at " + fmtDuration(n.Created)}), ", ")
}

// appendFacts appends what happened to the context: how it ended, its
// cause, and its AfterFuncs.
func (n *ctxNode) appendFacts(parts []string) []string {
	if s := n.status(); s != "" {
		parts = append(parts, s)
	}
	if s := n.cause(); s != "" {
		parts = append(parts, s)
	}
	for _, af := range n.afs {
		parts = append(parts, afterFuncStatus(&af))
	}
	return parts
}
