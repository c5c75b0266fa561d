package harness

import (
	"fmt"
	"runtime/metrics"
	"strings"
	"time"
)

// overGrace is how long the watchdog lets a program that ran out of
// virtual time be found deadlocked before it reports it over budget.
const overGrace = time.Second

// watchdog runs outside the bubble, on the real clock.
func (h *harness) watchdog() {
	deadline := time.Now().Add(h.cfg.Wall)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	sample := []metrics.Sample{
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}
	var (
		lastCheck = time.Now()
		interval  = 100 * time.Millisecond
		lastStuck string // fingerprint of the last stuck bubble
		same      int
		overSince time.Time // when the watchdog saw the budget run out
	)
	for now := range tick.C {
		if h.cfg.Memory > 0 {
			metrics.Read(sample)
			used := int64(sample[0].Value.Uint64() - sample[1].Value.Uint64())
			if used > h.cfg.Memory {
				h.finish(Report{
					Outcome: OutcomeMemory,
					Message: fmt.Sprintf("used %d MiB of memory, over the limit of %d MiB", used>>20, h.cfg.Memory>>20),
				}, ExitLimit)
			}
		}
		// Past the budget, a program with nothing left to wake it is a
		// deadlock, which synctest says within microseconds (see body);
		// one that goes on is over budget. A second of real time tells
		// them apart, a margin thousands of times what the panic needs.
		if r := h.over.Load(); r != nil {
			if overSince.IsZero() {
				overSince = now
			}
			if now.Sub(overSince) >= overGrace || now.After(deadline) {
				h.finish(*r, ExitLimit)
			}
		}
		if now.After(deadline) {
			r := Report{
				Outcome: OutcomeWall,
				Blocked: h.blocked(),
				Message: fmt.Sprintf("still running after %v of real time", h.cfg.Wall),
			}
			if g, ok := ioWait(r.Blocked); ok {
				r.Outcome, r.Line, r.Message = OutcomeNetwork, g.Line, networkMessage(g)
			}
			h.finish(r, ExitLimit)
		}
		// Under the virtual clock, a bubble whose goroutines are all
		// blocked, some of them on something outside the bubble, will never
		// move: say so at once instead of waiting for the wall clock.
		if h.cfg.Realtime || now.Sub(lastCheck) < interval {
			continue
		}
		// A check stops the world to read every stack; with thousands of
		// goroutines it is slow, so it may take at most a tenth of the time.
		fp, r, stuck := h.stuck()
		lastCheck = time.Now()
		interval = max(100*time.Millisecond, 10*lastCheck.Sub(now))
		if !stuck || fp != lastStuck {
			lastStuck, same = fp, 0
			continue
		}
		if same++; same >= 2 {
			h.finish(r, ExitLimit)
		}
	}
}

// stuck reports whether every goroutine of the bubble is blocked while some
// are not durably blocked, which means virtual time cannot advance.
func (h *harness) stuck() (fingerprint string, r Report, ok bool) {
	var (
		fp       strings.Builder
		inBubble int
		outside  []Goroutine
	)
	for _, g := range ParseStacks(allStacks()) {
		if !g.Bubble {
			continue
		}
		inBubble++
		switch g.State {
		case "running", "runnable", "syscall":
			return "", Report{}, false
		}
		fmt.Fprintf(&fp, "%d %s %v;", g.ID, g.State, g.Durable)
		if !g.Durable {
			outside = append(outside, g)
		}
	}
	if inBubble == 0 || len(outside) == 0 {
		return "", Report{}, false
	}
	r = Report{Outcome: OutcomeStuck, Blocked: h.blocked()}
	g := outside[0].leak(h.cfg.File)
	if gw, ok := ioWait(r.Blocked); ok {
		r.Outcome, r.Line, r.Message = OutcomeNetwork, gw.Line, networkMessage(gw)
		return fp.String(), r, true
	}
	r.Line = g.Line
	where := ""
	if g.Line > 0 {
		where = fmt.Sprintf(" at line %d", g.Line)
	}
	r.Message = fmt.Sprintf("virtual time cannot advance: a goroutine%s is blocked (%s) on something created outside the bubble, "+
		"such as a channel in a package-level variable or a mutex; create it inside main, or use the real clock", where, g.State)
	return fp.String(), r, true
}

func ioWait(gs []Leak) (Leak, bool) {
	for _, g := range gs {
		if g.State == "IO wait" {
			return g, true
		}
	}
	return Leak{}, false
}

func networkMessage(g Leak) string {
	where := ""
	if g.Line > 0 {
		where = fmt.Sprintf(" (line %d)", g.Line)
	}
	return fmt.Sprintf("a goroutine is waiting on real network I/O%s, so virtual time cannot advance; use the real clock for this example, or net.Pipe", where)
}
