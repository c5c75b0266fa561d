package harness

import (
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"unsafe"
)

// The compiled engine's binary is its own launcher: when the runner starts
// it with a fence that asks for it, this init builds the sandbox before any
// of the example's code (its package-level variables, its init functions)
// runs, and re-executes the binary inside it.
func init() {
	f, err := parseFence()
	if err == nil && (f == nil || !f.Reexec) {
		return // not sandboxed, or the interpreter's fence
	}
	os.Unsetenv(FenceEnv)
	if err == nil {
		err = f.enterAndExec()
	}
	fmt.Fprintln(os.Stderr, "signalwire sandbox:", err)
	os.Exit(ExitFence)
}

// enterAndExec builds the sandbox, applies Landlock to this thread and
// executes f.Exe in its place. It returns only on failure.
func (f *Fence) enterAndExec() error {
	if err := f.Enter(); err != nil {
		return err
	}
	// Landlock and no_new_privs apply to the calling thread; the thread
	// that calls execve becomes the whole new process.
	runtime.LockOSThread()
	if f.Landlock > 0 {
		if err := landlockThread(f.Landlock, f.Rules()); err != nil {
			return err
		}
	} else if err := noNewPrivs(); err != nil {
		return err
	}
	// The program is root of its user namespace only to build the
	// sandbox: with SECBIT_NOROOT, executing it grants no capability.
	if err := noRootCaps(); err != nil {
		return err
	}
	// The kernel maps the program's package-level variables when it
	// executes it, past the point where execve can still fail: over
	// RLIMIT_DATA the new program would die of a signal without a word.
	// Say it here instead.
	if need, err := writableData(f.Exe); err != nil {
		return err
	} else if f.Data > 0 && need > uint64(f.Data) {
		w, err := OpenFrames(os.Getenv(FramesEnv))
		if err != nil {
			return err
		}
		h := &harness{w: w}
		h.finish(Report{Outcome: OutcomeMemory, Message: fmt.Sprintf("the program's package-level variables need %d MiB, more than the hard memory limit of %d MiB", need>>20, f.Data>>20)}, ExitLimit)
	}
	return fmt.Errorf("exec %s: %w", f.Exe, syscall.Exec(f.Exe, os.Args, os.Environ()))
}

// writableData is the memory the program's writable segments (its data
// and bss, package-level variables) take when it is loaded.
func writableData(exe string) (uint64, error) {
	f, err := elf.Open(exe)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var n uint64
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && p.Flags&elf.PF_W != 0 {
			n += p.Memsz
		}
	}
	return n, nil
}

// Enter builds the sandbox from inside the new namespaces: a private root
// with only the run directory (read-write), the program and a few device
// files (read-only), the loopback interface up, and the rlimits. Landlock
// is applied by the caller.
func (f *Fence) Enter() error {
	if err := loopbackUp(); err != nil {
		return fmt.Errorf("bringing up the loopback interface: %w", err)
	}
	if err := f.privateRoot(); err != nil {
		return fmt.Errorf("private root: %w", err)
	}
	return f.setRlimits()
}

// readOnly are host paths bound read-only into the private root when they
// exist: time zones for time.LoadLocation, and the devices programs
// expect.
var readOnly = []string{"/usr/share/zoneinfo"}

var devices = []string{"/dev/null", "/dev/zero", "/dev/random", "/dev/urandom"}

func (f *Fence) privateRoot() error {
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making mounts private: %w", err)
	}
	// The directory stays empty on the host: everything below is mounted
	// in this mount namespace only.
	root := f.Root
	if err := syscall.Mount("tmpfs", root, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "size=1m,mode=0755"); err != nil {
		return fmt.Errorf("tmpfs: %w", err)
	}
	bind := func(src string, dir, ro bool) error {
		dst := filepath.Join(root, src)
		if dir {
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return err
			}
		} else {
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(dst, nil, 0o644); err != nil {
				return err
			}
		}
		if err := syscall.Mount(src, dst, "", syscall.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind %s: %w", src, err)
		}
		if !ro {
			return nil
		}
		var st syscall.Statfs_t
		if err := syscall.Statfs(dst, &st); err != nil {
			return err
		}
		// A remount in a user namespace must keep the flags the outer
		// mount locked.
		flags := uintptr(syscall.MS_REMOUNT|syscall.MS_BIND|syscall.MS_RDONLY|syscall.MS_NOSUID) |
			uintptr(st.Flags)&(syscall.MS_NODEV|syscall.MS_NOEXEC|syscall.MS_NOATIME|syscall.MS_NODIRATIME|syscall.MS_RELATIME)
		if err := syscall.Mount("", dst, "", flags, ""); err != nil {
			return fmt.Errorf("read-only %s: %w", src, err)
		}
		return nil
	}
	if err := bind(f.Dir, true, false); err != nil {
		return err
	}
	if err := bind(f.Exe, false, true); err != nil {
		return err
	}
	for _, d := range devices {
		if _, err := os.Stat(d); err != nil {
			continue
		}
		if err := bind(d, false, false); err != nil {
			return err
		}
	}
	for _, p := range readOnly {
		if st, err := os.Stat(p); err != nil || !st.IsDir() {
			continue
		}
		if err := bind(p, true, true); err != nil {
			return err
		}
	}
	etc := filepath.Join(root, "etc")
	if err := os.MkdirAll(etc, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(etc, "hosts"), []byte("127.0.0.1\tlocalhost\n::1\tlocalhost\n"), 0o644); err != nil {
		return err
	}
	// A /proc of the run's own PID namespace. Some kernels refuse it in a
	// container that hides parts of its /proc; the run then has none.
	proc := filepath.Join(root, "proc")
	if err := os.Mkdir(proc, 0o555); err != nil {
		return err
	}
	if err := syscall.Mount("proc", proc, "proc", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, ""); err != nil {
		os.Remove(proc)
	}
	old := filepath.Join(root, ".old")
	if err := os.Mkdir(old, 0o700); err != nil {
		return err
	}
	if err := syscall.PivotRoot(root, old); err != nil {
		return fmt.Errorf("pivot_root: %w", err)
	}
	if err := syscall.Chdir("/"); err != nil {
		return err
	}
	if err := syscall.Unmount("/.old", syscall.MNT_DETACH); err != nil {
		return fmt.Errorf("detaching the host's root: %w", err)
	}
	if err := os.Remove("/.old"); err != nil {
		return err
	}
	if err := syscall.Mount("", "/", "", syscall.MS_REMOUNT|syscall.MS_BIND|syscall.MS_RDONLY|syscall.MS_NOSUID|syscall.MS_NODEV, ""); err != nil {
		return fmt.Errorf("read-only root: %w", err)
	}
	return syscall.Chdir(f.Dir)
}

func (f *Fence) setRlimits() error {
	set := func(res int, v uint64) error {
		return syscall.Setrlimit(res, &syscall.Rlimit{Cur: v, Max: v})
	}
	if f.Data > 0 {
		if err := set(syscall.RLIMIT_DATA, uint64(f.Data)); err != nil {
			return fmt.Errorf("RLIMIT_DATA: %w", err)
		}
	}
	if f.FileSize > 0 {
		if err := set(syscall.RLIMIT_FSIZE, uint64(f.FileSize)); err != nil {
			return fmt.Errorf("RLIMIT_FSIZE: %w", err)
		}
	}
	return set(syscall.RLIMIT_CORE, 0)
}

// loopbackUp sets IFF_UP on lo, the only interface of a new network
// namespace.
func loopbackUp() error {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	var req struct {
		name  [syscall.IFNAMSIZ]byte
		flags uint16
		_     [22]byte
	}
	copy(req.name[:], "lo")
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.SIOCGIFFLAGS, uintptr(unsafe.Pointer(&req))); e != 0 {
		return e
	}
	req.flags |= syscall.IFF_UP | syscall.IFF_RUNNING
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.SIOCSIFFLAGS, uintptr(unsafe.Pointer(&req))); e != 0 {
		return e
	}
	return nil
}

// Rule is a Landlock rule: the access rights granted below a path.
type Rule struct {
	Path   string
	Access uint64
}

// FileAccess are the Landlock rights that apply to a file, as opposed to
// a directory.
const FileAccess = llExecute | llWriteFile | llReadFile | llTruncate | llIoctlDev

// Landlock filesystem access rights (linux/landlock.h).
const (
	llExecute    = 1 << 0
	llWriteFile  = 1 << 1
	llReadFile   = 1 << 2
	llReadDir    = 1 << 3
	llTruncate   = 1 << 14
	llIoctlDev   = 1 << 15
	llReadFiles  = llReadFile | llReadDir
	llWriteFiles = llWriteFile | llTruncate | llIoctlDev
)

// handledFS is every filesystem right Landlock knows at ABI v: the ones it
// does not grant are denied.
func handledFS(abi int) uint64 {
	switch {
	case abi >= 5:
		return 1<<16 - 1
	case abi >= 3:
		return 1<<15 - 1
	case abi == 2:
		return 1<<14 - 1
	default:
		return 1<<13 - 1
	}
}

// Rules returns the Landlock rules of the run: the paths the sandboxed
// program may use, as seen inside the private root, with the rights it has
// below each.
func (f *Fence) Rules() []Rule {
	rs := []Rule{
		{f.Dir, 1<<16 - 1},
		{f.Exe, llExecute | llReadFile},
		{"/etc/hosts", llReadFile},
		{"/proc", llReadFiles},
	}
	for _, d := range devices {
		rs = append(rs, Rule{d, llReadFile | llWriteFiles})
	}
	for _, p := range readOnly {
		rs = append(rs, Rule{p, llReadFiles})
	}
	return rs
}

// oPath is O_PATH, which package syscall does not name.
const oPath = 0x200000

// The Landlock system calls, the same number on every architecture.
const (
	sysLandlockCreateRuleset = 444
	sysLandlockAddRule       = 445
	sysLandlockRestrictSelf  = 446
)

// LandlockABI returns the kernel's Landlock ABI version, 0 when it has none.
func LandlockABI() int {
	const createRulesetVersion = 1
	v, _, e := syscall.Syscall(sysLandlockCreateRuleset, 0, 0, createRulesetVersion)
	if e != 0 {
		return 0
	}
	return int(v)
}

// landlockThread restricts the calling thread, which must be locked to
// its goroutine and which then executes the program.
func landlockThread(abi int, rules []Rule) error {
	handled := handledFS(abi)
	attr := struct{ fs uint64 }{handled}
	fd, _, e := syscall.Syscall(sysLandlockCreateRuleset, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr), 0)
	if e != 0 {
		return fmt.Errorf("landlock_create_ruleset: %w", e)
	}
	defer syscall.Close(int(fd))
	for _, r := range rules {
		pfd, err := syscall.Open(r.Path, oPath|syscall.O_CLOEXEC, 0)
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			return fmt.Errorf("landlock: %s: %w", r.Path, err)
		}
		access := r.Access & handled
		var st syscall.Stat_t
		if err := syscall.Fstat(pfd, &st); err == nil && st.Mode&syscall.S_IFMT != syscall.S_IFDIR {
			// Directory rights cannot be granted on a file.
			access &= FileAccess
		}
		// struct landlock_path_beneath_attr is packed: u64 then s32.
		var pb [12]byte
		*(*uint64)(unsafe.Pointer(&pb[0])) = access
		*(*int32)(unsafe.Pointer(&pb[8])) = int32(pfd)
		const rulePathBeneath = 1
		_, _, e := syscall.Syscall6(sysLandlockAddRule, fd, rulePathBeneath, uintptr(unsafe.Pointer(&pb[0])), 0, 0, 0)
		syscall.Close(pfd)
		if e != 0 {
			return fmt.Errorf("landlock_add_rule %s: %w", r.Path, e)
		}
	}
	if err := noNewPrivs(); err != nil {
		return err
	}
	if _, _, e := syscall.Syscall(sysLandlockRestrictSelf, fd, 0, 0); e != 0 {
		return fmt.Errorf("landlock_restrict_self: %w", e)
	}
	return nil
}

// noRootCaps sets the securebits of the calling thread so that root gains
// no capabilities when it executes a program, for good (locked).
func noRootCaps() error {
	const (
		prSetSecurebits   = 28
		secbitNoroot      = 1 << 0
		secbitNorootLock  = 1 << 1
		secbitNoFixup     = 1 << 2
		secbitNoFixupLock = 1 << 3
		secbitKeepCapLock = 1 << 5
	)
	bits := secbitNoroot | secbitNorootLock | secbitNoFixup | secbitNoFixupLock | secbitKeepCapLock
	if _, _, e := syscall.RawSyscall6(syscall.SYS_PRCTL, prSetSecurebits, uintptr(bits), 0, 0, 0, 0); e != 0 {
		return fmt.Errorf("prctl(PR_SET_SECUREBITS): %w", e)
	}
	return nil
}

func noNewPrivs() error {
	const prSetNoNewPrivs = 38
	if _, _, e := syscall.RawSyscall6(syscall.SYS_PRCTL, prSetNoNewPrivs, 1, 0, 0, 0, 0); e != 0 {
		return fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", e)
	}
	return nil
}
