package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	hello bool           // the process must say it is the interpreter's child
	fence *harness.Fence // the OS sandbox (sandbox_*.go); nil in allowlist mode
	// output gives the program's os.Stdout and os.Stderr sockets of
	// their own (harness.OutputEnv): a compiled program's.
	output bool
}

// raw is what a child process did, before interpretation.
type raw struct {
	parts      []*part
	rawStdout  []byte // written to descriptor 1 around the os package (runtime)
	rawStderr  []byte // written to descriptor 2 around the os package (runtime)
	report     *harness.Report
	reportJSON []byte // the report frames' payloads
	panicLines []int  // from the interpreter's panicking goroutines
	exitCode   int
	truncated  bool
	hello      bool // the interpreter's child said hello
	killed     bool // the runner killed it: the harness missed its deadline
	wall       time.Duration
	dataLimit  int64 // the sandbox's RLIMIT_DATA, 0 without the sandbox
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
	socks, err := newSockets(c.output) // output.go
	if err != nil {
		return nil, err
	}
	defer socks.close()
	files := []*os.File{socks.frames}
	var extraW *os.File
	if c.extra != nil {
		var extraR *os.File
		extraR, extraW, err = os.Pipe()
		if err != nil {
			return nil, err
		}
		defer extraR.Close()
		files = append(files, extraR)
	}
	var outputEnv []string
	if c.output {
		files = append(files, socks.stdout, socks.stderr)
		outputEnv = []string{fmt.Sprintf("%s=%d,%d", harness.OutputEnv, 3+len(files)-2, 3+len(files)-1)}
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
	}, append(outputEnv, c.env...)...)
	// What the program writes through the os package (frames) and what
	// the runtime writes to descriptors 1 and 2 (println, a crash) share
	// one output limit; going over it stops the run.
	quota := &outputQuota{left: outputLimit, over: func() { killGroup(cmd.Process) }}
	stdout := &cappedBuffer{quota: quota}
	stderr := &cappedBuffer{quota: quota}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.ExtraFiles = files
	cmd.SysProcAttr = groupAttr(true) // wasm: procattr*.go
	cmd.Cancel = func() error { return killGroup(cmd.Process) }
	cmd.WaitDelay = time.Second
	if c.fence != nil { // the OS sandbox: sandbox_*.go
		cleanup, err := sandboxCmd(cmd, c.fence, dir)
		if err != nil {
			if extraW != nil {
				extraW.Close()
			}
			return nil, err
		}
		defer cleanup()
	}

	began := time.Now()
	if err := cmd.Start(); err != nil {
		if extraW != nil {
			extraW.Close()
		}
		if c.fence != nil {
			err = fenceStartError(err) // isolation.go
		}
		return nil, err
	}
	socks.closeSenders()
	if c.extra != nil {
		files[1].Close()
	}
	// The child reads what it needs of descriptor 4 while it runs; the
	// write ends when it has, or when the child is gone (EPIPE).
	var fed chan error
	if extraW != nil {
		fed = make(chan error, 1)
		go func() {
			_, err := extraW.Write(c.extra)
			if cerr := extraW.Close(); err == nil {
				err = cerr
			}
			fed <- err
		}()
	}

	r := &raw{}
	if c.fence != nil {
		r.dataLimit = c.fence.Data
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		socks.read(r.frameReader(quota))
	}()
	waitErr := cmd.Wait()
	// Anything the child started is killed with its group; what the child
	// sent is queued ahead of done's word.
	killGroup(cmd.Process)
	socks.done()
	wg.Wait()
	r.decodeReport()
	r.wall = time.Since(began)
	r.rawStdout, r.rawStderr = stdout.Bytes(), stderr.Bytes()
	r.exitCode = cmd.ProcessState.ExitCode()
	r.truncated = quota.exceeded()
	if c.fence != nil && r.report == nil && r.exitCode == harness.ExitFence {
		return nil, fenceError(r.rawStderr)
	}

	var feedErr error
	if fed != nil {
		feedErr = <-fed
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if runCtx.Err() != nil {
		r.killed = true
	}
	// A child that stopped before it read its input has said why, or
	// exited with a status that does; any other failure to hand it over
	// is the runner's.
	if feedErr != nil && !r.killed && !r.truncated && !errors.Is(feedErr, syscall.EPIPE) {
		return nil, fmt.Errorf("handing the program to its process: %w", feedErr)
	}
	if c.hello && !r.hello && !r.killed {
		return nil, fmt.Errorf("the interpreter engine runs %s as its child process, which did not turn into one "+
			"(its main must begin with: if runner.IsChild() { runner.ChildMain() }); it exited with status %d%s",
			c.path, r.exitCode, firstLine(stderr.Bytes()))
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

// frameReader returns the function that takes each frame of the child in
// turn.
func (r *raw) frameReader(quota *outputQuota) func(harness.Frame) {
	marked := false
	return func(fr harness.Frame) {
		switch fr.Kind {
		case harness.FrameStdout, harness.FrameStderr:
			if marked {
				return
			}
			text := fr.Payload[:quota.take(len(fr.Payload))]
			stream := Stdout
			if fr.Kind == harness.FrameStderr {
				stream = Stderr
			}
			r.add(stream, string(text))
		case harness.FrameHello:
			r.hello = true
		case harness.FrameMark:
			marked = true
		case harness.FrameReport:
			r.reportJSON = append(r.reportJSON, fr.Payload...)
		case harness.FramePanic:
			if line, err := strconv.Atoi(string(fr.Payload)); err == nil {
				r.panicLines = append(r.panicLines, line)
			}
		}
	}
}

// decodeReport decodes the report frames once every frame is read.
func (r *raw) decodeReport() {
	if len(r.reportJSON) == 0 {
		return
	}
	var rep harness.Report
	if err := json.Unmarshal(r.reportJSON, &rep); err != nil {
		rep = harness.Report{Outcome: harness.OutcomeHarness, Message: fmt.Sprintf("unreadable report: %v", err)}
	}
	r.report = &rep
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

// outputQuota is what is left of the output limit of a run. The first
// write that does not fit stops the run through over.
type outputQuota struct {
	mu   sync.Mutex
	left int
	cut  bool
	over func()
}

// take charges n bytes and returns how many of them fit.
func (q *outputQuota) take(n int) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.cut {
		return 0
	}
	if n <= q.left {
		q.left -= n
		return n
	}
	fit := q.left
	q.left, q.cut = 0, true
	q.over()
	return fit
}

func (q *outputQuota) exceeded() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.cut
}

// cappedBuffer keeps what fits in its quota of what is written to it.
type cappedBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	quota *outputQuota
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p[:b.quota.take(len(p))])
	return len(p), nil
}

func (b *cappedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

// firstLine quotes the first line of what a process wrote, for a message.
func firstLine(b []byte) string {
	line, _, _ := bytes.Cut(bytes.TrimSpace(b), []byte("\n"))
	if len(line) == 0 {
		return ""
	}
	return fmt.Sprintf(" and said %q", line)
}
