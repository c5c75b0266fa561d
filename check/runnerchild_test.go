package check

import (
	"os"
	"testing"

	"signalwire/runner"
)

// TestMain lets the runner re-execute this test binary as the
// interpreter's child process (see runner.IsChild).
func TestMain(m *testing.M) {
	if runner.IsChild() {
		runner.ChildMain()
	}
	os.Exit(m.Run())
}
