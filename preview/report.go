package preview

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"signalwire/internal/english"
)

// report writes the log's lines about an update: what was rebuilt after
// a change, the examples verified since the last report, and the problems
// when they changed.
func (l *live) report(what string, start time.Time, pages, verifying []string, problems []problem) {
	now := time.Now()
	stamp := now.Format("15:04:05")
	var buf strings.Builder
	for _, p := range problems {
		buf.WriteString(p.String())
		buf.WriteByte('\n')
	}
	text := buf.String()
	switch {
	case !l.started && l.book != nil:
		l.started = true
		fmt.Fprintf(l.log, "%s built %s, %s in %s\n", stamp, count(len(l.book.Chapters), "chapter"), count(len(l.runs), "example"), roundDuration(now.Sub(l.building)))
	case what == "":
	case l.loadErr != nil:
		fmt.Fprintf(l.log, "%s %s: the book cannot be read; the pages stay as they were (%s)\n", stamp, what, roundDuration(now.Sub(start)))
	case len(pages) > 0 || len(verifying) > 0 || text != l.printed:
		line := describePages(pages)
		if len(verifying) > 0 {
			line += ", with the interpreter's output; verifying " + strings.Join(verifying, ", ")
		}
		fmt.Fprintf(l.log, "%s %s: %s in %s\n", stamp, what, line, roundDuration(now.Sub(start)))
	}
	for _, b := range slices.SortedFunc(maps.Keys(l.verified), func(a, b *batch) int { return a.start.Compare(b.start) }) {
		names := b.names
		if len(names) > 3 {
			names = []string{english.Plural(len(names), "example")}
		}
		fmt.Fprintf(l.log, "%s verified %s in %s\n", stamp, strings.Join(names, ", "), roundDuration(now.Sub(b.start)))
		delete(l.verified, b)
	}
	if text != l.printed {
		if text == "" {
			fmt.Fprintf(l.log, "%s fixed: no problems\n", stamp)
		} else {
			fmt.Fprintf(l.log, "%s %s:\n%s", stamp, english.Plural(len(problems), "problem"), text)
		}
		l.printed = text
	}
}

// count is plural with "no examples" for none, for the log.
func count(n int, what string) string {
	if n == 0 {
		return "no " + what + "s"
	}
	return english.Plural(n, what)
}

// describeChange names the files of a change for the log.
func describeChange(paths []string) string {
	switch len(paths) {
	case 0:
		return ""
	case 1:
		return paths[0]
	}
	return fmt.Sprintf("%s and %d more", paths[0], len(paths)-1)
}

func describePages(pages []string) string {
	switch n := len(pages); {
	case n == 0:
		return "nothing to re-render"
	case n <= 3:
		return strings.Join(pages, ", ")
	default:
		return english.Plural(n, "page")
	}
}

// roundDuration rounds d for the log: "12ms", "1.4s".
func roundDuration(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}
