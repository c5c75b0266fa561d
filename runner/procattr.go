//go:build !js

package runner

import "syscall"

// groupAttr puts a child process in a process group of its own, so that
// killGroup reaches everything it started; with dieWithParent, the kernel
// kills it when the runner dies.
func groupAttr(dieWithParent bool) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true}
	if dieWithParent {
		a.Pdeathsig = syscall.SIGKILL
	}
	return a
}
