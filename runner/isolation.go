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

// SandboxEnv, set to "off", makes every runner fall back to allowlist-only
// mode, as where the kernel offers no sandbox.
const SandboxEnv = "SIGNALWIRE_SANDBOX"

// sandboxState is what a Runner found out about the machine's sandbox, once.
type sandboxState struct {
	once sync.Once
	mode Isolation
	abi  int // Landlock ABI
}

var (
	statesMu sync.Mutex
	states   = map[*Runner]*sandboxState{}

	warnOnce sync.Once
)

// Isolation returns the isolation the runner's runs get on this machine.
// The first call tries the sandbox; where it cannot be built, it says so
// once on stderr and the runner falls back to allowlist-only mode.
func (r *Runner) Isolation(ctx context.Context) Isolation {
	st := r.sandbox()
	st.once.Do(func() {
		if r.NoSandbox || os.Getenv(SandboxEnv) == "off" {
			st.mode = IsolationAllowlist
			return
		}
		st.abi = harness.LandlockABI()
		if err := probeSandbox(ctx, st.abi); err != nil {
			st.mode = IsolationAllowlist
			warnOnce.Do(func() {
				fmt.Fprintf(os.Stderr, "signalwire: no OS sandbox on this machine (%v); examples run with the import allowlist as their only fence\n", err)
			})
			return
		}
		st.mode = IsolationNamespaces
		if st.abi > 0 {
			st.mode = IsolationSandbox
		}
	})
	return st.mode
}

func (r *Runner) sandbox() *sandboxState {
	statesMu.Lock()
	defer statesMu.Unlock()
	st := states[r]
	if st == nil {
		st = &sandboxState{}
		states[r] = st
	}
	return st
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
		Landlock: r.sandbox().abi,
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
