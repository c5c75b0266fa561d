package runner

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// The js port of package syscall knows descriptors 0 to 2 and those it
// opened itself. The child reads its program from descriptor 4 and writes
// frames to 3, as a child process does; opening "/dev/fd/3" and
// "/dev/fd/4", which the engine script answers with those numbers, makes
// them known before the harness uses them.
func init() {
	if !IsChild() {
		return
	}
	for _, want := range []int{3, 4} {
		fd, err := syscall.Open("/dev/fd/"+strconv.Itoa(want), syscall.O_RDWR, 0)
		if err == nil && fd != want {
			err = fmt.Errorf("got descriptor %d", fd)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "signalwire interpreter: opening descriptor %d: %v\n", want, err)
			os.Exit(125)
		}
	}
}
