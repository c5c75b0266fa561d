package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

var (
	sharedOnce   sync.Once
	sharedRunner *Runner
)

// testRunner returns the runner most tests share. Its cache outlives the
// test binary (testCacheDir): a binary is keyed by the runner's sources, the
// Go release and the example's source, so a changed runner or Go rebuilds
// every program, and an unchanged one is not built again. Results are
// never served from the cache: every program runs.
func testRunner(t *testing.T) *Runner {
	t.Helper()
	sharedOnce.Do(func() {
		sharedRunner = &Runner{CacheDir: testCacheDir("runner"), NoResultCache: true}
	})
	return sharedRunner
}

// testCacheDir returns the directory name, made if need be, of the caches
// the package's tests keep across runs, beside the runner's own in the
// user's cache directory.
func testCacheDir(name string) string {
	dir := filepath.Join((&Runner{}).CacheRoot(), "test", name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		panic(err)
	}
	return dir
}

// testCacheIdle is how long a binary of the tests' caches stays unused
// before TestMain removes it: those of runners since changed go, those of
// a version in use stay, even with several versions tested in turn
// (worktrees of one repository).
const testCacheIdle = time.Hour

func TestMain(m *testing.M) {
	if IsChild() {
		ChildMain()
	}
	code := m.Run()
	// The binaries of runners since changed.
	bins, _ := filepath.Glob(filepath.Join((&Runner{}).CacheRoot(), "test", "*", "bin"))
	more, _ := filepath.Glob(filepath.Join((&Runner{}).CacheRoot(), "test", "*", "*", "bin"))
	for _, dir := range append(bins, more...) {
		if err := pruneIdle(dir, testCacheIdle); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	os.Exit(code)
}

// pruneIdle removes the files of dir not used (modified: a cache hit
// marks its binary) for idle.
func pruneIdle(dir string, idle time.Duration) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || time.Since(info.ModTime()) < idle {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// slowMachine is the wall-clock limit of tests that do not test it: many
// times what any of them needs, on a machine busy with other work or under
// the race detector. A test of the wall limit sets its own.
const slowMachine = 2 * time.Minute

func runFile(t *testing.T, r *Runner, name string, o Options) *Result {
	t.Helper()
	if o.Timeout == 0 {
		o.Timeout = slowMachine
	}
	src, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Run(t.Context(), name, src, o)
	if err != nil {
		t.Fatalf("Run(%s): %v", name, err)
	}
	return res
}

func engines(t *testing.T, f func(t *testing.T, e Engine)) {
	for _, e := range []Engine{EngineGo, EngineYaegi} {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			f(t, e)
		})
	}
}

func wantErr(t *testing.T, res *Result, kind Kind, line int) {
	t.Helper()
	if res.Err == nil {
		t.Fatalf("no error, want %s at line %d; output %q", kind, line, res.Combined())
	}
	if res.Err.Kind != kind || res.Err.Line != line {
		t.Fatalf("error %s at line %d (%v), want %s at line %d", res.Err.Kind, res.Err.Line, res.Err, kind, line)
	}
}

func TestTimeoutIsExactVirtualTime(t *testing.T) {
	engines(t, func(t *testing.T, e Engine) {
		res := runFile(t, testRunner(t), "timeout.go", Options{Engine: e})
		want := "stopped after 500ms at 2000-01-01T00:00:00.5Z context deadline exceeded\n"
		if res.Err != nil || res.Stdout() != want {
			t.Fatalf("got %q, err %v; want %q", res.Stdout(), res.Err, want)
		}
		if res.Elapsed != Duration(500*time.Millisecond) {
			t.Errorf("elapsed %v, want 500ms", res.Elapsed)
		}
	})
}

func TestVirtualHourIsInstant(t *testing.T) {
	engines(t, func(t *testing.T, e Engine) {
		res := runFile(t, testRunner(t), "hour.go", Options{Engine: e})
		if res.Err != nil || res.Stdout() != "waited 1h0m0s\n" || res.Elapsed != Duration(time.Hour) {
			t.Fatalf("got %q elapsed %v err %v", res.Stdout(), res.Elapsed, res.Err)
		}
	})
}

func TestPrivateKeyTypes(t *testing.T) {
	r := testRunner(t)
	res := runFile(t, r, "keys.go", Options{Engine: EngineGo})
	if res.Stdout() != "<nil>\n" {
		t.Errorf("compiled engine: got %q, want <nil>", res.Stdout())
	}
	res = runFile(t, r, "keys.go", Options{Engine: EngineBoth})
	if res.Stdout() != "<nil>\n" {
		t.Errorf("both: the result must be the compiled one, got %q", res.Stdout())
	}
	if res.Divergence == nil {
		t.Fatal("both: no divergence reported; yaegi v0.16.1 finds the value under the other key type")
	}
	if !strings.Contains(res.Divergence.Diff, "-stdout| <nil>\n+stdout| alice\n") {
		t.Errorf("divergence diff does not show the two answers:\n%s", res.Divergence.Diff)
	}
}

func TestLoopVariableDivergence(t *testing.T) {
	res := runFile(t, testRunner(t), "loopvar.go", Options{Engine: EngineBoth})
	if res.Stdout() != "210" {
		t.Errorf("compiled: got %q, want 210", res.Stdout())
	}
	if res.Divergence == nil || res.Divergence.Interpreted.Stdout() != "333" {
		t.Fatalf("want a divergence with yaegi printing 333, got %+v", res.Divergence)
	}
}

func TestLeak(t *testing.T) {
	engines(t, func(t *testing.T, e Engine) {
		res := runFile(t, testRunner(t), "leak.go", Options{Engine: e})
		if res.ExitCode != 0 || res.Stdout() != "main returns without reading\n" {
			t.Fatalf("exit %d output %q", res.ExitCode, res.Stdout())
		}
		if len(res.Leaks) != 1 || res.Leaks[0].State != "chan send" {
			t.Fatalf("leaks %+v, want one blocked in chan send", res.Leaks)
		}
		if e == EngineYaegi {
			wantErr(t, res, KindLeak, 0)
			return
		}
		if l := res.Leaks[0]; l.Line != 8 || l.CreatedLine != 7 {
			t.Errorf("leak at line %d started at %d, want 8 and 7", l.Line, l.CreatedLine)
		}
		wantErr(t, res, KindLeak, 8)
		if got := res.Err.Error(); got != "leak.go:8: 1 goroutine leaked: chan send at leak.go:8 (started at leak.go:7)" {
			t.Errorf("message %q", got)
		}
	})
}

func TestNoLeakWhenWorkerStops(t *testing.T) {
	engines(t, func(t *testing.T, e Engine) {
		res := runFile(t, testRunner(t), "late.go", Options{Engine: e})
		if res.Err != nil || len(res.Leaks) != 0 || res.Stdout() != "worker saw context canceled\n" {
			t.Fatalf("err %v leaks %v output %q", res.Err, res.Leaks, res.Stdout())
		}
	})
}

func TestPanic(t *testing.T) {
	engines(t, func(t *testing.T, e Engine) {
		res := runFile(t, testRunner(t), "panic.go", Options{Engine: e})
		wantErr(t, res, KindPanic, 7)
		if res.ExitCode != 2 {
			t.Errorf("exit %d, want 2", res.ExitCode)
		}
		if res.Stdout() != "2\n" || res.Stderr() != "panic: division by zero\n\tat panic.go:7\n" {
			t.Errorf("stdout %q stderr %q", res.Stdout(), res.Stderr())
		}
	})
}

// TestPanicAfterStatement: yaegi names the statement before a panic call;
// the runner reports the call's line under both engines.
func TestPanicAfterStatement(t *testing.T) {
	engines(t, func(t *testing.T, e Engine) {
		res := runFile(t, testRunner(t), "panicafter.go", Options{Engine: e})
		wantErr(t, res, KindPanic, 7)
		if res.Stderr() != "panic: boom\n\tat panicafter.go:7\n" {
			t.Errorf("stderr %q", res.Stderr())
		}
	})
}

func TestPanicInGoroutine(t *testing.T) {
	engines(t, func(t *testing.T, e Engine) {
		res := runFile(t, testRunner(t), "gopanic.go", Options{Engine: e})
		wantErr(t, res, KindPanic, 11)
		if res.ExitCode != 2 || res.Stdout() != "starting\n" {
			t.Errorf("exit %d stdout %q", res.ExitCode, res.Stdout())
		}
		want := "panic: worker failed\n\tat gopanic.go:11\n"
		if e == EngineYaegi {
			// yaegi's error values print as "<error Value>" when they
			// crash a goroutine.
			want = "panic: <error Value>\n\tat gopanic.go:11\n"
		}
		if res.Stderr() != want {
			t.Errorf("stderr %q, want %q", res.Stderr(), want)
		}
	})
}

func TestExit(t *testing.T) {
	engines(t, func(t *testing.T, e Engine) {
		res := runFile(t, testRunner(t), "exit.go", Options{Engine: e})
		wantErr(t, res, KindExit, 0)
		if res.ExitCode != 3 || res.Stdout() != "giving up\n" {
			t.Errorf("exit %d stdout %q", res.ExitCode, res.Stdout())
		}
	})
}

func TestCompileError(t *testing.T) {
	engines(t, func(t *testing.T, e Engine) {
		res := runFile(t, testRunner(t), "compile.go", Options{Engine: e})
		wantErr(t, res, KindCompile, 6)
		if res.Err.Col != 14 || !strings.Contains(res.Err.Msg, "undefined: undefinedName") {
			t.Errorf("got %v, want compile.go:6:14: undefined: undefinedName", res.Err)
		}
	})
}

func TestRefused(t *testing.T) {
	tests := []struct {
		file, want string
		noSandbox  bool // inside the OS sandbox, files are allowed
	}{
		{"refused.go", `refused.go:5:2: import "os/exec" is not allowed in examples`, false},
		{"osfile.go", `refused.go:6:2: os.WriteFile is not allowed in examples`, true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r := testRunner(t)
			if tt.noSandbox {
				r = noSandboxRunner(t)
			}
			for _, e := range []Engine{EngineGo, EngineYaegi, EngineBoth} {
				res := runFile(t, r, tt.file, Options{Engine: e})
				if res.Err == nil || res.Err.Kind != KindRefused {
					t.Fatalf("%s: got %+v, want refused", e, res.Err)
				}
				got := res.Err.Error()
				want := strings.Replace(tt.want, "refused.go", tt.file, 1)
				if !strings.HasPrefix(got, want) {
					t.Errorf("%s: got %q, want prefix %q", e, got, want)
				}
			}
		})
	}
}

// TestEndlessLoopTimesOut: an endless loop is stopped by the wall limit and
// located, whether it is written in main (whose compiled loop has no line
// of its own) or in a helper, under both engines.
func TestEndlessLoopTimesOut(t *testing.T) {
	for file, line := range map[string]int{"loop.go": 5, "loophelper.go": 7} {
		t.Run(file, func(t *testing.T) {
			engines(t, func(t *testing.T, e Engine) {
				res := runFile(t, testRunner(t), file, Options{Engine: e, Timeout: time.Second})
				wantErr(t, res, KindTimeout, line)
				if !strings.Contains(res.Err.Msg, "still running after 1s of real time") {
					t.Errorf("message %q", res.Err.Msg)
				}
				if len(res.Err.Blocked) == 0 || res.Err.Blocked[0].State != "running" && res.Err.Blocked[0].State != "runnable" {
					t.Fatalf("blocked %+v, want main running", res.Err.Blocked)
				}
				if got := res.Err.Blocked[0].Line; got != line {
					t.Errorf("main's goroutine at line %d, want %d", got, line)
				}
			})
		})
	}
}

func TestVirtualBudget(t *testing.T) {
	engines(t, func(t *testing.T, e Engine) {
		res := runFile(t, testRunner(t), "budget.go", Options{Engine: e})
		wantErr(t, res, KindBudget, 0)
		if res.Elapsed != Duration(DefaultBudget) || res.Stdout() != "sleeping for two days\n" {
			t.Errorf("elapsed %v output %q", res.Elapsed, res.Stdout())
		}
		if len(res.Err.Blocked) != 1 || res.Err.Blocked[0].State != "sleep" {
			t.Errorf("blocked %+v, want main sleeping", res.Err.Blocked)
		}
	})
}

// TestDeadlock: a program whose goroutines all wait for ever fails as Go
// says it does, although the budget's timer keeps the bubble alive.
func TestDeadlock(t *testing.T) {
	engines(t, func(t *testing.T, e Engine) {
		res := runFile(t, testRunner(t), "deadlock.go", Options{Engine: e})
		line := 12
		if e == EngineYaegi {
			line = 0 // the interpreter's stacks have no example lines
		}
		wantErr(t, res, KindDeadlock, line)
		if res.ExitCode != 2 || res.Stdout() != "waiting for a value nobody sends\n" ||
			res.Stderr() != "fatal error: all goroutines are asleep - deadlock!\n" {
			t.Errorf("exit %d stdout %q stderr %q", res.ExitCode, res.Stdout(), res.Stderr())
		}
		if len(res.Err.Blocked) != 1 || res.Err.Blocked[0].State != "chan receive" {
			t.Errorf("blocked %+v, want main in chan receive", res.Err.Blocked)
		}
	})
}

func TestOutputTruncated(t *testing.T) {
	engines(t, func(t *testing.T, e Engine) {
		res := runFile(t, testRunner(t), "flood.go", Options{Engine: e, OutputLimit: 1000})
		wantErr(t, res, KindTruncated, 0)
		out := res.Stdout()
		if len(out) != 1000 || !strings.HasPrefix(out, "line 0\nline 1\n") || !res.Truncated {
			t.Errorf("stdout has %d bytes (truncated=%v), want the first 1000", len(out), res.Truncated)
		}
		if !strings.Contains(res.Stderr(), "[output truncated at 1000 bytes]") {
			t.Errorf("no truncation note in stderr %q", res.Stderr())
		}
	})
}

func TestStreamsKeepTheirOrder(t *testing.T) {
	want := []Chunk{
		{Stdout, "one\n"}, {Stderr, "two\n"}, {Stdout, "three\n"}, {Stderr, "four\n"}, {Stdout, "five\n"},
	}
	engines(t, func(t *testing.T, e Engine) {
		for i := 0; i < 3; i++ {
			res := runFile(t, testRunner(t), "order.go", Options{Engine: e})
			if fmt.Sprint(res.Output) != fmt.Sprint(want) {
				t.Fatalf("output %q, want %q", res.Output, want)
			}
		}
	})
}

func TestNetworkBlocksVirtualTime(t *testing.T) {
	engines(t, func(t *testing.T, e Engine) {
		// No wall limit can end it first: the watchdog sees the goroutine
		// in IO wait long before.
		res := runFile(t, testRunner(t), "network.go", Options{Engine: e})
		if res.Err == nil || res.Err.Kind != KindNetwork {
			t.Fatalf("got %v, want a network error", res.Err)
		}
		if !strings.Contains(res.Err.Msg, "real network I/O") || !strings.Contains(res.Err.Msg, "net.Pipe") {
			t.Errorf("message %q", res.Err.Msg)
		}
		if e == EngineGo && res.Err.Line != 15 {
			t.Errorf("line %d, want 15", res.Err.Line)
		}
	})
}

func TestNetworkOnRealClock(t *testing.T) {
	// The same program on the real clock is stuck for real: the limit is
	// the wall clock.
	res := runFile(t, testRunner(t), "network.go", Options{Engine: EngineGo, Realtime: true, Timeout: time.Second})
	if res.Err == nil || res.Err.Kind != KindNetwork && res.Err.Kind != KindTimeout {
		t.Fatalf("got %v", res.Err)
	}
}

func TestMemoryLimit(t *testing.T) {
	engines(t, func(t *testing.T, e Engine) {
		// memory.go reaches 64 MiB in a few dozen native calls; the wall
		// limit is slowMachine.
		res := runFile(t, testRunner(t), "memory.go", Options{Engine: e, MemoryLimit: 64 << 20})
		wantErr(t, res, KindMemory, 0)
	})
}

func TestInterpreterCompilerPanicRecovered(t *testing.T) {
	res := runFile(t, testRunner(t), "rangeint.go", Options{Engine: EngineYaegi})
	wantErr(t, res, KindUnsupported, 7)
	if want := "rangeint.go:7:2: not supported by the interpreter: range over an integer (Go 1.22)"; res.Err.Error() != want {
		t.Errorf("got %q, want %q", res.Err.Error(), want)
	}
	res = runFile(t, testRunner(t), "rangeint.go", Options{Engine: EngineBoth})
	if res.Err != nil || res.Stdout() != "counting\n0\n1\n2\n" {
		t.Errorf("compiled result: %v %q", res.Err, res.Stdout())
	}
	if res.Divergence == nil || !strings.Contains(res.Divergence.Diff, "+failure: unsupported") {
		t.Errorf("want a divergence naming the unsupported construct, got %+v", res.Divergence)
	}
}

func TestCancelKillsChild(t *testing.T) {
	engines(t, func(t *testing.T, e Engine) {
		r := testRunner(t)
		src, err := os.ReadFile("testdata/loop.go")
		if err != nil {
			t.Fatal(err)
		}
		if e == EngineGo {
			// Build first, so that the cancellation hits the running
			// program rather than the compiler.
			if _, _, err := r.build(t.Context(), "loop.go", src); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		done := make(chan error, 1)
		var pids []int
		go func() {
			_, err := r.Run(ctx, "loop.go", src, Options{Engine: e, Timeout: slowMachine})
			done <- err
		}()
		// Wait until the child runs, then cancel.
		deadline := time.Now().Add(slowMachine)
		for len(pids) == 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
			pids = childPIDs(t, e)
		}
		if len(pids) == 0 {
			t.Fatal("the child never started")
		}
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Run returned %v, want context.Canceled", err)
			}
		case <-time.After(slowMachine):
			t.Fatal("Run did not return after its context was cancelled")
		}
		for _, pid := range pids {
			if alive(pid) {
				t.Errorf("child %d still alive after cancel", pid)
			}
		}
	})
}

// childPIDs finds the runner's children that run loop.go.
func childPIDs(t *testing.T, e Engine) []int {
	t.Helper()
	procs, _ := filepath.Glob("/proc/[0-9]*")
	var out []int
	for _, p := range procs {
		env, err := os.ReadFile(filepath.Join(p, "environ"))
		if err != nil || !strings.Contains(string(env), "SIGNALWIRE_HARNESS=") || !strings.Contains(string(env), `"file":"`) {
			continue
		}
		isInterp := strings.Contains(string(env), childEnv+"=yaegi")
		stat, _ := os.ReadFile(filepath.Join(p, "stat"))
		if (e == EngineYaegi) != isInterp || strings.Contains(string(stat), ") Z ") {
			continue
		}
		if !strings.Contains(string(env), `loop.go"`) {
			continue
		}
		var pid int
		fmt.Sscan(filepath.Base(p), &pid)
		out = append(out, pid)
	}
	return out
}

func alive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	return err == nil && !strings.Contains(string(stat), ") Z ")
}

func TestResultCache(t *testing.T) {
	r := &Runner{CacheDir: t.TempDir()}
	src, err := os.ReadFile("testdata/timeout.go")
	if err != nil {
		t.Fatal(err)
	}
	first, err := r.Run(t.Context(), "timeout.go", src, Options{Engine: EngineYaegi, Timeout: slowMachine})
	if err != nil || first.Cached {
		t.Fatalf("first run: %v cached=%v", err, first.Cached)
	}
	second, err := r.Run(t.Context(), "timeout.go", src, Options{Engine: EngineYaegi, Timeout: slowMachine})
	if err != nil || !second.Cached || second.Stdout() != first.Stdout() {
		t.Fatalf("second run: %v cached=%v %q", err, second.Cached, second.Stdout())
	}
	edited := append([]byte(nil), src...)
	edited = []byte(strings.Replace(string(edited), "500*time.Millisecond", "300*time.Millisecond", 1))
	third, err := r.Run(t.Context(), "timeout.go", edited, Options{Engine: EngineYaegi, Timeout: slowMachine})
	if err != nil || third.Cached || !strings.HasPrefix(third.Stdout(), "stopped after 300ms") {
		t.Fatalf("edited run: %v cached=%v %q", err, third.Cached, third.Stdout())
	}
}

// TestCancelledCallDoesNotPoisonRunner: a call whose context is cancelled
// fails, and the next call with a live context works (the go command's
// lookup must not keep the first caller's context error).
func TestCancelledCallDoesNotPoisonRunner(t *testing.T) {
	r := &Runner{CacheDir: t.TempDir()}
	src, err := os.ReadFile("testdata/timeout.go")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := r.Run(ctx, "timeout.go", src, Options{Engine: EngineGo, Timeout: slowMachine}); !errors.Is(err, context.Canceled) {
		t.Fatalf("run with a cancelled context: %v, want context.Canceled", err)
	}
	res, err := r.Run(t.Context(), "timeout.go", src, Options{Engine: EngineGo, Timeout: slowMachine})
	if err != nil {
		t.Fatalf("run after a cancelled one: %v", err)
	}
	if res.Err != nil || !strings.HasPrefix(res.Stdout(), "stopped after 500ms") {
		t.Fatalf("run after a cancelled one: %v %q", res.Err, res.Stdout())
	}
}

// TestVersionIgnoresTests: editing a test must not throw away every cached
// binary and result; editing the harness must.
func TestVersionIgnoresTests(t *testing.T) {
	files := func(test, harness string) fstest.MapFS {
		return fstest.MapFS{
			"runner.go":              {Data: []byte("package runner")},
			"runner_test.go":         {Data: []byte(test)},
			"harness/harness.go":     {Data: []byte(harness)},
			"harness/stacks_test.go": {Data: []byte(test)},
		}
	}
	base := versionOf(files("a", "a"))
	if got := versionOf(files("b", "a")); got != base {
		t.Errorf("editing a test changed the version: %s, was %s", got, base)
	}
	if got := versionOf(files("a", "b")); got == base {
		t.Errorf("editing the harness kept the version %s", got)
	}
}

// TestInterpreterChildMustBeCalled: a program that runs examples under the
// interpreter without calling ChildMain at the top of its main gets an error
// that says what to write, not a silent empty run.
func TestInterpreterChildMustBeCalled(t *testing.T) {
	exe, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no true command")
	}
	r := &Runner{CacheDir: t.TempDir(), NoResultCache: true, self: exe}
	src, err := os.ReadFile("testdata/timeout.go")
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Run(t.Context(), "timeout.go", src, Options{Engine: EngineYaegi, Timeout: slowMachine})
	if err == nil {
		t.Fatalf("got a result (%v, %q), want an error naming runner.ChildMain", res.Err, res.Combined())
	}
	if !strings.Contains(err.Error(), "runner.ChildMain()") {
		t.Errorf("error %q does not say to call runner.ChildMain", err)
	}
}

// TestCrashTextIsNotACrash: only the runtime's own crash, which exits with
// status 2, is a panic or a fatal error.
func TestCrashTextIsNotACrash(t *testing.T) {
	engines(t, func(t *testing.T, e Engine) {
		res := runFile(t, testRunner(t), "fakepanic.go", Options{Engine: e})
		if res.Err != nil || res.ExitCode != 0 {
			t.Fatalf("exit %d error %v, want a clean exit", res.ExitCode, res.Err)
		}
		// yaegi's println writes to stdout.
		if out := res.Combined(); !strings.Contains(out, "panic: not really") || !strings.Contains(out, "fatal error: not really either") {
			t.Errorf("output %q lost what the program printed", out)
		}
	})
}

// TestRuntimeOutputTruncated: the output limit and its marker apply to what
// the runtime writes itself (println) as to os.Stdout.
func TestRuntimeOutputTruncated(t *testing.T) {
	engines(t, func(t *testing.T, e Engine) {
		res := runFile(t, testRunner(t), "printflood.go", Options{Engine: e, OutputLimit: 100 << 10})
		wantErr(t, res, KindTruncated, 0)
		if !res.Truncated || !strings.HasSuffix(res.Stderr(), "\n[output truncated at 102400 bytes]\n") {
			t.Errorf("truncated=%v, stderr ends %q", res.Truncated, tail(res.Stderr(), 60))
		}
		// yaegi's println writes to stdout.
		if n := strings.Count(res.Combined(), "x"); n < 90<<10 || n > 100<<10 {
			t.Errorf("output has %d x, want about the 100 KiB limit", n)
		}
	})
}

func tail(s string, n int) string {
	return s[max(0, len(s)-n):]
}

// TestStackOverflow: an endless recursion is a stack overflow, at once.
func TestStackOverflow(t *testing.T) {
	engines(t, func(t *testing.T, e Engine) {
		res := runFile(t, testRunner(t), "recurse.go", Options{Engine: e})
		line := 5 // the function whose call overflowed, as the runtime says
		if e == EngineYaegi {
			line = 0 // the interpreter's stack has no example lines
		}
		wantErr(t, res, KindFatal, line)
		if !strings.HasPrefix(res.Err.Msg, "stack overflow: goroutine stack exceeds 67108864-byte limit") {
			t.Errorf("message %q", res.Err.Msg)
		}
		if res.ExitCode != 2 || res.Stderr() != "runtime: goroutine stack exceeds 67108864-byte limit\nfatal error: stack overflow\n" {
			t.Errorf("exit %d stderr %q", res.ExitCode, tail(res.Stderr(), 300))
		}
	})
}

// TestExitKeepsTimeAndTrace: a program that ends with os.Exit keeps its
// virtual time and its trace.
func TestExitKeepsTimeAndTrace(t *testing.T) {
	engines(t, func(t *testing.T, e Engine) {
		res := runFile(t, testRunner(t), "exitlate.go", Options{Engine: e})
		wantErr(t, res, KindExit, 0)
		if res.ExitCode != 4 || res.Stdout() != "gave up: context deadline exceeded\n" {
			t.Errorf("exit %d stdout %q", res.ExitCode, res.Stdout())
		}
		if res.Elapsed != Duration(2*time.Second) {
			t.Errorf("elapsed %v, want 2s", res.Elapsed)
		}
		if res.Trace == nil || res.Trace.End != Duration(2*time.Second) || len(res.Trace.Contexts) < 2 {
			t.Fatalf("trace %+v, want the contexts and an end at 2s", res.Trace)
		}
		if c := res.Trace.Contexts[len(res.Trace.Contexts)-1]; c.Kind != "WithTimeout" || c.Reason != "deadline" {
			t.Errorf("last context %+v, want the WithTimeout, done by its deadline", c)
		}
	})
}

// TestManyLeaks: ten thousand leaked goroutines are reported as leaks, all
// counted, a bounded number listed.
func TestManyLeaks(t *testing.T) {
	engines(t, func(t *testing.T, e Engine) {
		res := runFile(t, testRunner(t), "manyleaks.go", Options{Engine: e})
		line := 8
		if e == EngineYaegi {
			line = 0
		}
		wantErr(t, res, KindLeak, line)
		if res.LeakCount != 10000 || len(res.Leaks) != 100 {
			t.Errorf("%d leaks counted, %d listed; want 10000 and 100", res.LeakCount, len(res.Leaks))
		}
		if !strings.HasPrefix(res.Err.Msg, "10000 goroutines leaked: chan send") || !strings.HasSuffix(res.Err.Msg, " ×100; and 9900 more") {
			t.Errorf("message %q", res.Err.Msg)
		}
	})
}

// TestLeakAsleepInHelper: a goroutine asleep in a helper when main returns
// is reported where it is, with the line that called the helper: the send
// that would block for ever.
func TestLeakAsleepInHelper(t *testing.T) {
	res := runFile(t, testRunner(t), "leaksleep.go", Options{Engine: EngineGo})
	wantErr(t, res, KindLeak, 9)
	want := "leaksleep.go:9: 1 goroutine leaked: sleep at leaksleep.go:9, called from leaksleep.go:16 (started at leaksleep.go:15)"
	if got := res.Err.Error(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if l := res.Leaks[0]; len(l.Callers) != 1 || l.Callers[0] != 16 {
		t.Errorf("leak %+v, want called from line 16", l)
	}
}
