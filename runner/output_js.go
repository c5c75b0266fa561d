package runner

import (
	"errors"
	"io"
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

// readFrames decodes a stream of frames, such as the frames the browser's
// instance of the interpreter wrote (spawn_js.go).
func (r *raw) readFrames(f io.Reader, quota *outputQuota) {
	frame := r.frameReader(quota)
	var buf []byte
	chunk := make([]byte, 32<<10)
	for {
		n, err := f.Read(chunk)
		buf = append(buf, chunk[:n]...)
		frames, rest := harness.DecodeFrames(buf)
		for _, fr := range frames {
			frame(fr)
		}
		buf = append(buf[:0], rest...)
		if err != nil {
			break
		}
	}
	r.decodeReport()
}
