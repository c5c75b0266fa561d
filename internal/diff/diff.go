// Package diff prints line-based unified diffs.
//
// The edit script is an anchored diff, as in Go's own internal/diff: the
// lines that appear exactly once on each side and in the same order (the
// anchors, found in O(n log n)) are matched first, and matching lines
// around them are extended. Between two anchors, a gap small enough
// (maxCells) gets an exact shortest edit script, so a short output is
// diffed line by line as well as any diff would; a larger gap is shown as
// removed then added. The time is therefore O(n log n) plus at most
// O(n·sqrt(maxCells)), and memory stays linear in the gap sizes, whatever
// the texts.
package diff

import (
	"fmt"
	"strings"
)

// Unified returns a unified diff from old to new with three lines of
// context, or "" when they are equal. oldName and newName label the sides.
func Unified(oldName, newName, old, new string) string {
	if old == new {
		return ""
	}
	a, b := splitLines(old), splitLines(new)
	ops := edits(a, b)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
	const ctx = 3
	// Group edits into hunks.
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := max(i-ctx, 0)
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*ctx {
				end = min(end+ctx, len(ops))
				break
			}
			end = run
		}
		aStart, bStart, aLen, bLen := ops[start].a, ops[start].b, 0, 0
		for _, op := range ops[start:end] {
			if op.kind != '+' {
				aLen++
			}
			if op.kind != '-' {
				bLen++
			}
		}
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", span(aStart, aLen), span(bStart, bLen))
		for _, op := range ops[start:end] {
			out.WriteByte(op.kind)
			out.WriteString(op.text)
			if !strings.HasSuffix(op.text, "\n") {
				out.WriteString("\n\\ No newline at end of file\n")
			}
		}
		i = end
	}
	return out.String()
}

func span(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if n == 1 {
		return fmt.Sprint(start + 1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

type op struct {
	kind byte // ' ', '-', '+'
	text string
	a, b int // line indexes before this op
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// maxCells bounds the table of the exact edit script of one gap between
// anchors: 4 MB of int32.
const maxCells = 1 << 20

// edits returns an edit script from a to b: the anchored matches, with the
// gaps between them filled by gapEdits.
func edits(a, b []string) []op {
	var ops []op
	var done pair // a[:done.x] and b[:done.y] have their ops
	for _, m := range tgs(a, b) {
		if m.x < done.x {
			continue // already matched, extending an earlier anchor
		}
		start := m
		for start.x > done.x && start.y > done.y && a[start.x-1] == b[start.y-1] {
			start.x--
			start.y--
		}
		end := m
		for end.x < len(a) && end.y < len(b) && a[end.x] == b[end.y] {
			end.x++
			end.y++
		}
		ops = gapEdits(ops, a, b, done, start)
		for i := start.x; i < end.x; i++ {
			ops = append(ops, op{' ', a[i], i, start.y + i - start.x})
		}
		done = end
	}
	return ops
}

// gapEdits appends the ops from from to to, a stretch with no anchor: a
// shortest edit script when the stretch is small, else its lines removed,
// then added.
func gapEdits(ops []op, a, b []string, from, to pair) []op {
	n, m := to.x-from.x, to.y-from.y
	if n == 0 && m == 0 {
		return ops
	}
	if n*m > maxCells {
		for i := from.x; i < to.x; i++ {
			ops = append(ops, op{'-', a[i], i, from.y})
		}
		for j := from.y; j < to.y; j++ {
			ops = append(ops, op{'+', b[j], to.x, j})
		}
		return ops
	}
	// The longest common subsequence of the stretch, by dynamic
	// programming: lcs[i][j] is that of a[from.x+i:to.x], b[from.y+j:to.y].
	x, y := a[from.x:to.x], b[from.y:to.y]
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && x[i] == y[j]:
			ops = append(ops, op{' ', x[i], from.x + i, from.y + j})
			i++
			j++
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, op{'-', x[i], from.x + i, from.y + j})
			i++
		default:
			ops = append(ops, op{'+', y[j], from.x + i, from.y + j})
			j++
		}
	}
	return ops
}
