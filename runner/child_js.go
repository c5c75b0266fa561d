package runner

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

// The js port of package syscall knows descriptors 0 to 2 and those it
// opened itself. The child reads its program from descriptor 4 and writes
// frames to 3, as a child process does; opening "/dev/fd/3" and
// "/dev/fd/4", which the engine script answers with those numbers, makes
// them known before the harness uses them.
//
// The js port of package time takes the local time zone from the browser
// and ignores TZ; the runner's child runs with TZ=UTC, whose local time is
// UTC by that name.
func init() {
	if !IsChild() {
		return
	}
	time.Local = time.UTC
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
