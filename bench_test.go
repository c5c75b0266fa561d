package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"signalwire/check"
	"signalwire/runner"
	"signalwire/site"
)

// Benchmarks of the real book. scripts/bench.sh prints their medians and
// ratios: a warm rebuild and a cold build against rendering alone.

// BenchmarkBookRender: load and render the book with no example run.
func BenchmarkBookRender(b *testing.B) {
	fsys := os.DirFS(".")
	var pages int
	for b.Loop() {
		s := &site.Site{}
		book, err := s.Load(fsys)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Render(book, nil); err != nil {
			b.Fatal(err)
		}
		pages = len(book.Chapters)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(pages), "ns/page")
}

// BenchmarkBookWarmBuild: load, run (every result cached), verify and
// render the book: a rebuild with nothing changed.
func BenchmarkBookWarmBuild(b *testing.B) {
	r := &runner.Runner{}
	ctx := context.Background()
	build := func() int {
		s := &site.Site{Runner: r}
		book, err := s.Load(os.DirFS("."))
		if err != nil {
			b.Fatal(err)
		}
		results, err := s.Run(ctx, book)
		if err != nil {
			b.Fatal(err)
		}
		if err := site.Verify(book, results); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Render(book, results); err != nil {
			b.Fatal(err)
		}
		return len(book.Chapters)
	}
	pages := build() // warm the cache
	for b.Loop() {
		build()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(pages), "ns/page")
}

// BenchmarkBookColdBuild: the same with an empty runner cache, so that
// every example is compiled and run (Go's own build cache stays warm).
func BenchmarkBookColdBuild(b *testing.B) {
	ctx := context.Background()
	var examples int
	for b.Loop() {
		b.StopTimer()
		dir, err := os.MkdirTemp("", "signalwire-bench-")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		s := &site.Site{Runner: &runner.Runner{CacheDir: dir}}
		book, err := s.Load(os.DirFS("."))
		if err != nil {
			b.Fatal(err)
		}
		results, err := s.Run(ctx, book)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Render(book, results); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		os.RemoveAll(dir)
		b.StartTimer()
		examples = len(book.Examples)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(examples), "ns/example")
}

// BenchmarkCheckWarm: `go run . check` of the whole book with every run
// and go vet finding cached.
func BenchmarkCheckWarm(b *testing.B) {
	r := &runner.Runner{}
	c := &check.Checker{Root: ".", Site: &site.Site{Runner: r}}
	var out bytes.Buffer
	c.Out = &out
	if err := c.Check(context.Background()); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := c.Check(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckCold: `go run . check` of the whole book with empty
// caches: every example is compiled once and run twice under both
// engines, and vetted. ns/example is its cost per example.
func BenchmarkCheckCold(b *testing.B) {
	var examples int
	for b.Loop() {
		b.StopTimer()
		dir, err := os.MkdirTemp("", "signalwire-bench-")
		if err != nil {
			b.Fatal(err)
		}
		r := &runner.Runner{CacheDir: dir}
		c := &check.Checker{Root: ".", Site: &site.Site{Runner: r}, Out: &bytes.Buffer{}}
		b.StartTimer()
		if err := c.Check(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		os.RemoveAll(dir)
		b.StartTimer()
		examples = 60
		if s, err := (&site.Site{}).Load(os.DirFS(".")); err == nil {
			examples = len(s.Examples)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(examples), "ns/example")
}

// The command line, end to end, as a reader types it: the tool's own
// start-up (every package's init, chroma's registries and yaegi's symbol
// tables included), the interpreter's child process (the same binary
// again) and the harness. The floor is a hello-world binary: the cost of
// starting any Go process here.

// cliBinaries builds the tool and a hello-world program once per
// benchmark into a temporary directory.
func cliBinaries(b *testing.B) (tool, hello string) {
	b.Helper()
	dir := b.TempDir()
	tool, hello = filepath.Join(dir, "signalwire"), filepath.Join(dir, "hello")
	if err := os.WriteFile(filepath.Join(dir, "hello.go"), []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, c := range [][]string{{"build", "-o", tool, "."}, {"build", "-o", hello, filepath.Join(dir, "hello.go")}} {
		if out, err := exec.Command("go", c...).CombinedOutput(); err != nil {
			b.Fatalf("go %v: %v\n%s", c, err, out)
		}
	}
	return tool, hello
}

func benchCommand(b *testing.B, want string, name string, args ...string) {
	b.Helper()
	for b.Loop() {
		out, err := exec.Command(name, args...).Output()
		if err != nil {
			b.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
		if !bytes.Contains(out, []byte(want)) {
			b.Fatalf("%s %v printed %q, want %q in it", name, args, out, want)
		}
	}
}

// BenchmarkCLIYaegiTimeout: `signalwire run -engine yaegi -nocache
// examples/timeout/main.go`, the README's figure for the interpreter: every
// run but the first after a build, whose verdict on the sandbox is cached
// (a run before the loop makes it; BenchmarkCLIYaegiTimeoutFirstRun is the
// first).
func BenchmarkCLIYaegiTimeout(b *testing.B) {
	tool, _ := cliBinaries(b)
	cache := cliCache(b)
	runCLI(b, cache, "doWork returned after 500ms", tool, "run", "-engine", "yaegi", "-nocache", "examples/timeout/main.go")
	benchCLI(b, func() string { return cache }, "doWork returned after 500ms", tool, "run", "-engine", "yaegi", "-nocache", "examples/timeout/main.go")
}

// BenchmarkCLIHelp: the tool starting and exiting, nothing run: its
// start-up alone.
func BenchmarkCLIHelp(b *testing.B) {
	tool, _ := cliBinaries(b)
	benchCommand(b, "run", tool, "help")
}

// BenchmarkCLIFloor: a hello-world Go binary, the baseline of the two
// above.
func BenchmarkCLIFloor(b *testing.B) {
	_, hello := cliBinaries(b)
	benchCommand(b, "hello", hello)
}

// BenchmarkCLIYaegiTimeoutFirstRun: the same command as the first run after
// a build (or a boot): each run has an empty cache, so the runner probes
// the sandbox, in a process of its own, before it runs the example.
func BenchmarkCLIYaegiTimeoutFirstRun(b *testing.B) {
	tool, _ := cliBinaries(b)
	benchCLI(b, func() string { return cliCache(b) }, "doWork returned after 500ms", tool, "run", "-engine", "yaegi", "-nocache", "examples/timeout/main.go")
}

// cliCache returns an empty directory for the runner's cache (the user's
// cache directory, XDG_CACHE_HOME, of the tool's runs).
func cliCache(b *testing.B) string {
	b.Helper()
	dir, err := os.MkdirTemp(b.TempDir(), "cache-")
	if err != nil {
		b.Fatal(err)
	}
	return dir
}

// benchCLI runs the command line in a loop, each time with the cache
// directory cache returns (made outside the timer).
func benchCLI(b *testing.B, cache func() string, want string, name string, args ...string) {
	b.Helper()
	for b.Loop() {
		b.StopTimer()
		dir := cache()
		b.StartTimer()
		runCLI(b, dir, want, name, args...)
	}
}

func runCLI(b *testing.B, cache string, want string, name string, args ...string) {
	b.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+cache)
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	if !bytes.Contains(out, []byte(want)) {
		b.Fatalf("%s %v printed %q, want %q in it", name, args, out, want)
	}
}
