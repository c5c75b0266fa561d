package harness

import (
	"encoding/json"
	"fmt"
	"os"
)

// FenceEnv carries the JSON-encoded [Fence] of a sandboxed run. The runner
// starts the child in new Linux namespaces (user, mount, PID, network, IPC,
// UTS) with FenceEnv set; before any of the example's code runs, the child
// finishes the sandbox from the inside: loopback up, a private root that
// holds only the run directory, the program and /dev/null, rlimits and
// Landlock. The compiled engine does it in this package's init and then
// re-executes itself, so that the memory limit holds from the first
// instruction of the fenced program; the interpreter does it in place
// before it interprets anything.
const FenceEnv = "SIGNALWIRE_FENCE"

// Fence describes the sandbox of one run.
type Fence struct {
	// Dir is the run directory, the only writable place.
	Dir string `json:"dir"`
	// Root is an empty directory on the host on which the child mounts
	// its private root (a tmpfs, visible in its mount namespace only).
	Root string `json:"root"`
	// Exe is the program, visible read-only and executable.
	Exe string `json:"exe"`
	// Data is the hard limit of the data segment (RLIMIT_DATA): the
	// heap, the stacks and package-level variables. 0 means none.
	Data int64 `json:"data,omitempty"`
	// FileSize bounds each file the program writes (RLIMIT_FSIZE).
	FileSize int64 `json:"fsize,omitempty"`
	// Landlock is the Landlock ABI the runner found; 0 when absent.
	Landlock int `json:"landlock,omitempty"`
	// Reexec asks the compiled program to build the sandbox in its init
	// and execute itself inside it; the interpreter builds it in place.
	Reexec bool `json:"reexec,omitempty"`
}

// ExitFence is the exit status of a child that could not build its
// sandbox; its stderr says why.
const ExitFence = 124

// parseFence returns the fence in the environment, if any.
func parseFence() (*Fence, error) {
	raw, ok := os.LookupEnv(FenceEnv)
	if !ok {
		return nil, nil
	}
	var f Fence
	if err := json.Unmarshal([]byte(raw), &f); err != nil {
		return nil, fmt.Errorf("bad %s: %v", FenceEnv, err)
	}
	return &f, nil
}

// TakeFence reads and removes the fence of the run from the environment;
// nil when the run is not sandboxed.
func TakeFence() (*Fence, error) {
	f, err := parseFence()
	os.Unsetenv(FenceEnv)
	return f, err
}
