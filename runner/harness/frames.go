package harness

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// A frame is one record on the frames descriptor: a kind byte, the payload
// length as a big-endian uint32, and the payload. A frame is at most
// [MaxFrame] bytes so that each is one atomic write to a pipe: writers in
// different places (the patched os package of a compiled example, the
// interpreter's writers, the harness) never interleave inside a frame.
//
// Keeping stdout and stderr on one descriptor keeps their order, which two
// pipes would lose.
const (
	FrameStdout byte = 'o' // program output to stdout
	FrameStderr byte = 'e' // program output to stderr
	FrameMark   byte = 'm' // main returned: later output is not the program's
	FrameReport byte = 'r' // part of the JSON report
	FramePanic  byte = 'p' // an example line of a panicking goroutine (interpreter)
	FrameHello  byte = 'h' // the interpreter's child process started as one

	FrameHeader = 5
	MaxFrame    = 4096
)

// FrameWriter writes frames to a file descriptor.
type FrameWriter struct {
	mu sync.Mutex
	fd int
}

// OpenFrames returns a writer for the descriptor named by s.
func OpenFrames(s string) (*FrameWriter, error) {
	fd, err := strconv.Atoi(s)
	if err != nil || fd < 3 {
		return nil, fmt.Errorf("bad frames descriptor %q", s)
	}
	return &FrameWriter{fd: fd}, nil
}

// Write writes payload as one or more frames of the given kind.
func (w *FrameWriter) Write(kind byte, payload []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	var buf [MaxFrame]byte
	for first := true; first || len(payload) > 0; first = false {
		n := min(len(payload), MaxFrame-FrameHeader)
		buf[0] = kind
		binary.BigEndian.PutUint32(buf[1:FrameHeader], uint32(n))
		copy(buf[FrameHeader:], payload[:n])
		if err := writeAll(w.fd, buf[:FrameHeader+n]); err != nil {
			return err
		}
		payload = payload[n:]
	}
	return nil
}

func writeAll(fd int, b []byte) error {
	for len(b) > 0 {
		n, err := syscall.Write(fd, b)
		switch err {
		case nil:
			b = b[n:]
		case syscall.EINTR:
		case syscall.EAGAIN:
			time.Sleep(50 * time.Microsecond)
		default:
			return err
		}
	}
	return nil
}

// Hello says that the process is the interpreter's child, before anything
// else.
func (w *FrameWriter) Hello() { w.Write(FrameHello, nil) }

// Mark records that main returned.
func (w *FrameWriter) Mark() { w.Write(FrameMark, nil) }

// Report writes the report.
func (w *FrameWriter) Report(r Report) {
	b, err := json.Marshal(r)
	if err != nil {
		b, _ = json.Marshal(Report{Outcome: OutcomeHarness, Message: err.Error()})
	}
	w.Write(FrameReport, b)
}

// PanicLine records an example line of a panicking goroutine.
func (w *FrameWriter) PanicLine(line int) {
	w.Write(FramePanic, []byte(strconv.Itoa(line)))
}

// Stream is an io.Writer that writes frames of one kind.
type Stream struct {
	W    *FrameWriter
	Kind byte
}

func (s Stream) Write(p []byte) (int, error) {
	if err := s.W.Write(s.Kind, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// WriteString lets a Stream stand in for *os.File in interpreted code.
func (s Stream) WriteString(str string) (int, error) { return s.Write([]byte(str)) }

// Frame is one decoded frame.
type Frame struct {
	Kind    byte
	Payload []byte
}

// DecodeFrames splits buf into complete frames and returns the rest.
func DecodeFrames(buf []byte) (frames []Frame, rest []byte) {
	for len(buf) >= FrameHeader {
		n := int(binary.BigEndian.Uint32(buf[1:FrameHeader]))
		if len(buf) < FrameHeader+n {
			break
		}
		frames = append(frames, Frame{Kind: buf[0], Payload: buf[FrameHeader : FrameHeader+n]})
		buf = buf[FrameHeader+n:]
	}
	return frames, buf
}
