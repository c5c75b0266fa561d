package runner

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Benchmarks of one run, end to end, child process included. The
// benchmark script (scripts/bench.sh) prints their medians and ratios.

func benchSource(b *testing.B, name string) []byte {
	b.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		b.Fatal(err)
	}
	return src
}

func benchRun(b *testing.B, r *Runner, file string, src []byte, o Options) *Result {
	b.Helper()
	res, err := r.Run(context.Background(), file, src, o)
	if err != nil {
		b.Fatal(err)
	}
	if res.Err != nil {
		b.Fatal(res.Err)
	}
	return res
}

// BenchmarkRunYaegi: the interpreter, no result cache.
func BenchmarkRunYaegi(b *testing.B) {
	r := &Runner{CacheDir: b.TempDir(), NoResultCache: true}
	src := benchSource(b, "timeout.go")
	for b.Loop() {
		benchRun(b, r, "timeout.go", src, Options{Engine: EngineYaegi})
	}
}

// BenchmarkRunGo: the compiled engine with its binary cached.
func BenchmarkRunGo(b *testing.B) {
	r := &Runner{CacheDir: b.TempDir(), NoResultCache: true}
	src := benchSource(b, "timeout.go")
	benchRun(b, r, "timeout.go", src, Options{Engine: EngineGo})
	for b.Loop() {
		benchRun(b, r, "timeout.go", src, Options{Engine: EngineGo})
	}
}

// Two kinds of edit are measured. A behaviour edit changes a string the
// program prints, so the compiler produces a new object and the linker
// runs: what an author pays after changing an example. A comment edit
// only reruns the compiler: it produces the same object, Go's cache skips
// the link, and the figure is flattering; it is kept, under its own name,
// to show the difference.
//
// Two programs are edited. timeout.go waits 500 ms: on the real clock
// under go run, on the virtual clock under the runner, which flatters the
// runner by about 0.5 s. greet.go waits for nothing: it prints, and its
// edit changes what; its ratio is the honest one.

// behaviourEdit returns an edit of src that changes the text of the
// printed string old to say i, so that every edit changes what the
// program does.
func behaviourEdit(old string) func(*testing.B, []byte, int) []byte {
	return func(b *testing.B, src []byte, i int) []byte {
		b.Helper()
		q := []byte(strconv.Quote(old))
		if !bytes.Contains(src, q) {
			b.Fatalf("the benchmark's program no longer prints %s", q)
		}
		return bytes.Replace(src, q, []byte(strconv.Quote(fmt.Sprintf("%s (edit %d)", old, i))), 1)
	}
}

// commentEdit returns src with a comment that says i appended.
func commentEdit(_ *testing.B, src []byte, i int) []byte {
	return fmt.Appendf(append([]byte(nil), src...), "\n// edit %d\n", i)
}

// BenchmarkRunGoAfterEdit: the compiled engine on a source it has never
// seen, changed in what it prints: build and run (timeout.go, which
// waits 500 ms of virtual time).
func BenchmarkRunGoAfterEdit(b *testing.B) {
	benchRunGoAfter(b, false, "timeout.go", behaviourEdit("stopped after"))
}

// BenchmarkRunGoAfterCommentEdit: the same after an edit of a comment
// only (no new link).
func BenchmarkRunGoAfterCommentEdit(b *testing.B) {
	benchRunGoAfter(b, false, "timeout.go", commentEdit)
}

// BenchmarkRunGoAfterEditPrint: the honest case, greet.go, which waits
// for nothing.
func BenchmarkRunGoAfterEditPrint(b *testing.B) {
	benchRunGoAfter(b, false, "greet.go", behaviourEdit("hello"))
}

// BenchmarkRunGoAfterEditPrintGoCommand: the same built by go build, as
// the runner did before it ran the compiler and the linker itself.
func BenchmarkRunGoAfterEditPrintGoCommand(b *testing.B) {
	benchRunGoAfter(b, true, "greet.go", behaviourEdit("hello"))
}

func benchRunGoAfter(b *testing.B, goCommand bool, name string, edit func(*testing.B, []byte, int) []byte) {
	r := &Runner{CacheDir: b.TempDir(), NoResultCache: true, GoCommandBuilds: goCommand}
	src := benchSource(b, name)
	benchRun(b, r, name, src, Options{Engine: EngineGo}) // warm the go build cache
	i := 0
	for b.Loop() {
		i++
		edited := edit(b, src, i)
		res := benchRun(b, r, name, edited, Options{Engine: EngineGo})
		if want := fmt.Sprintf("(edit %d)", i); bytes.Contains(edited, []byte(want)) && !strings.Contains(res.Stdout(), want) {
			b.Fatalf("output %q does not show the edit %q", res.Stdout(), want)
		}
	}
}

// BenchmarkGoRunAfterEdit is the baseline: `go run` of the same edited
// file, as an author would run it by hand.
func BenchmarkGoRunAfterEdit(b *testing.B) {
	benchGoRunAfter(b, "timeout.go", behaviourEdit("stopped after"))
}

// BenchmarkGoRunAfterCommentEdit is the baseline of the comment edit.
func BenchmarkGoRunAfterCommentEdit(b *testing.B) { benchGoRunAfter(b, "timeout.go", commentEdit) }

// BenchmarkGoRunAfterEditPrint is the baseline of the honest case.
func BenchmarkGoRunAfterEditPrint(b *testing.B) {
	benchGoRunAfter(b, "greet.go", behaviourEdit("hello"))
}

func benchGoRunAfter(b *testing.B, name string, edit func(*testing.B, []byte, int) []byte) {
	dir := b.TempDir()
	src := benchSource(b, name)
	file := filepath.Join(dir, "main.go")
	i := 0
	for b.Loop() {
		i++
		edited := edit(b, src, i)
		if err := os.WriteFile(file, edited, 0o644); err != nil {
			b.Fatal(err)
		}
		cmd := exec.Command("go", "run", file)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("go run: %v\n%s", err, out)
		}
		if want := fmt.Sprintf("(edit %d)", i); bytes.Contains(edited, []byte(want)) && !bytes.Contains(out, []byte(want)) {
			b.Fatalf("output %q does not show the edit %q", out, want)
		}
	}
}

// BenchmarkAfterEditPaired measures the compiled engine and `go run` on
// the same edit in each iteration, one after the other, so that both see
// the same load of a shared machine: x-gorun is the runner's time over go
// run's, the figure the target is held to. greet is the honest case;
// timeout is flattered by its 500 ms of virtual time.
func BenchmarkAfterEditPaired(b *testing.B) {
	for _, c := range []struct{ name, file, printed string }{
		{"greet", "greet.go", "hello"},
		{"timeout", "timeout.go", "stopped after"},
	} {
		b.Run(c.name, func(b *testing.B) {
			r := &Runner{CacheDir: b.TempDir(), NoResultCache: true}
			src := benchSource(b, c.file)
			edit := behaviourEdit(c.printed)
			benchRun(b, r, c.file, src, Options{Engine: EngineGo}) // warm the go build cache
			dir := b.TempDir()
			file := filepath.Join(dir, "main.go")
			var ours, theirs time.Duration
			i := 0
			for b.Loop() {
				i++
				edited := edit(b, src, i)
				want := fmt.Sprintf("(edit %d)", i)
				start := time.Now()
				res := benchRun(b, r, c.file, edited, Options{Engine: EngineGo})
				ours += time.Since(start)
				if !strings.Contains(res.Stdout(), want) {
					b.Fatalf("output %q does not show the edit %q", res.Stdout(), want)
				}
				edited = edit(b, src, -i) // an edit go run has not seen either
				if err := os.WriteFile(file, edited, 0o644); err != nil {
					b.Fatal(err)
				}
				start = time.Now()
				cmd := exec.Command("go", "run", file)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
				out, err := cmd.CombinedOutput()
				theirs += time.Since(start)
				if err != nil {
					b.Fatalf("go run: %v\n%s", err, out)
				}
				if want := fmt.Sprintf("(edit %d)", -i); !bytes.Contains(out, []byte(want)) {
					b.Fatalf("output %q does not show the edit %q", out, want)
				}
			}
			b.ReportMetric(float64(ours.Nanoseconds())/float64(b.N), "runner-ns")
			b.ReportMetric(float64(theirs.Nanoseconds())/float64(b.N), "gorun-ns")
			b.ReportMetric(float64(ours)/float64(theirs), "x-gorun")
		})
	}
}

// BenchmarkRunCached: a repeat run of an unchanged example.
func BenchmarkRunCached(b *testing.B) {
	r := &Runner{CacheDir: b.TempDir()}
	src := benchSource(b, "timeout.go")
	benchRun(b, r, "timeout.go", src, Options{})
	for b.Loop() {
		if res := benchRun(b, r, "timeout.go", src, Options{}); !res.Cached {
			b.Fatal("not served from the cache")
		}
	}
}

// BenchmarkVirtualTwoSecondsYaegi: a program that waits 2 s of virtual
// time, under the interpreter.
func BenchmarkVirtualTwoSecondsYaegi(b *testing.B) {
	r := &Runner{CacheDir: b.TempDir(), NoResultCache: true}
	src := []byte(`package main

import (
	"fmt"
	"time"
)

func main() {
	start := time.Now()
	time.Sleep(2 * time.Second)
	fmt.Println(time.Since(start))
}
`)
	for b.Loop() {
		if res := benchRun(b, r, "sleep.go", src, Options{Engine: EngineYaegi}); res.Stdout() != "2s\n" {
			b.Fatalf("output %q", res.Stdout())
		}
	}
}

// BenchmarkRunGoTraced and BenchmarkRunGoUntraced measure what recording
// the trace costs a context-heavy example (binaries cached).
func BenchmarkRunGoTraced(b *testing.B) { benchTrace(b, false) }

func BenchmarkRunGoUntraced(b *testing.B) { benchTrace(b, true) }

func benchTrace(b *testing.B, noTrace bool) {
	r := &Runner{CacheDir: b.TempDir(), NoResultCache: true}
	src := benchSource(b, "trace.go")
	o := Options{Engine: EngineGo, NoTrace: noTrace}
	benchRun(b, r, "trace.go", src, o)
	for b.Loop() {
		res := benchRun(b, r, "trace.go", src, o)
		if (res.Trace != nil) == noTrace {
			b.Fatalf("trace %v with NoTrace=%v", res.Trace, noTrace)
		}
	}
}
