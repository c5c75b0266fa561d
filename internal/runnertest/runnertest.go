// Package runnertest gives tests a runner that runs examples for real.
package runnertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"signalwire/runner"
)

// New returns a runner whose cache outlives the test process, so that only
// the first run of the tests on a machine compiles the examples. It skips t
// in -short mode, and where there is no go command to run examples with.
func New(t testing.TB) *runner.Runner {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to run examples with")
	}
	if testing.Short() {
		t.Skip("runs examples; skipped in -short mode")
	}
	return &runner.Runner{CacheDir: filepath.Join(os.TempDir(), "signalwire-site-test")}
}

// Main is the TestMain of a package whose tests run examples: the runner
// re-executes the test binary as the interpreter's child process (see
// runner.IsChild), and the child must not run the tests.
func Main(m *testing.M) {
	if runner.IsChild() {
		runner.ChildMain()
	}
	os.Exit(m.Run())
}
