package diff

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestUnified(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{"change", "a\nb\nc\n", "a\nx\nc\n", "--- old\n+++ new\n@@ -1,3 +1,3 @@\n a\n-b\n+x\n c\n"},
		{"add", "a\n", "a\nb\n", "--- old\n+++ new\n@@ -1 +1,2 @@\n a\n+b\n"},
		{"from empty", "", "a\n", "--- old\n+++ new\n@@ -0,0 +1 @@\n+a\n"},
		{"no newline", "a", "b", "--- old\n+++ new\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n"},
		{"two hunks", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "x\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ny\n",
			"--- old\n+++ new\n@@ -1,4 +1,4 @@\n-1\n+x\n 2\n 3\n 4\n@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+y\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Unified("old", "new", tt.old, tt.new); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// apply rebuilds both sides from a diff's edit script.
func apply(ops []op) (a, b string) {
	var x, y strings.Builder
	for _, o := range ops {
		if o.kind != '+' {
			x.WriteString(o.text)
		}
		if o.kind != '-' {
			y.WriteString(o.text)
		}
	}
	return x.String(), y.String()
}

// TestEditsRebuild: the edit script of any pair of texts, large ones
// included, turns the old one into the new one, with line indexes that
// count the lines before each op.
func TestEditsRebuild(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	text := func(n, alphabet int) string {
		var s strings.Builder
		for range n {
			fmt.Fprintf(&s, "%d\n", rng.IntN(alphabet))
		}
		return s.String()
	}
	for i := range 200 {
		n, alphabet := rng.IntN(40), 1+rng.IntN(8)
		if i%20 == 0 {
			n, alphabet = 3000+rng.IntN(3000), 5000 // large gaps
		}
		old, new := text(n, alphabet), text(rng.IntN(n+5), alphabet)
		ops := edits(splitLines(old), splitLines(new))
		if a, b := apply(ops); a != old || b != new {
			t.Fatalf("edits of %q -> %q rebuild %q -> %q", old, new, a, b)
		}
		var ai, bi int
		for _, o := range ops {
			if o.a != ai || o.b != bi {
				t.Fatalf("op %+v at lines %d,%d", o, ai, bi)
			}
			if o.kind != '+' {
				ai++
			}
			if o.kind != '-' {
				bi++
			}
		}
	}
}

// TestEditsShortest: a small gap between anchors gets a shortest edit
// script, as the longest common subsequence gives it.
func TestEditsShortest(t *testing.T) {
	old := "tick\ntick\ntick\nstart\ntick\ntock\ntick\nend\n"
	new := "tick\ntick\nstart\ntick\ntick\ntock\nend\n"
	ops := edits(splitLines(old), splitLines(new))
	changed := 0
	for _, o := range ops {
		if o.kind != ' ' {
			changed++
		}
	}
	// LCS is 6 lines: 8-6 removed, 7-6 added.
	if changed != 3 {
		t.Errorf("%d lines changed, want 3:\n%s", changed, Unified("old", "new", old, new))
	}
}

// bigOutput is an n-line program output, and the same with one line in
// every hundred changed and some lines repeated, as a divergence would
// show.
func bigOutput(n int) (old, new string) {
	var a, b strings.Builder
	for i := range n {
		line := fmt.Sprintf("%05d request %d done after %dms\n", i, i%7, i%13)
		if i%10 == 0 {
			line = "tick\n" // not unique: no anchor
		}
		a.WriteString(line)
		if i%100 == 50 {
			line = fmt.Sprintf("%05d request %d cancelled\n", i, i%7)
		}
		b.WriteString(line)
	}
	return a.String(), b.String()
}

// BenchmarkUnified diffs a 20,000-line output and, as the baseline
// measured in the same run, a 2,000-line one: "x-2k" is the ratio of their
// times, 10 for linear growth (it was about 100 with the quadratic diff
// this package used to compute, which took 8 s and 2 GB here).
func BenchmarkUnified(b *testing.B) {
	old2k, new2k := bigOutput(2000)
	old20k, new20k := bigOutput(20000)
	var small, large time.Duration
	for b.Loop() {
		t0 := time.Now()
		Unified("old", "new", old2k, new2k)
		t1 := time.Now()
		if Unified("old", "new", old20k, new20k) == "" {
			b.Fatal("no diff")
		}
		small += t1.Sub(t0)
		large += time.Since(t1)
	}
	b.ReportMetric(float64(large)/float64(small), "x-2k")
	b.ReportMetric(float64(large.Microseconds())/float64(b.N), "µs-20k/op")
}

// TestLargeMemory: diffing a 20,000-line output (200 KB less than the
// runner's output limit) allocates memory linear in its size, not the
// 1.6 GB of a quadratic table. Bytes allocated do not depend on the
// machine's speed.
func TestLargeMemory(t *testing.T) {
	old, new := bigOutput(20000)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	d := Unified("old", "new", old, new)
	runtime.ReadMemStats(&after)
	if d == "" {
		t.Fatal("no diff")
	}
	if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(100*len(old)); got > limit {
		t.Errorf("allocated %d MB for a %d KB output; want under %d MB", got>>20, len(old)>>10, limit>>20)
	}
}
