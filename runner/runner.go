// Package runner executes one example program and reports exactly what it
// did.
//
// # Engines
//
// An example runs under one of two engines, or both:
//
//   - EngineGo compiles the program with the installed Go toolchain and runs
//     the binary. It is the truth.
//   - EngineYaegi interprets the program with yaegi. It is fast, which makes
//     it good for instant previews, but not faithful: yaegi v0.16.1 lacks Go
//     1.22+ syntax and generic standard library functions, and it can print
//     wrong output without any error.
//   - EngineBoth (the default) runs both. The result is the compiled one; if
//     the interpreter's output, exit status, error kind, virtual time or leaks
//     differ, the result carries a [Divergence] with a diff, and only then
//     (JSON: "divergence" is present exactly when the engines differ).
//     On the real clock a duration the program prints ("500.87ms") is a
//     measurement that differs from run to run, so there, and only there,
//     every duration in the output compares equal to any other; the rest of
//     the output must still match.
//
// The interpreter runs in a child process that is the calling program
// itself, re-executed: a program that uses EngineYaegi or EngineBoth must
// begin its main (and the TestMain of its tests) with
//
//	if runner.IsChild() {
//		runner.ChildMain()
//	}
//
// A program that forgets gets an error saying so, not a wrong result.
//
// # What an example may do
//
// An example is one file of package main with a main function. Inside the
// OS sandbox (see [Isolation]) it may import the whole standard library
// except what escapes the sandbox's rules or breaks the harness, listed by
// [RefusedImports] (os/exec, os.StartProcess, syscall, unsafe, plugin, cgo,
// runtime/debug, testing, most of runtime, //go:linkname, //go:embed);
// file operations work on its run directory. Under any isolation it may
// also import the packages outside the standard library that the runner
// carries, listed by [ModuleImports] (golang.org/x/sync/errgroup: see
// modules.go). Without the sandbox, it may import only those and the
// packages listed by [AllowedImports]; from os only Args,
// Exit, Getenv, LookupEnv, Stdin, Stdout, Stderr, Interrupt, Kill and
// Signal. What is not allowed is refused before anything runs, under both
// engines, with the position of the offending import or use. So is a file
// that go build would exclude by its build constraints (//go:build ignore
// excepted), and a variable or composite literal larger than the memory
// limit.
//
// # The virtual clock
//
// Unless the run is on the real clock (Options.Realtime), main runs inside a
// testing/synctest bubble: time starts at 2000-01-01 00:00:00 UTC and moves
// only when every goroutine of the bubble is durably blocked, so sleeps,
// tickers, time.After and context deadlines finish at once with exact
// durations: a program that waits an hour finishes in milliseconds and
// prints "500ms", never "500.2371ms". Time stops when main returns.
// A goroutine blocked on real network I/O is not durably blocked, so it keeps
// virtual time from advancing; the watchdog reports such a run as
// [KindNetwork]. Use the real clock, or net.Pipe, for such examples. The same
// holds for a channel or mutex created outside the bubble, such as one in a
// package-level variable ([KindStuck]). A program whose goroutines all wait
// for something that can never happen fails as Go reports it,
// "fatal error: all goroutines are asleep - deadlock!" ([KindDeadlock]),
// with where each one waits.
//
// init functions run in the bubble under both engines; package-level
// variables are initialized on the real clock under the compiled engine,
// before any code of the harness runs, and in the bubble under the
// interpreter.
//
// # Isolation and limits
//
// Each run happens in a child process of its own process group, in an empty
// temporary directory, with a minimal environment (TZ=UTC, LANG=C). On Linux
// the child is also in an OS sandbox: new user, mount, PID, network (only
// its own loopback), IPC and UTS namespaces, a private root holding only
// the run directory and the program, Landlock, no_new_privs and a data
// rlimit set before any of the example's code runs; where the machine
// cannot build it, runs fall back to the import allowlist alone, and each
// [Result] records its [Isolation]. Leaked
// goroutines, panics, os.Exit, endless loops and runaway memory cannot hurt
// the caller. Limits: wall-clock time (Options.Timeout, default 10s),
// virtual time (Options.Budget, default 24h), output (Options.OutputLimit,
// default 1 MiB, counting what the runtime writes itself, such as println;
// then the output is cut, marked "[output truncated at N bytes]" and the
// run stopped), memory (Options.MemoryLimit, default 512 MiB) and a
// goroutine's stack (64 MiB: an endless recursion fails at once with Go's
// "goroutine stack exceeds" fatal error, reported as a stack overflow at
// the recursing function). Cancelling the caller's context kills the
// child's process group at once.
//
// A program stopped by the wall clock is reported with where each of its
// goroutines was; one that was running is placed at its endless loop. A
// compiled loop with an empty body has no line of its own (the runtime says
// line 1) and the interpreter's stacks have no example lines, so the runner
// finds the loop in the source: a for statement with no condition that
// nothing in its body leaves, in the function the stack names (for the
// interpreter: in main, else the only one in the file).
//
// # Output
//
// The child's stdout and stderr reach the runner in one queue, so their
// order is kept. (The compiled program's os.Stdout and os.Stderr are
// datagram sockets of their own, connected to one socket of the runner,
// which tells them apart by sender: see harness.OutputEnv; the
// interpreter's streams are frames on the frames descriptor.) What the runtime writes itself, such as
// println or a crash, comes last. Output written after main returned is
// dropped: the program is over, as it would be without the runner.
//
// # Leaks
//
// When main returns, the harness waits until every other goroutine of the
// bubble is blocked (synctest.Wait). Any goroutine still there is a leak: the
// result lists each with what it is blocked on (chan send, chan receive,
// select, sleep, ...), the example's line where it is blocked, the example's
// lines of the calls that led there (Leak.Callers) and the line of the go
// statement that started it. Time stops when main returns, so this is where
// each goroutine is at that moment: one asleep in a helper
// ("ch <- slowLookup()") is reported asleep at the helper's line, called
// from the send that would block for ever; an example that wants the send
// itself reported waits past the sleep before main returns. The
// interpreter knows the states but not the lines. Result.Leaks lists at
// most 100 leaks, Result.LeakCount counts them all, and the message groups
// alike ones ("chan send at main.go:8 ×100; and 9900 more"). On the real
// clock, the goroutines started by the example are watched until they
// settle.
//
// # os.Exit
//
// A program that calls os.Exit (or log.Fatal) ends with that status, as in
// Go: deferred calls do not run and other goroutines are not leaks. Its
// virtual time and trace are kept, under both engines: the compiled
// program's calls of os.Exit and log.Fatal, rewritten to call a wrapper,
// and the interpreter's, by the function it is given, report to the harness
// first. (An os.Exit inside a package the example imports, such as flag's,
// still ends the program with its status, without the time and trace.)
// Only the runtime's own crash, which exits with status 2, is a panic or a
// fatal error: text such as "panic: ..." printed by a program that then
// exits normally is output.
//
// # Panics
//
// A panic ends the run with exit status 2 and [KindPanic]; the result's
// stderr ends with "panic: <value>" and the example's line where it
// happened, the same under both engines.
//
// # Caching
//
// Compiled binaries are cached by the example's source, the runner's
// [Version] (its code, tests excluded) and the Go version. Results are cached by the same plus the
// engine and every option that changes behaviour, so a repeat run of an
// unchanged example executes nothing. Runs stopped by the wall clock, the
// memory limit or the caller are not cached.
package runner

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"signalwire/runner/harness"
)

// Engine selects how an example runs.
type Engine string

// Engines.
const (
	EngineGo    Engine = "go"
	EngineYaegi Engine = "yaegi"
	EngineBoth  Engine = "both"
)

// Defaults of [Options].
const (
	DefaultTimeout     = 10 * time.Second
	DefaultBudget      = 24 * time.Hour
	DefaultOutputLimit = 1 << 20
	DefaultMemoryLimit = 512 << 20
)

// Options control one run.
type Options struct {
	Engine      Engine        // default EngineBoth
	Realtime    bool          // run on the real clock
	Timeout     time.Duration // wall-clock limit
	Budget      time.Duration // virtual-time limit
	OutputLimit int           // bytes of stdout and stderr together
	MemoryLimit int64         // bytes
	GOMAXPROCS  int           // 0 leaves the runtime's default
	NoTrace     bool          // do not record the trace of contexts and goroutines
}

func (o Options) withDefaults() Options {
	if o.Engine == "" {
		o.Engine = EngineBoth
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Budget <= 0 {
		o.Budget = DefaultBudget
	}
	if o.OutputLimit <= 0 {
		o.OutputLimit = DefaultOutputLimit
	}
	if o.MemoryLimit <= 0 {
		o.MemoryLimit = DefaultMemoryLimit
	}
	return o
}

func (o Options) harnessConfig(file string) harness.Config {
	return harness.Config{
		Realtime: o.Realtime,
		Budget:   o.Budget,
		Wall:     o.Timeout,
		Memory:   o.MemoryLimit,
		File:     file,
	}
}

// Runner runs examples. Its zero value is ready to use; a Runner may be used
// by several goroutines at once.
type Runner struct {
	// Go is the go command; "go" when empty.
	Go string
	// CacheDir keeps compiled binaries and results; when empty, the
	// directory "signalwire" in the user's cache directory.
	CacheDir string
	// NoResultCache runs every example even when a result is cached.
	NoResultCache bool
	// NoSandbox runs examples without the OS sandbox, with the import
	// allowlist as their only fence (see [Isolation]).
	NoSandbox bool

	// self is the program re-executed as the interpreter's child;
	// os.Executable() when empty.
	self string

	// toolLock (a one-slot semaphore, so that waiting honours the
	// caller's context) guards tool, which is set once a lookup succeeds.
	toolLock chan struct{}
	toolInit sync.Once
	tool     *toolchain

	mu    sync.Mutex
	locks map[string]*keyLock
}

func (r *Runner) goCmd() string {
	if r.Go != "" {
		return r.Go
	}
	return "go"
}

// CacheRoot returns the directory the runner caches in; other tools keep
// their own content-addressed caches under it.
func (r *Runner) CacheRoot() string { return r.cacheDir() }

// GoCommand returns the go command the runner builds with. Tools that run
// other go subcommands on examples (the check's go vet) use it, so that
// they and the runner cannot use different toolchains.
func (r *Runner) GoCommand() string { return r.goCmd() }

// GoVersion returns the version of the runner's go command ("go1.26.8"),
// for keys of caches kept beside the runner's.
func (r *Runner) GoVersion(ctx context.Context) (string, error) {
	t, err := r.toolchain(ctx)
	if err != nil {
		return "", err
	}
	return t.version, nil
}

func (r *Runner) cacheDir() string {
	if r.CacheDir != "" {
		return r.CacheDir
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "signalwire")
}

// Run runs the example in file, whose content is src. file is the name used
// in messages ("examples/timeout/main.go"). The returned error is about the
// runner itself (no go command, the caller's context cancelled); everything
// the example did, failures included, is in the Result.
func (r *Runner) Run(ctx context.Context, file string, src []byte, opts Options) (*Result, error) {
	res, gen, err := r.run(ctx, file, src, opts)
	if errors.Is(err, errFence) && r.staleVerdict(ctx, gen) {
		// The verdict that the sandbox works came from the cache and is
		// stale: nothing of the example ran. Run it again under the
		// verdict of a new probe (isolation.go).
		res, _, err = r.run(ctx, file, src, opts)
	}
	return res, err
}

// run is Run under the sandbox verdict of generation gen.
func (r *Runner) run(ctx context.Context, file string, src []byte, opts Options) (res *Result, gen int, err error) {
	o := opts.withDefaults()
	iso, gen := r.isolation(ctx) // the OS sandbox: isolation.go
	if err := r.noSandboxError(iso); err != nil {
		return nil, gen, err
	}
	if e := check(file, src, iso, o); e != nil {
		return &Result{Engine: o.Engine, ExitCode: -1, Err: e, Realtime: o.Realtime, Isolation: iso}, gen, nil
	}
	key, err := r.resultKey(ctx, file, src, o)
	if err != nil {
		return nil, gen, err
	}
	if res := r.cachedResult(key); res != nil {
		return res, gen, nil
	}
	switch o.Engine {
	case EngineGo:
		res, err = r.runCompiled(ctx, file, src, o)
	case EngineYaegi:
		res, err = r.runInterp(ctx, file, src, o)
	case EngineBoth:
		res, err = r.runBoth(ctx, file, src, o)
	default:
		return nil, gen, fmt.Errorf("unknown engine %q (want go, yaegi or both)", o.Engine)
	}
	if err != nil {
		return nil, gen, err
	}
	res.Isolation = iso
	if res.Divergence != nil && res.Divergence.Interpreted != nil {
		res.Divergence.Interpreted.Isolation = iso
	}
	r.storeResult(key, res)
	return res, gen, nil
}

// runBoth runs the two engines side by side and compares them.
func (r *Runner) runBoth(ctx context.Context, file string, src []byte, o Options) (*Result, error) {
	var (
		wg      sync.WaitGroup
		interp  *Result
		ierr    error
		ctxI, c = context.WithCancel(ctx)
	)
	defer c()
	wg.Add(1)
	go func() {
		defer wg.Done()
		interp, ierr = r.runInterp(ctxI, file, src, o)
	}()
	res, err := r.runCompiled(ctx, file, src, o)
	if err != nil {
		c()
	}
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if ierr != nil {
		return nil, ierr
	}
	res.Engine = EngineBoth
	res.Divergence = compare(res, interp)
	return res, nil
}

//go:embed *.go harness/*.go harness/swcontext/*.go harness/swsignal/*.go
var embedded embed.FS

var (
	versionOnce sync.Once
	version     string
)

// Version identifies the runner's code: a hash of what decides a result,
// its sources and the harness, tests excluded. Cached binaries
// and results are keyed by it, so a change to the runner never serves a
// stale result, and editing a test throws nothing away.
func Version() string {
	versionOnce.Do(func() { version = versionOf(embedded, carriedFS) })
	return version
}

// versionOf hashes the files of each file system that are not tests.
func versionOf(fsyss ...fs.FS) string {
	h := sha256.New()
	for _, fsys := range fsyss {
		var names []string
		err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && !strings.HasSuffix(p, "_test.go") {
				names = append(names, p)
			}
			return nil
		})
		if err != nil {
			panic(err) // an embedded file system cannot fail
		}
		sort.Strings(names)
		for _, n := range names {
			b, err := fs.ReadFile(fsys, n)
			if err != nil {
				panic(err)
			}
			fmt.Fprintf(h, "%s\x00%d\x00", n, len(b))
			h.Write(b)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// keyLock serializes work on one cache key within a process.
type keyLock struct {
	mu   sync.Mutex
	refs int
}

func (r *Runner) lockKey(key string) (unlock func()) {
	r.mu.Lock()
	if r.locks == nil {
		r.locks = map[string]*keyLock{}
	}
	l := r.locks[key]
	if l == nil {
		l = &keyLock{}
		r.locks[key] = l
	}
	l.refs++
	r.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		r.mu.Lock()
		l.refs--
		if l.refs == 0 {
			delete(r.locks, key)
		}
		r.mu.Unlock()
	}
}

// writeFileAtomic writes b to a temporary file beside path and renames it.
func writeFileAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}
