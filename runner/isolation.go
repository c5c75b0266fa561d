package runner

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"

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

// machine is what the runner found out about this machine's sandbox, once
// per process.
var machine struct {
	once sync.Once
	mode Isolation
	abi  int // Landlock ABI
}

// Isolation returns the isolation the runner's runs get on this machine.
// The first call in a process builds the sandbox once in a child; where it
// cannot be built, it says so once on stderr, and runs fall back to
// allowlist-only mode. NoSandbox, or SIGNALWIRE_SANDBOX=off in the
// environment, asks for that mode.
func (r *Runner) Isolation(ctx context.Context) Isolation {
	if r.NoSandbox || os.Getenv(SandboxEnv) == "off" {
		return IsolationAllowlist
	}
	machine.once.Do(func() {
		var err error
		machine.abi = harness.LandlockABI()
		// The answer is for the whole process: a caller's cancelled
		// context must not decide it.
		exe := r.self
		if exe == "" {
			exe, err = os.Executable()
		}
		if err == nil {
			err = probeSandbox(context.WithoutCancel(ctx), exe, machine.abi)
		}
		if err != nil {
			machine.mode = IsolationAllowlist
			fmt.Fprintf(os.Stderr, "signalwire: no OS sandbox on this machine (%v); examples run with the import allowlist as their only fence\n", err)
			return
		}
		machine.mode = IsolationNamespaces
		if machine.abi > 0 {
			machine.mode = IsolationSandbox
		}
	})
	return machine.mode
}

// fence returns the fence of a run of exe under o, nil in allowlist mode.
func (r *Runner) fence(ctx context.Context, exe string, o Options, reexec bool) *harness.Fence {
	if r.Isolation(ctx) == IsolationAllowlist {
		return nil
	}
	return &harness.Fence{
		Exe:      exe,
		Data:     hardMemory(o.MemoryLimit),
		FileSize: runFileLimit,
		Landlock: machine.abi,
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

// fenceError is the runner's error when a child could not build its
// sandbox: it said why on stderr.
func fenceError(stderr []byte) error {
	return fmt.Errorf("the OS sandbox failed: %s", strings.TrimSpace(string(stderr)))
}

// outOfMemory reports whether a fatal error of the Go runtime says that an
// allocation failed, as it does past RLIMIT_DATA: "out of memory",
// "runtime: out of memory", "out of memory (stackalloc)", "runtime: cannot
// allocate memory", ...
func outOfMemory(fatal string) bool {
	return strings.Contains(fatal, "out of memory") || strings.Contains(fatal, "cannot allocate memory")
}
