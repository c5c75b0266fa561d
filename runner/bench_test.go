package runner

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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

// behaviourEdit returns src with the text of its first printed string
// changed to say i, so that every edit changes what the program does.
func behaviourEdit(b *testing.B, src []byte, i int) []byte {
	b.Helper()
	old := []byte(`"stopped after"`)
	if !bytes.Contains(src, old) {
		b.Fatalf("the benchmark's program no longer prints %s", old)
	}
	return bytes.Replace(src, old, fmt.Appendf(nil, `"stopped (edit %d) after"`, i), 1)
}

// commentEdit returns src with a comment that says i appended.
func commentEdit(_ *testing.B, src []byte, i int) []byte {
	return fmt.Appendf(append([]byte(nil), src...), "\n// edit %d\n", i)
}

// BenchmarkRunGoAfterEdit: the compiled engine on a source it has never
// seen, changed in what it prints: build and run.
func BenchmarkRunGoAfterEdit(b *testing.B) { benchRunGoAfter(b, behaviourEdit) }

// BenchmarkRunGoAfterCommentEdit: the same after an edit of a comment
// only (no new link).
func BenchmarkRunGoAfterCommentEdit(b *testing.B) { benchRunGoAfter(b, commentEdit) }

func benchRunGoAfter(b *testing.B, edit func(*testing.B, []byte, int) []byte) {
	r := &Runner{CacheDir: b.TempDir(), NoResultCache: true}
	src := benchSource(b, "timeout.go")
	benchRun(b, r, "timeout.go", src, Options{Engine: EngineGo}) // warm the go build cache
	i := 0
	for b.Loop() {
		i++
		edited := edit(b, src, i)
		res := benchRun(b, r, "timeout.go", edited, Options{Engine: EngineGo})
		if want := fmt.Sprintf("(edit %d)", i); bytes.Contains(edited, []byte(want)) && !strings.Contains(res.Stdout(), want) {
			b.Fatalf("output %q does not show the edit %q", res.Stdout(), want)
		}
	}
}

// BenchmarkGoRunAfterEdit is the baseline: `go run` of the same edited
// file, as an author would run it by hand.
func BenchmarkGoRunAfterEdit(b *testing.B) { benchGoRunAfter(b, behaviourEdit) }

// BenchmarkGoRunAfterCommentEdit is the baseline of the comment edit.
func BenchmarkGoRunAfterCommentEdit(b *testing.B) { benchGoRunAfter(b, commentEdit) }

func benchGoRunAfter(b *testing.B, edit func(*testing.B, []byte, int) []byte) {
	dir := b.TempDir()
	src := benchSource(b, "timeout.go")
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
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go run: %v\n%s", err, out)
		}
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
