package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"signalwire/runner/harness"
)

// child is a process to start for one run.
type child struct {
	path  string
	args  []string
	env   []string // added to the minimal environment
	extra []byte   // written to descriptor 4, when not nil
	cfg   harness.Config
	fence *harness.Fence // the OS sandbox (sandbox_*.go); nil in allowlist mode
}

// raw is what a child process did, before interpretation.
type raw struct {
	parts      []*part
	rawStdout  []byte // written to descriptor 1 around the os package (runtime)
	rawStderr  []byte // written to descriptor 2 around the os package (runtime)
	report     *harness.Report
	panicLines []int // from the interpreter's panicking goroutines
	exitCode   int
	truncated  bool
	killed     bool // the runner killed it: the harness missed its deadline
	wall       time.Duration
}

// graceful is how long the runner waits past the harness's own wall-clock
// limit before it kills the child.
const graceful = 2 * time.Second

// start runs c in an empty temporary directory with a minimal environment,
// in a process group of its own, and collects its frames.
func start(ctx context.Context, c child, outputLimit int) (*raw, error) {
	dir, err := os.MkdirTemp("", "signalwire-run-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)

	cfg, err := json.Marshal(c.cfg)
	if err != nil {
		return nil, err
	}
	framesR, framesW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer framesR.Close()
	files := []*os.File{framesW}
	var extraW *os.File
	if c.extra != nil {
		var extraR *os.File
		extraR, extraW, err = os.Pipe()
		if err != nil {
			framesW.Close()
			return nil, err
		}
		defer extraR.Close()
		files = append(files, extraR)
	}

	runCtx, cancel := context.WithTimeout(ctx, c.cfg.Wall+graceful)
	defer cancel()
	cmd := exec.CommandContext(runCtx, c.path, c.args...)
	cmd.Dir = dir
	cmd.Env = append([]string{
		"TZ=UTC",
		"LANG=C",
		"HOME=" + dir,
		"TMPDIR=" + dir,
		harness.ConfigEnv + "=" + string(cfg),
		harness.FramesEnv + "=3",
	}, c.env...)
	var stdout, stderr cappedBuffer
	stdout.limit, stderr.limit = 64<<10, 64<<10
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.ExtraFiles = files
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return killGroup(cmd.Process) }
	cmd.WaitDelay = time.Second
	if c.fence != nil { // the OS sandbox: sandbox_*.go
		cleanup, err := sandboxCmd(cmd, c.fence, dir)
		if err != nil {
			framesW.Close()
			if extraW != nil {
				extraW.Close()
			}
			return nil, err
		}
		defer cleanup()
	}

	began := time.Now()
	if err := cmd.Start(); err != nil {
		framesW.Close()
		if extraW != nil {
			extraW.Close()
		}
		return nil, err
	}
	framesW.Close()
	for _, f := range files[1:] {
		f.Close()
	}
	if extraW != nil {
		go func() {
			extraW.Write(c.extra)
			extraW.Close()
		}()
	}

	r := &raw{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		r.readFrames(framesR, outputLimit, func() { killGroup(cmd.Process) })
	}()
	waitErr := cmd.Wait()
	// The frames pipe is closed when the child exits; anything it started
	// has been killed with its group.
	killGroup(cmd.Process)
	wg.Wait()
	r.wall = time.Since(began)
	r.rawStdout, r.rawStderr = stdout.Bytes(), stderr.Bytes()
	r.exitCode = cmd.ProcessState.ExitCode()
	if c.fence != nil && r.report == nil && r.exitCode == harness.ExitFence {
		return nil, fenceError(r.rawStderr)
	}

	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if runCtx.Err() != nil {
		r.killed = true
	}
	var exitErr *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exitErr) && !r.killed && !r.truncated && !errors.Is(waitErr, exec.ErrWaitDelay) {
		return nil, waitErr
	}
	return r, nil
}

func killGroup(p *os.Process) error {
	if p == nil {
		return nil
	}
	// The negative pid names the process group.
	err := syscall.Kill(-p.Pid, syscall.SIGKILL)
	if err == syscall.ESRCH {
		return nil
	}
	return err
}

// readFrames decodes the frames descriptor until the child closes it.
func (r *raw) readFrames(f io.Reader, limit int, kill func()) {
	var (
		buf     []byte
		report  []byte
		marked  bool
		written int
	)
	chunk := make([]byte, 32<<10)
	for {
		n, err := f.Read(chunk)
		buf = append(buf, chunk[:n]...)
		frames, rest := harness.DecodeFrames(buf)
		for _, fr := range frames {
			switch fr.Kind {
			case harness.FrameStdout, harness.FrameStderr:
				if marked || r.truncated {
					continue
				}
				text := fr.Payload
				if written+len(text) > limit {
					text = text[:limit-written]
					r.truncated = true
					kill()
				}
				written += len(text)
				stream := Stdout
				if fr.Kind == harness.FrameStderr {
					stream = Stderr
				}
				r.add(stream, string(text))
			case harness.FrameMark:
				marked = true
			case harness.FrameReport:
				report = append(report, fr.Payload...)
			case harness.FramePanic:
				if line, err := strconv.Atoi(string(fr.Payload)); err == nil {
					r.panicLines = append(r.panicLines, line)
				}
			}
		}
		buf = append(buf[:0], rest...)
		if err != nil {
			break
		}
	}
	if len(report) > 0 {
		var rep harness.Report
		if err := json.Unmarshal(report, &rep); err != nil {
			rep = harness.Report{Outcome: harness.OutcomeHarness, Message: fmt.Sprintf("unreadable report: %v", err)}
		}
		r.report = &rep
	}
}

type part struct {
	stream Stream
	text   strings.Builder
}

// add appends text to the output, merging it with the last chunk of the
// same stream.
func (r *raw) add(s Stream, text string) {
	if text == "" {
		return
	}
	if n := len(r.parts); n == 0 || r.parts[n-1].stream != s {
		r.parts = append(r.parts, &part{stream: s})
	}
	r.parts[len(r.parts)-1].text.WriteString(text)
}

// chunks returns the output collected so far.
func (r *raw) chunks() []Chunk {
	out := make([]Chunk, 0, len(r.parts))
	for _, p := range r.parts {
		out = append(out, Chunk{Stream: p.stream, Text: p.text.String()})
	}
	return out
}

// cappedBuffer keeps the first limit bytes written to it.
type cappedBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	limit int
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := b.limit - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *cappedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}
