package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"signalwire/runner/harness"
)

// Isolation names what fenced a run in.
type Isolation string

// Isolations, from the strongest.
const (
	// IsolationSandbox: Linux namespaces (user, mount, PID, network with
	// only its own loopback, IPC, UTS), a private root, rlimits and
	// Landlock.
	IsolationSandbox Isolation = "namespaces+landlock"
	// IsolationNamespaces: the same without Landlock, which the kernel
	// lacks.
	IsolationNamespaces Isolation = "namespaces"
	// IsolationAllowlist: no OS sandbox; only the import allowlist
	// stands between the example and the machine.
	IsolationAllowlist Isolation = "allowlist"
)

// Describe says in words what fenced a run in, for a page that shows its
// result: "in the sandbox (namespaces and Landlock)".
func (i Isolation) Describe() string {
	switch i {
	case IsolationSandbox:
		return "in the sandbox (namespaces and Landlock)"
	case IsolationNamespaces:
		return "in the sandbox (namespaces, no Landlock)"
	case IsolationAllowlist:
		return "with no sandbox (import allowlist only)"
	}
	return ""
}

// SandboxEnv, set to "off", makes every runner fall back to allowlist-only
// mode, as where the kernel offers no sandbox.
const SandboxEnv = "SIGNALWIRE_SANDBOX"

// RequireSandboxEnv, set to anything, makes a machine that cannot build
// the OS sandbox an error for every run instead of a fallback to
// allowlist-only mode, as CI wants on a machine that has one. A runner
// asked for that mode (NoSandbox, SIGNALWIRE_SANDBOX=off) still gets it.
const RequireSandboxEnv = "SIGNALWIRE_REQUIRE_SANDBOX"

// machineSandbox is what the runner found out about this machine's
// sandbox, once per process, or again when a verdict read from the cache
// turns out to be stale.
type machineSandbox struct {
	mu    sync.Mutex
	known bool
	mode  Isolation
	abi   int    // Landlock ABI
	why   error  // why there is no sandbox, in allowlist mode
	entry string // the cache entry the verdict came from; "" after a probe
	gen   int    // counts verdicts: a run records the one it ran under
}

var (
	machine = &machineSandbox{}
	// sandboxLog is where the runner says that it falls back.
	sandboxLog io.Writer = os.Stderr
)

// Isolation returns the isolation the runner's runs get on this machine.
// The first call in a process learns it: from the verdict kept in the
// runner's cache, or by building the sandbox once in a child (the probe).
// Where it cannot be built, it says so once on stderr, and runs fall back
// to allowlist-only mode. NoSandbox, or SIGNALWIRE_SANDBOX=off in the
// environment, asks for that mode.
//
// Only the verdict that the sandbox works is cached, keyed by the kernel's
// release and boot, the user and the Landlock ABI,
// so that a machine that gains its sandbox (a sysctl, a new kernel) has
// it at once. A cached verdict that has gone stale within the same boot
// fails closed: every child builds its sandbox before anything of the
// example runs and stops when it cannot, so a run under a stale verdict
// fails instead of running unfenced; the runner then forgets the verdict,
// probes again, says so if there is no sandbox any more, and runs the
// example again under what it found (see [Runner.Run]).
func (r *Runner) Isolation(ctx context.Context) Isolation {
	iso, _ := r.isolation(ctx)
	return iso
}

// isolation is Isolation with the generation of the verdict.
func (r *Runner) isolation(ctx context.Context) (Isolation, int) {
	if r.NoSandbox || os.Getenv(SandboxEnv) == "off" {
		return IsolationAllowlist, 0
	}
	m := machine
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.known {
		r.learn(ctx, m)
	}
	return m.mode, m.gen
}

// learn finds out m's verdict, with m locked.
func (r *Runner) learn(ctx context.Context, m *machineSandbox) {
	m.known, m.gen, m.why, m.entry = true, m.gen+1, nil, ""
	m.abi = harness.LandlockABI()
	m.mode = IsolationNamespaces
	if m.abi > 0 {
		m.mode = IsolationSandbox
	}
	entry := ""
	if key := verdictKey(m.abi); key != "" {
		entry = filepath.Join(r.cacheDir(), "sandbox", key)
		if b, err := os.ReadFile(entry); err == nil && string(b) == string(m.mode)+"\n" {
			m.entry = entry
			return
		}
	}
	// The answer is for the whole process: a caller's cancelled context
	// must not decide it.
	exe, err := r.self, error(nil)
	if exe == "" {
		exe, err = os.Executable()
	}
	if err == nil {
		err = probeSandbox(context.WithoutCancel(ctx), exe, m.abi)
	}
	if err != nil {
		m.mode, m.why = IsolationAllowlist, err
		if entry != "" {
			os.Remove(entry) // a corrupt entry, or one of another mode
		}
		fmt.Fprintf(sandboxLog, "signalwire: no OS sandbox on this machine (%v); examples run with the import allowlist as their only fence\n", err)
		return
	}
	if entry != "" {
		// A verdict that cannot be kept is probed again next time.
		if os.MkdirAll(filepath.Dir(entry), 0o755) == nil {
			_ = writeFileAtomic(entry, []byte(string(m.mode)+"\n"))
		}
	}
}

// staleVerdict is called when a run under the verdict of generation gen
// found that its child could not build the sandbox. It reports whether
// the run should be tried again: the verdict came from the cache and has
// been probed again now (here or by another run meanwhile).
func (r *Runner) staleVerdict(ctx context.Context, gen int) bool {
	m := machine
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.gen != gen {
		return true
	}
	if m.entry == "" {
		return false // a probe in this process said the sandbox works
	}
	os.Remove(m.entry)
	r.learn(ctx, m)
	return true
}

// noSandboxError is the error of every run on a machine without the
// sandbox when SIGNALWIRE_REQUIRE_SANDBOX is set.
func (r *Runner) noSandboxError(iso Isolation) error {
	if iso != IsolationAllowlist || os.Getenv(RequireSandboxEnv) == "" || r.NoSandbox || os.Getenv(SandboxEnv) == "off" {
		return nil
	}
	m := machine
	m.mu.Lock()
	defer m.mu.Unlock()
	return fmt.Errorf("%s is set, and this machine cannot build the OS sandbox: %v", RequireSandboxEnv, m.why)
}

// fence returns the fence of a run of exe under o, nil in allowlist mode.
func (r *Runner) fence(ctx context.Context, exe string, o Options, reexec bool) *harness.Fence {
	if r.Isolation(ctx) == IsolationAllowlist {
		return nil
	}
	machine.mu.Lock()
	abi := machine.abi
	machine.mu.Unlock()
	return &harness.Fence{
		Exe:      exe,
		Data:     hardMemory(o.MemoryLimit),
		FileSize: runFileLimit,
		Landlock: abi,
		Reexec:   reexec,
	}
}

// hardMemory is the data-segment rlimit for a memory limit: the harness's
// watchdog reports a program over the limit itself, with a clear message;
// the rlimit stops what allocates faster than the watchdog looks, or before
// it starts (package-level variables, init), with some headroom for the
// runtime and, under the interpreter, the interpreter.
func hardMemory(limit int64) int64 { return limit + limit/2 + 256<<20 }

// runFileLimit bounds each file a sandboxed program writes in its run
// directory.
const runFileLimit = 64 << 20

// errFence marks the errors of runs whose child could not build its
// sandbox.
var errFence = errors.New("the OS sandbox failed")

// fenceError is the runner's error when a child could not build its
// sandbox: it said why on stderr.
func fenceError(stderr []byte) error {
	return fmt.Errorf("%w: %s", errFence, strings.TrimSpace(string(stderr)))
}

// fenceStartError is the runner's error when the kernel refused to start
// a child in the sandbox's namespaces.
func fenceStartError(err error) error {
	// EPERM: user namespaces off, or not for this user; ENOSPC, EUSERS:
	// the limit of namespaces reached; EINVAL: a flag the kernel lacks.
	for _, e := range []syscall.Errno{syscall.EPERM, syscall.ENOSPC, syscall.EUSERS, syscall.EINVAL} {
		if errors.Is(err, e) {
			return fmt.Errorf("%w: starting the process in new namespaces: %w", errFence, err)
		}
	}
	return err
}

// outOfMemory reports whether a fatal error of the Go runtime says that an
// allocation failed, as it does past RLIMIT_DATA: "out of memory",
// "runtime: out of memory", "out of memory (stackalloc)", "runtime: cannot
// allocate memory", ...
func outOfMemory(fatal string) bool {
	return strings.Contains(fatal, "out of memory") || strings.Contains(fatal, "cannot allocate memory")
}
