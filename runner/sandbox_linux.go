package runner

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"github.com/landlock-lsm/go-landlock/landlock"
	"golang.org/x/sys/unix"
	"kernel.org/pub/linux/libs/security/libcap/psx"

	"signalwire/runner/harness"
)

// sandboxAttr starts a child in new user, mount, PID, network, IPC and UTS
// namespaces, as root of its user namespace (mapped to the caller), so
// that it can set up its mounts and loopback; the process group and the
// death signal stay as the runner wants them. (A variable: tests stand in
// a kernel that refuses.)
var sandboxAttr = func() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{
		Setpgid:   true,
		Pdeathsig: syscall.SIGKILL,
		Cloneflags: syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS | syscall.CLONE_NEWPID |
			syscall.CLONE_NEWNET | syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
	}
}

// sandboxCmd makes cmd, which runs in dir, start inside the fence f. The
// returned function removes what it prepared, after the child is gone.
func sandboxCmd(cmd *exec.Cmd, f *harness.Fence, dir string) (cleanup func(), err error) {
	root, err := os.MkdirTemp("", "signalwire-root-")
	if err != nil {
		return nil, err
	}
	fc := *f
	fc.Dir, fc.Root = dir, root
	b, err := json.Marshal(fc)
	if err != nil {
		os.Remove(root)
		return nil, err
	}
	cmd.Env = append(cmd.Env, harness.FenceEnv+"="+string(b))
	cmd.SysProcAttr = sandboxAttr()
	return func() { os.Remove(root) }, nil
}

// probeSandbox builds the whole sandbox once in a child of the runner's own
// executable, to learn whether this machine allows it.
func probeSandbox(ctx context.Context, exe string, abi int) error {
	dir, err := os.MkdirTemp("", "signalwire-probe-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe)
	cmd.Dir = dir
	cmd.Env = []string{childEnv + "=" + probeChildEnv}
	cleanup, err := sandboxCmd(cmd, &harness.Fence{Exe: exe, Landlock: abi, Data: hardMemory(DefaultMemoryLimit)}, dir)
	if err != nil {
		return err
	}
	defer cleanup()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil && stdout.String() == probeOK:
		return nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() == harness.ExitFence:
		return errors.New(strings.TrimSpace(stderr.String()))
	case err == nil || errors.As(err, &exitErr):
		return fmt.Errorf("the sandbox's probe runs %s as its child, which did not turn into one "+
			"(its main must begin with: if runner.IsChild() { runner.ChildMain() })", exe)
	}
	return fmt.Errorf("starting a child in new namespaces: %w", err)
}

// verdictKey names the cached verdict that the sandbox works (see
// [Runner.Isolation]): the kernel's release and boot, the user and the
// Landlock ABI. Not the program: `go run .` builds the tool anew after each
// edit, and a verdict that a changed fence makes stale fails closed like
// any other. It is "" when the boot cannot be told, and then the sandbox
// is probed in every process.
func verdictKey(abi int) string {
	boot, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "sandbox verdict 1\x00%s\x00%s\x00%s\x00%d\x00%d\x00%d\x00",
		unix.ByteSliceToString(u.Release[:]), unix.ByteSliceToString(u.Version[:]),
		strings.TrimSpace(string(boot)), os.Getuid(), os.Getgid(), abi)
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// probeOK is what the probe's child prints when it has built the sandbox.
const probeOK = "sandbox ok\n"

// probeChild runs in the probe's child: it builds the sandbox and exits.
func probeChild() {
	if _, err := enterInPlace(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(harness.ExitFence)
	}
	fmt.Print(probeOK)
	os.Exit(0)
}

// enterInPlace builds the sandbox described in the environment around the
// running process, for the interpreter: its Landlock domain covers every
// thread (go-landlock), so nothing it interprets runs outside. Without a
// fence in the environment it does nothing.
func enterInPlace() (Isolation, error) {
	f, err := harness.TakeFence()
	if err != nil || f == nil {
		return IsolationAllowlist, err
	}
	if err := f.Enter(); err != nil {
		return "", fmt.Errorf("sandbox: %w", err)
	}
	if f.Landlock == 0 {
		if _, _, e := psx.Syscall3(unix.SYS_PRCTL, unix.PR_SET_NO_NEW_PRIVS, 1, 0); e != 0 {
			return "", fmt.Errorf("sandbox: prctl(PR_SET_NO_NEW_PRIVS): %w", e)
		}
		return IsolationNamespaces, dropCapabilities()
	}
	var rules []landlock.Rule
	for _, r := range f.Rules() {
		st, err := os.Stat(r.Path)
		if err != nil {
			continue
		}
		access := r.Access
		if !st.IsDir() {
			access &= harness.FileAccess
		}
		rules = append(rules, landlock.PathAccess(landlock.AccessFSSet(access)&landlock.V5.HandledAccessFS, r.Path))
	}
	if err := landlock.V5.BestEffort().RestrictPaths(rules...); err != nil {
		return "", fmt.Errorf("sandbox: landlock: %w", err)
	}
	if err := dropCapabilities(); err != nil {
		return "", err
	}
	return IsolationSandbox, nil
}

// dropCapabilities empties the capability sets of every thread: the
// process was root of its user namespace only to build the sandbox.
func dropCapabilities() error {
	hdr := struct {
		version uint32
		pid     int32
	}{version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]struct{ effective, permitted, inheritable uint32 }
	if _, _, e := psx.Syscall3(unix.SYS_CAPSET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&data[0])), 0); e != 0 {
		return fmt.Errorf("sandbox: dropping capabilities: %w", e)
	}
	return nil
}

// limitProcess sets the data-segment and file-size rlimits of process pid.
func limitProcess(pid int, data, fsize int64) error {
	for _, l := range []struct {
		res int
		v   int64
	}{{unix.RLIMIT_DATA, data}, {unix.RLIMIT_FSIZE, fsize}} {
		lim := unix.Rlimit{Cur: uint64(l.v), Max: uint64(l.v)}
		if err := unix.Prlimit(pid, l.res, &lim, nil); err != nil {
			return fmt.Errorf("prlimit: %w", err)
		}
	}
	return nil
}
