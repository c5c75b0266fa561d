//go:build !linux

package runner

import (
	"context"
	"errors"
	"os/exec"

	"signalwire/runner/harness"
)

func sandboxCmd(cmd *exec.Cmd, f *harness.Fence, dir string) (func(), error) {
	return nil, errors.New("the sandbox needs Linux")
}

func probeSandbox(ctx context.Context, exe string, abi int) error {
	return errors.New("the sandbox needs Linux namespaces; this is not Linux")
}

func probeChild() {}

// verdictKey is "": without Linux there is no sandbox to keep a verdict
// about.
func verdictKey(abi int) string { return "" }

func enterInPlace() (Isolation, error) { return IsolationAllowlist, nil }

// limitProcess does nothing: only Linux can set another process's rlimits.
func limitProcess(pid int, data, fsize int64) error { return nil }
