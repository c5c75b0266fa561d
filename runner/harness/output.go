package harness

import (
	"log"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// OutputEnv names the descriptors that a compiled program's standard
// output and standard error write to, "OUT,ERR". Each is a datagram socket
// of its own, connected to one socket of the runner: the runner tells from
// the sender which stream a write belongs to, and one receive queue keeps
// the order of the writes of both (and of the frames), which two pipes
// would lose. Every write is a datagram that the kernel has queued for the
// runner before it returns, so nothing is lost when the program then
// crashes. A single write larger than the socket's send buffer (about
// 200 KB at the kernel's default) fails with EMSGSIZE.
//
// The harness makes them os.Stdout and os.Stderr, and the output of the
// standard logger, when its package is initialized: after the standard
// packages it imports, before package main's variables and init
// functions.
// This replaces a patch of package os, which made Go rebuild os and
// everything above it (fmt, net/http, ...) for the examples instead of
// reusing what the tool's own build had put in Go's cache.
const OutputEnv = "SIGNALWIRE_OUTPUT"

// This init runs after the fence's (fence_linux.go): in the process that
// builds the sandbox and executes the binary again inside it, the
// descriptors and the variable must be left for the process after the exec.
func init() { swapOutput() }

func swapOutput() {
	v, ok := syscall.Getenv(OutputEnv)
	if !ok {
		return
	}
	if f, err := parseFence(); err != nil || f != nil && f.Reexec {
		return
	}
	os.Unsetenv(OutputEnv)
	o, e, ok := parseOutputFDs(v)
	if !ok {
		return
	}
	// A program the example starts gets its own standard streams, not
	// these.
	syscall.CloseOnExec(o)
	syscall.CloseOnExec(e)
	os.Stdout = os.NewFile(uintptr(o), "/dev/stdout")
	os.Stderr = os.NewFile(uintptr(e), "/dev/stderr")
	// The standard logger took os.Stderr when package log was
	// initialized.
	log.SetOutput(os.Stderr)
}

// parseOutputFDs reads "OUT,ERR".
func parseOutputFDs(v string) (out, err int, ok bool) {
	a, b, ok := strings.Cut(v, ",")
	if !ok {
		return 0, 0, false
	}
	out, err1 := strconv.Atoi(a)
	err, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || out < 3 || err < 3 {
		return 0, 0, false
	}
	return out, err, true
}
