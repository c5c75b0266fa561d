package runner

import (
	"errors"
	"os"

	"signalwire/runner/harness"
)

// sockets: in the browser (GOOS=js) the runner starts no process (see
// spawn_js.go), so start, and with it these, is never used.
type sockets struct {
	frames, stdout, stderr *os.File
}

func newSockets(bool) (*sockets, error) {
	return nil, errors.New("the runner starts no process in the browser")
}

func (s *sockets) closeSenders()            {}
func (s *sockets) read(func(harness.Frame)) {}
func (s *sockets) done()                    {}
func (s *sockets) close()                   {}
