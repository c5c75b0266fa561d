package site

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"signalwire/runner"
)

func TestProgress(t *testing.T) {
	var buf bytes.Buffer
	p := startProgress(&buf, 3)
	p.begin("a")
	p.begin("b")
	p.end("a", &runner.Result{Cached: true})
	p.end("b", &runner.Result{})
	p.finish()
	out := buf.String()
	for _, re := range []string{
		`\r\x1b\[Kexamples: 1/3 \(1 cached\)`,
		`\r\x1b\[Kexamples: 2/3 \(1 cached\)`,
		`\r\x1b\[Kexamples: 2 run \(1 cached\) in \d+\.\ds; slowest b \(\d+\.\ds\)\n$`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("progress output %q does not match %s", out, re)
		}
	}
}

// TestProgressLines: a writer that is not a terminal (CI, a pipe) gets a
// line every lineStep examples run, and a summary; no terminal codes.
func TestProgressLines(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, 25)
	for i := range 25 {
		name := fmt.Sprint("ex", i)
		p.begin(name)
		p.end(name, &runner.Result{Cached: i < 3})
	}
	p.finish()
	out := buf.String()
	if strings.Contains(out, "\x1b") || strings.Contains(out, "\r") {
		t.Errorf("terminal codes written to a non-terminal: %q", out)
	}
	for _, re := range []string{
		`(?m)^examples: 13/25 \(3 cached\) after \d+s\n`,
		`(?m)^examples: 23/25 \(3 cached\) after \d+s\n`,
		`(?m)^examples: 25 run \(3 cached\) in \d+\.\ds; slowest ex\d+ \(\d+\.\ds\)\n$`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("progress output %q does not match %s", out, re)
		}
	}
}

// TestProgressLinesQuiet: a build whose examples all come from the cache
// prints nothing to a log.
func TestProgressLinesQuiet(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, 2)
	p.begin("a")
	p.end("a", &runner.Result{Cached: true})
	p.begin("b")
	p.end("b", &runner.Result{Cached: true})
	p.finish()
	if buf.Len() != 0 {
		t.Errorf("progress written for a cached build: %q", buf.String())
	}
}

// TestProgressLinesSlow: while one example runs for long, a line names it
// at each interval.
func TestProgressLinesSlow(t *testing.T) {
	var buf progressBuffer
	p := startLines(&buf, 2, 10*time.Millisecond)
	p.begin("slow")
	re := regexp.MustCompile(`(?m)^examples: 0/2 after \d+s, waiting for slow \(\d+s\)\n`)
	for deadline := time.Now().Add(30 * time.Second); !re.MatchString(buf.String()); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no line names the slow example after 30s: %q", buf.String())
		}
	}
	p.end("slow", &runner.Result{})
	p.finish()
}

// progressBuffer is a bytes.Buffer that the progress ticker writes while the
// test reads.
type progressBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *progressBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *progressBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
