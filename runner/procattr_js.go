package runner

import "syscall"

// groupAttr: in the browser (GOOS=js) the runner starts no process; the
// interpreter's child is another instance of the WebAssembly program (see
// spawn_js.go). Process groups do not exist there.
func groupAttr(bool) *syscall.SysProcAttr { return &syscall.SysProcAttr{} }
