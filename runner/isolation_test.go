//go:build linux

package runner

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"signalwire/runner/harness"
)

// The sandbox's verdict, cached: these tests stand in a process of their
// own (a fresh verdict, a log of their own) and, where they say so, a
// kernel that refuses the sandbox. They swap package state, so none of them
// is parallel: parallel tests wait until the sequential ones are done.

// newProcess gives the test a verdict of its own, as in a new process of
// the tool, and returns what the runner says on stderr.
func newProcess(t *testing.T) *bytes.Buffer {
	t.Helper()
	oldMachine, oldLog := machine, sandboxLog
	var log bytes.Buffer
	machine, sandboxLog = &machineSandbox{}, &log
	t.Cleanup(func() { machine, sandboxLog = oldMachine, oldLog })
	return &log
}

// refuseSandbox makes the kernel start children in the sandbox's
// namespaces without the privileges to build it, as a kernel that
// restricts unprivileged user namespaces does (AppArmor's
// restrict_unprivileged_userns): root of the namespace is nobody's, so
// the child keeps no capability past exec, and its mounts fail. With
// startFails, the kernel refuses to start it at all, as with user
// namespaces turned off.
func refuseSandbox(t *testing.T, startFails bool) {
	t.Helper()
	old := sandboxAttr
	t.Cleanup(func() { sandboxAttr = old })
	sandboxAttr = func() *syscall.SysProcAttr {
		a := old()
		if startFails {
			a.Cloneflags |= syscall.CLONE_FS // EINVAL with CLONE_NEWUSER
			return a
		}
		a.UidMappings = []syscall.SysProcIDMap{{ContainerID: 1, HostID: os.Getuid(), Size: 1}}
		a.GidMappings = []syscall.SysProcIDMap{{ContainerID: 1, HostID: os.Getgid(), Size: 1}}
		return a
	}
}

// verdictEntry returns the cache entry of the verdict for r.
func verdictEntry(t *testing.T, r *Runner) string {
	t.Helper()
	key := verdictKey(harness.LandlockABI())
	if key == "" {
		t.Skip("this machine's boot cannot be told: no verdict is cached")
	}
	return filepath.Join(r.CacheDir, "sandbox", key)
}

func TestSandboxVerdictIsCached(t *testing.T) {
	sandboxed(t)
	dir := t.TempDir()
	log := newProcess(t)
	r := &Runner{CacheDir: dir, NoResultCache: true}
	if iso := r.Isolation(t.Context()); iso != IsolationSandbox {
		t.Fatalf("isolation %q after the probe, want %q", iso, IsolationSandbox)
	}
	entry := verdictEntry(t, r)
	if b, err := os.ReadFile(entry); err != nil || string(b) != string(IsolationSandbox)+"\n" {
		t.Fatalf("the cached verdict is %q (%v), want %q", b, err, IsolationSandbox+"\n")
	}

	// The next process reads it: it does not probe, which would fail
	// where the kernel refuses.
	newProcess(t)
	refuseSandbox(t, true)
	r = &Runner{CacheDir: dir, NoResultCache: true}
	if iso := r.Isolation(t.Context()); iso != IsolationSandbox {
		t.Fatalf("isolation %q with the verdict cached, want %q", iso, IsolationSandbox)
	}
	if log.Len() != 0 {
		t.Errorf("the runner said %q", log)
	}
}

func TestSandboxVerdictCorrupt(t *testing.T) {
	sandboxed(t)
	for _, content := range []string{"", "garbage", string(IsolationSandbox), string(IsolationNamespaces) + "\n", string(IsolationAllowlist) + "\n"} {
		t.Run(content, func(t *testing.T) {
			newProcess(t)
			r := &Runner{CacheDir: t.TempDir(), NoResultCache: true}
			entry := verdictEntry(t, r)
			if err := os.MkdirAll(filepath.Dir(entry), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(entry, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			// Not taken: the runner probes, and keeps the right verdict.
			if iso := r.Isolation(t.Context()); iso != IsolationSandbox {
				t.Fatalf("isolation %q, want %q", iso, IsolationSandbox)
			}
			if b, err := os.ReadFile(entry); err != nil || string(b) != string(IsolationSandbox)+"\n" {
				t.Errorf("the cached verdict is %q (%v), want %q", b, err, IsolationSandbox+"\n")
			}

			// Not taken either where the probe fails: the runner falls
			// back and removes the entry.
			log := newProcess(t)
			if err := os.WriteFile(entry, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			refuseSandbox(t, true)
			if iso := r.Isolation(t.Context()); iso != IsolationAllowlist {
				t.Fatalf("isolation %q with a failing probe, want %q", iso, IsolationAllowlist)
			}
			if n := strings.Count(log.String(), "no OS sandbox on this machine"); n != 1 {
				t.Errorf("the runner said %q, want the fallback once", log)
			}
			if _, err := os.Stat(entry); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the entry is still there (%v)", err)
			}
		})
	}
}

// TestSandboxVerdictStale: the cache says the sandbox works, and the kernel
// no longer lets the runner build it. The run fails closed (its child
// stops before the example runs); the runner forgets the verdict, probes,
// says once that it falls back, and runs the example again under the
// allowlist, whose import check now refuses what only the sandbox allows.
func TestSandboxVerdictStale(t *testing.T) {
	sandboxed(t)
	t.Setenv(RequireSandboxEnv, "") // the fallback is what is tested
	for _, startFails := range []bool{false, true} {
		name := "child cannot build it"
		if startFails {
			name = "kernel refuses the namespaces"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			newProcess(t)
			if iso := (&Runner{CacheDir: dir}).Isolation(t.Context()); iso != IsolationSandbox {
				t.Fatalf("isolation %q, want %q", iso, IsolationSandbox)
			}
			log := newProcess(t)
			refuseSandbox(t, startFails)
			r := &Runner{CacheDir: dir, NoResultCache: true}
			entry := verdictEntry(t, r)

			res := runFile(t, r, "sandbox/stdlib.go", Options{Engine: EngineYaegi})
			wantErr(t, res, KindRefused, 5)
			if res.Isolation != IsolationAllowlist || !strings.Contains(res.Err.Msg, "without the OS sandbox") {
				t.Errorf("isolation %q, message %q", res.Isolation, res.Err.Msg)
			}
			res = runFile(t, r, "timeout.go", Options{Engine: EngineYaegi})
			if res.Err != nil || res.Isolation != IsolationAllowlist || !strings.HasPrefix(res.Stdout(), "stopped after 500ms") {
				t.Errorf("got %q, err %v, isolation %q", res.Stdout(), res.Err, res.Isolation)
			}
			if n := strings.Count(log.String(), "no OS sandbox on this machine"); n != 1 {
				t.Errorf("the runner said %q, want the fallback once", log)
			}
			if _, err := os.Stat(entry); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the stale verdict is still cached (%v)", err)
			}
		})
	}
}

// TestSandboxVerdictStaleRequired: the same with SIGNALWIRE_REQUIRE_SANDBOX
// set. Nothing runs: every run is an error that says why.
func TestSandboxVerdictStaleRequired(t *testing.T) {
	sandboxed(t)
	t.Setenv(RequireSandboxEnv, "1")
	dir := t.TempDir()
	newProcess(t)
	if iso := (&Runner{CacheDir: dir}).Isolation(t.Context()); iso != IsolationSandbox {
		t.Fatalf("isolation %q, want %q", iso, IsolationSandbox)
	}
	newProcess(t)
	refuseSandbox(t, false)
	r := &Runner{CacheDir: dir, NoResultCache: true}
	src, err := os.ReadFile("testdata/timeout.go")
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		res, err := r.Run(t.Context(), "timeout.go", src, Options{Engine: EngineYaegi})
		if err == nil || !strings.Contains(err.Error(), RequireSandboxEnv) || !strings.Contains(err.Error(), "cannot build the OS sandbox") {
			t.Errorf("Run: result %+v, error %v; want an error naming %s", res, err, RequireSandboxEnv)
		}
	}
	// Asked for, the allowlist mode is still there.
	r.NoSandbox = true
	if res, err := r.Run(t.Context(), "timeout.go", src, Options{Engine: EngineYaegi}); err != nil || res.Isolation != IsolationAllowlist {
		t.Errorf("NoSandbox with %s set: %v, %v", RequireSandboxEnv, res, err)
	}
}

// TestSandboxFailsAfterProbe: a verdict this process probed itself is not
// second-guessed: when a child then cannot build the sandbox, the run is
// an error, and nothing runs again unfenced.
func TestSandboxFailsAfterProbe(t *testing.T) {
	sandboxed(t)
	log := newProcess(t)
	r := &Runner{CacheDir: t.TempDir(), NoResultCache: true}
	if iso := r.Isolation(t.Context()); iso != IsolationSandbox {
		t.Fatalf("isolation %q, want %q", iso, IsolationSandbox)
	}
	refuseSandbox(t, false)
	src, err := os.ReadFile("testdata/timeout.go")
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Run(t.Context(), "timeout.go", src, Options{Engine: EngineYaegi})
	if !errors.Is(err, errFence) {
		t.Errorf("Run: result %+v, error %v; want the sandbox's failure", res, err)
	}
	if log.Len() != 0 {
		t.Errorf("the runner said %q", log)
	}
}

// TestInterpSymbolsWhole: interpSymbols hands yaegi the standard library's
// tables as they are where nameRefusal refuses nothing, and filtered
// copies where it refuses something.
func TestInterpSymbolsWhole(t *testing.T) {
	for _, iso := range []Isolation{IsolationSandbox, IsolationAllowlist} {
		syms := interpSymbols(iso)
		for key, all := range stdSymbols() {
			slash := strings.LastIndex(key, "/")
			if slash < 0 {
				continue
			}
			path := key[:slash]
			got, ok := syms[key]
			if importRefusal(path, iso) != "" {
				if ok {
					t.Errorf("%s: %s is refused and handed over", iso, path)
				}
				continue
			}
			for name := range all {
				_, kept := got[name]
				if refused := nameRefusal(path, name, iso) != ""; kept == refused {
					t.Errorf("%s: %s.%s refused %v, handed over %v", iso, path, name, refused, kept)
				}
			}
		}
	}
}
