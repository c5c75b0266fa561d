package site

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"signalwire/runner"
)

// progress shows how many examples have run and which one is taking long.
// On a terminal it redraws one line. Anywhere else (CI, a pipe, a log) it
// prints a line every lineStep examples that really ran and every
// lineEvery while something changed, so that a first build that compiles
// every example is not silent for minutes; a build whose examples all come
// from the cache prints nothing.
type progress struct {
	w     io.Writer // nil when quiet
	lines bool      // a line at a time, not a redrawn one
	total int
	start time.Time

	mu       sync.Mutex
	done     int
	cached   int
	running  map[string]time.Time
	slowest  string
	slow     time.Duration
	printed  int // done when the last line was printed (lines mode)
	sinceRun int // examples run, not cached, since the last line

	stop chan struct{}
	wg   sync.WaitGroup
}

// slowAfter is how long an example runs before progress names it.
const slowAfter = time.Second

// In lines mode, a line is printed after lineStep examples that were not
// cached, and every lineEvery when there is news.
const (
	lineStep  = 10
	lineEvery = 5 * time.Second
)

// newProgress returns a progress reporter writing to w: redrawing a line
// if w is a terminal, printing lines otherwise.
func newProgress(w io.Writer, total int) *progress {
	if w == nil || total == 0 {
		return startProgress(nil, total)
	}
	if !isTerminal(w) {
		return startLines(w, total, lineEvery)
	}
	return startProgress(w, total)
}

// startProgress returns a progress reporter redrawing a line on w, if w is
// not nil.
func startProgress(w io.Writer, total int) *progress {
	p := &progress{total: total, start: time.Now(), running: map[string]time.Time{}}
	if w == nil {
		return p
	}
	p.w = w
	p.tick(250 * time.Millisecond)
	return p
}

// startLines returns a progress reporter printing lines on w, and one
// every interval when there is news.
func startLines(w io.Writer, total int, every time.Duration) *progress {
	p := &progress{w: w, lines: true, total: total, start: time.Now(), running: map[string]time.Time{}}
	p.tick(every)
	return p
}

// tick draws every d until finish.
func (p *progress) tick(d time.Duration) {
	p.stop = make(chan struct{})
	p.wg.Go(func() {
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.mu.Lock()
				if !p.lines || p.done != p.printed || p.waitingFor() != "" {
					p.draw()
				}
				p.mu.Unlock()
			}
		}
	})
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
	} else {
		p.sinceRun++
	}
	if !p.lines || p.sinceRun >= lineStep {
		p.draw()
	}
}

// waitingFor names the example that has been running longest, with how
// long, if that is more than slowAfter; p.mu is held.
func (p *progress) waitingFor() string {
	var name string
	var since time.Time
	for n, t := range p.running {
		if name == "" || t.Before(since) || t.Equal(since) && n < name {
			name, since = n, t
		}
	}
	if name == "" || time.Since(since) < slowAfter {
		return ""
	}
	return fmt.Sprintf("waiting for %s (%.0fs)", name, time.Since(since).Seconds())
}

// draw rewrites the progress line, or prints one; p.mu is held.
func (p *progress) draw() {
	if p.w == nil {
		return
	}
	line := fmt.Sprintf("examples: %d/%d", p.done, p.total)
	if p.cached > 0 {
		line += fmt.Sprintf(" (%d cached)", p.cached)
	}
	if p.lines {
		line += fmt.Sprintf(" after %.0fs", time.Since(p.start).Seconds())
	}
	if w := p.waitingFor(); w != "" {
		line += ", " + w
	}
	if p.lines {
		p.printed, p.sinceRun = p.done, 0
		fmt.Fprintf(p.w, "%s\n", line)
		return
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s", line)
}

// finish ends the progress line with a summary; in lines mode, only if an
// example was run, not cached.
func (p *progress) finish() {
	if p.w == nil {
		return
	}
	close(p.stop)
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lines && p.done == p.cached {
		return
	}
	line := fmt.Sprintf("examples: %d run", p.done)
	if p.cached > 0 {
		line += fmt.Sprintf(" (%d cached)", p.cached)
	}
	line += fmt.Sprintf(" in %.1fs", time.Since(p.start).Seconds())
	if p.slowest != "" {
		line += fmt.Sprintf("; slowest %s (%.1fs)", p.slowest, p.slow.Seconds())
	}
	if p.lines {
		fmt.Fprintf(p.w, "%s\n", line)
		return
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s\n", line)
}
