//go:build !js

package runner

import (
	"errors"
	"os"
	"syscall"

	"signalwire/runner/harness"
)

// sockets is how a child's frames and, for a compiled program, its
// os.Stdout and os.Stderr reach the runner: one receiving datagram socket,
// and a socket connected to it for each sender. A datagram says who sent
// it, and the one receive queue keeps the order of all of them (see
// harness.OutputEnv). The runner keeps a sender of its own, to say that
// the child is gone: what the child sent is queued ahead of that.
type sockets struct {
	recv int
	// The senders handed to the child; nil when not asked for.
	frames, stdout, stderr *os.File
	self                   int
	kinds                  map[string]byte // sender's address: frame kind, 0 for frames
	selfName               string
	bufSize                int
}

// streamBuffer is the send buffer asked for each of the program's
// streams; the kernel caps it at net.core.wmem_max. It bounds one write.
const streamBuffer = 1 << 20

// newSockets makes the receiving socket and the senders: frames always,
// the program's streams when output is true.
func newSockets(output bool) (s *sockets, err error) {
	recv, err := unixgram()
	if err != nil {
		return nil, err
	}
	s = &sockets{recv: recv, self: -1, kinds: map[string]byte{}, bufSize: 64 << 10}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	if err := syscall.Bind(recv, &syscall.SockaddrUnix{}); err != nil { // an abstract name of the kernel's choice
		return nil, os.NewSyscallError("bind", err)
	}
	sa, err := syscall.Getsockname(recv)
	if err != nil {
		return nil, os.NewSyscallError("getsockname", err)
	}
	to, ok := sa.(*syscall.SockaddrUnix)
	if !ok {
		return nil, errors.New("the runner's socket has no unix address")
	}
	sender := func(kind byte, buf int) (int, string, error) {
		fd, err := unixgram()
		if err != nil {
			return -1, "", err
		}
		if buf > 0 {
			// Best effort: the kernel caps it.
			syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_SNDBUF, buf)
			if got, err := syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_SNDBUF); err == nil && got > s.bufSize {
				s.bufSize = got
			}
		}
		err = syscall.Bind(fd, &syscall.SockaddrUnix{})
		var name string
		if err == nil {
			err = syscall.Connect(fd, to)
		}
		if err == nil {
			var sa syscall.Sockaddr
			sa, err = syscall.Getsockname(fd)
			if u, ok := sa.(*syscall.SockaddrUnix); ok && err == nil {
				name = u.Name
			}
		}
		if err != nil || name == "" {
			syscall.Close(fd)
			if err == nil {
				err = errors.New("a sender socket has no address")
			}
			return -1, "", os.NewSyscallError("unix socket", err)
		}
		s.kinds[name] = kind
		return fd, name, nil
	}
	fd, _, err := sender(0, 0)
	if err != nil {
		return nil, err
	}
	s.frames = os.NewFile(uintptr(fd), "frames")
	if s.self, s.selfName, err = sender(0, 0); err != nil {
		return nil, err
	}
	delete(s.kinds, s.selfName)
	if output {
		if fd, _, err = sender(harness.FrameStdout, streamBuffer); err != nil {
			return nil, err
		}
		s.stdout = os.NewFile(uintptr(fd), "stdout")
		if fd, _, err = sender(harness.FrameStderr, streamBuffer); err != nil {
			return nil, err
		}
		s.stderr = os.NewFile(uintptr(fd), "stderr")
	}
	return s, nil
}

func unixgram() (int, error) {
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	return fd, nil
}

// closeSenders closes the runner's copies of the child's senders, once
// the child has them.
func (s *sockets) closeSenders() {
	for _, f := range []*os.File{s.frames, s.stdout, s.stderr} {
		if f != nil {
			f.Close()
		}
	}
}

// read calls frame for each frame the child sends, in the order sent,
// until the runner's own sender says the child is gone (see done).
func (s *sockets) read(frame func(harness.Frame)) {
	buf := make([]byte, s.bufSize)
	var stream []byte // the frames sender's bytes not yet decoded
	for {
		n, from, err := syscall.Recvfrom(s.recv, buf, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return
		}
		u, _ := from.(*syscall.SockaddrUnix)
		if u == nil {
			continue
		}
		if u.Name == s.selfName {
			return
		}
		kind, ok := s.kinds[u.Name]
		switch {
		case !ok:
		case kind == 0:
			stream = append(stream, buf[:n]...)
			frames, rest := harness.DecodeFrames(stream)
			for _, fr := range frames {
				frame(fr)
			}
			stream = append(stream[:0], rest...)
		default:
			frame(harness.Frame{Kind: kind, Payload: buf[:n]})
		}
	}
}

// done tells read to return once it has read what the child sent. Call it
// when the child and its process group are gone.
func (s *sockets) done() {
	if _, err := syscall.Write(s.self, nil); err != nil {
		// Wakes a blocked read, which then returns.
		syscall.Shutdown(s.recv, syscall.SHUT_RDWR)
	}
}

// close releases every socket the runner holds; call it after read has
// returned.
func (s *sockets) close() {
	s.closeSenders()
	if s.self >= 0 {
		syscall.Close(s.self)
	}
	syscall.Close(s.recv)
}
