package site

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"signalwire/runner"
)

// progress shows, on a terminal, how many examples have run and which one
// is taking long. Anywhere else it says nothing: a log needs no progress.
type progress struct {
	w     io.Writer // nil when quiet
	total int
	start time.Time

	mu      sync.Mutex
	done    int
	cached  int
	running map[string]time.Time
	slowest string
	slow    time.Duration

	stop chan struct{}
	wg   sync.WaitGroup
}

// slowAfter is how long an example runs before progress names it.
const slowAfter = time.Second

// newProgress returns a progress reporter writing to w if it is a
// terminal, and a silent one otherwise.
func newProgress(w io.Writer, total int) *progress {
	if w == nil || !isTerminal(w) || total == 0 {
		w = nil
	}
	return startProgress(w, total)
}

// startProgress returns a progress reporter writing to w, if w is not nil.
func startProgress(w io.Writer, total int) *progress {
	p := &progress{total: total, start: time.Now(), running: map[string]time.Time{}}
	if w == nil {
		return p
	}
	p.w = w
	p.stop = make(chan struct{})
	p.wg.Go(func() {
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.mu.Lock()
				p.draw()
				p.mu.Unlock()
			}
		}
	})
	return p
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (p *progress) begin(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running[name] = time.Now()
}

func (p *progress) end(name string, res *runner.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if d := time.Since(p.running[name]); d > p.slow && (res == nil || !res.Cached) {
		p.slowest, p.slow = name, d
	}
	delete(p.running, name)
	p.done++
	if res != nil && res.Cached {
		p.cached++
	}
	p.draw()
}

// draw rewrites the progress line; p.mu is held.
func (p *progress) draw() {
	if p.w == nil {
		return
	}
	line := fmt.Sprintf("examples: %d/%d", p.done, p.total)
	if p.cached > 0 {
		line += fmt.Sprintf(" (%d cached)", p.cached)
	}
	var name string
	var since time.Time
	for n, t := range p.running {
		if name == "" || t.Before(since) || t.Equal(since) && n < name {
			name, since = n, t
		}
	}
	if name != "" && time.Since(since) >= slowAfter {
		line += fmt.Sprintf(", waiting for %s (%.0fs)", name, time.Since(since).Seconds())
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s", line)
}

// finish ends the progress line with a summary.
func (p *progress) finish() {
	if p.w == nil {
		return
	}
	close(p.stop)
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	line := fmt.Sprintf("examples: %d run", p.done)
	if p.cached > 0 {
		line += fmt.Sprintf(" (%d cached)", p.cached)
	}
	line += fmt.Sprintf(" in %.1fs", time.Since(p.start).Seconds())
	if p.slowest != "" {
		line += fmt.Sprintf("; slowest %s (%.1fs)", p.slowest, p.slow.Seconds())
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s\n", line)
}
