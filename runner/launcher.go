package runner

import "os"

// The sandbox's probe re-executes the runner's binary as its child, as the
// interpreter engine does (see interp.go): the child builds the sandbox
// around itself and exits, to tell the runner whether this machine can.
func init() {
	if os.Getenv(childEnv) == "probe" {
		probeChild()
	}
}
