// Package harness is the code that runs around an example program inside the
// child process the runner starts. It is shared by both engines: the compiled
// engine copies this package into the example's build and calls [Main] from an
// init function of package main; the interpreter engine calls [Main] with a
// function that interprets the program.
//
// The parent configures a run through two environment variables, which Main
// removes before the program starts:
//
//	SIGNALWIRE_HARNESS  JSON-encoded [Config]
//	SIGNALWIRE_FRAMES   the file descriptor that carries frames (see [Frame])
//
// Under the virtual clock (the default), the program's main runs inside a
// testing/synctest bubble: the clock starts at 2000-01-01 00:00:00 UTC and only
// moves when every goroutine in the bubble is durably blocked, so sleeps,
// timers and context deadlines finish at once with exact durations. Time stops
// when main returns. Then the harness waits until every other goroutine of the
// bubble is blocked (synctest.Wait); any goroutine still there is a leak and is
// reported with what it is blocked on and where.
//
// A watchdog outside the bubble runs on the real clock. It ends the run when
// it exceeds its wall-clock limit or its memory limit, and says whether a
// goroutine was waiting on real network I/O, which keeps virtual time from
// advancing. A timer inside the bubble ends the run when the program waits
// longer than its virtual-time budget.
//
// The harness never returns: it writes a [Report] frame and exits. A program
// that calls os.Exit is reported through [Exit], with its virtual time and
// trace. A program that crashes in a goroutine exits without a report; the
// runner reads its exit status and the runtime's traceback instead.
package harness

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// Environment variables read by [Main].
const (
	ConfigEnv = "SIGNALWIRE_HARNESS"
	FramesEnv = "SIGNALWIRE_FRAMES"
)

// Config is what the parent tells the harness about a run.
type Config struct {
	// Realtime runs main on the real clock, outside any bubble.
	Realtime bool `json:"realtime,omitempty"`
	// Budget is the virtual-time budget of the program.
	Budget time.Duration `json:"budget"`
	// Wall is the real-time limit of the run.
	Wall time.Duration `json:"wall"`
	// Memory is the memory limit in bytes; 0 means none.
	Memory int64 `json:"memory,omitempty"`
	// File is the example's file as it appears in stack traces
	// (a suffix match: "main.go" matches "/tmp/x/main.go").
	File string `json:"file"`
	// Trace records contexts and goroutines (virtual clock only).
	Trace bool `json:"trace,omitempty"`
}

// MaxLeaks is how many leaked goroutines a report lists; it counts them all.
const MaxLeaks = 100

// MaxStack is the largest stack a goroutine of an example may grow,
// in bytes; beyond it the runtime stops the program with
// "runtime: goroutine stack exceeds 67108864-byte limit" and
// "fatal error: stack overflow".
const MaxStack = 64 << 20

// Exit codes of the child process when it ends the run itself.
const (
	ExitOK    = 0
	ExitPanic = 2
	ExitLimit = 125 // wall clock, memory, virtual budget, unsupported program
)

// Main runs the program under the configuration found in the environment,
// reports what happened on the frames descriptor and exits. It never returns.
func Main(program func()) {
	cfg, fw, err := Load()
	if err != nil {
		fmt.Fprintln(os.Stderr, "signalwire harness:", err)
		os.Exit(ExitLimit)
	}
	h := &harness{cfg: cfg, w: fw}
	if cfg.Trace && !cfg.Realtime {
		rec = newRecorder(cfg.File)
	}
	running.Store(h)
	if cfg.Memory > 0 {
		debug.SetMemoryLimit(cfg.Memory)
	}
	// An endless recursion fails at once, as the stack overflow it is,
	// rather than growing a stack to the runtime's 1 GB first.
	debug.SetMaxStack(MaxStack)
	go h.watchdog()
	if cfg.Realtime {
		h.runRealtime(program)
	} else {
		h.runVirtual(program)
	}
	h.finish(Report{Outcome: OutcomeReturned}, ExitOK) // not reached
}

// running is the harness of this process once [Main] has begun.
var running atomic.Pointer[harness]

// Exit reports that the program called os.Exit(code): how long it ran, in
// virtual time under the virtual clock, and its trace; then it ends the
// process with that status. It returns at once, to let the caller exit
// itself, when the harness is not running the program or is already
// ending the run. The compiled engine rewrites the example's calls of
// os.Exit and log.Fatal to wrappers that call it first; the interpreter is
// given a function that calls it for os.Exit and log.Fatal.
func Exit(code int) {
	h := running.Load()
	if h == nil || h.exiting.Swap(true) {
		return
	}
	h.mu.Lock()
	start := h.start
	h.mu.Unlock()
	elapsed := time.Duration(0)
	if !start.IsZero() {
		elapsed = time.Since(start)
	}
	h.w.Mark()
	h.finish(Report{Outcome: OutcomeExit, Code: code, Elapsed: elapsed}, code)
}

// Fail reports that the program could not run at all (for instance, the
// interpreter refused it) and exits.
func Fail(r Report) {
	cfg, fw, err := Load()
	if err != nil {
		fmt.Fprintln(os.Stderr, "signalwire harness:", err)
		os.Exit(ExitLimit)
	}
	h := &harness{cfg: cfg, w: fw}
	h.finish(r, ExitLimit)
}

var (
	setupOnce sync.Once
	setupCfg  Config
	setupW    *FrameWriter
	setupErr  error
)

// Load reads the configuration of the run from the environment, once.
func Load() (Config, *FrameWriter, error) {
	setupOnce.Do(func() {
		raw := os.Getenv(ConfigEnv)
		if raw == "" {
			setupErr = fmt.Errorf("%s is not set: this program runs under the signalwire runner", ConfigEnv)
			return
		}
		if err := json.Unmarshal([]byte(raw), &setupCfg); err != nil {
			setupErr = fmt.Errorf("bad %s: %v", ConfigEnv, err)
			return
		}
		setupW, setupErr = OpenFrames(os.Getenv(FramesEnv))
		os.Unsetenv(ConfigEnv)
		os.Unsetenv(FramesEnv)
	})
	return setupCfg, setupW, setupErr
}

type harness struct {
	cfg  Config
	w    *FrameWriter
	once sync.Once

	mu    sync.Mutex
	start time.Time // start of main, virtual or real
	self  int       // the goroutine that runs main

	over    atomic.Pointer[Report] // set when the virtual-time budget ran out
	exiting atomic.Bool            // the program called os.Exit
}

// runVirtual runs program inside a synctest bubble. synctest needs a
// *testing.T, which a plain binary obtains through testing.MainStart.
func (h *harness) runVirtual(program func()) {
	// os/signal starts its watcher goroutine on first use; started inside
	// the bubble it would select on the bubble's channels from outside and
	// crash the runtime. Start it here, outside.
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	signal.Stop(c)
	stdout := os.Stdout
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		h.finish(Report{Outcome: OutcomeHarness, Message: err.Error()}, ExitLimit)
	}
	// The testing package writes its own chatter to os.Stdout, captured
	// when the test starts; keep it out of the program's output.
	os.Stdout = devnull
	args := os.Args
	os.Args = os.Args[:1]
	test := func(t *testing.T) {
		defer func() {
			if r := recover(); r != nil {
				// synctest panics when every goroutine of the bubble is
				// blocked and no timer can wake any of them: after the
				// budget's timer, only a deadlock leaves it so.
				rep := Report{Outcome: OutcomeDeadlock, Message: fmt.Sprint(r)}
				if over := h.over.Load(); over != nil {
					rep.Blocked = over.Blocked
				}
				if rec != nil {
					rep.Elapsed = time.Duration(rec.latest())
				}
				h.finish(rep, ExitPanic)
			}
		}()
		synctest.Test(t, func(t *testing.T) {
			os.Stdout = stdout
			os.Args = args
			h.body(program)
		})
	}
	m := testing.MainStart(testDeps{}, []testing.InternalTest{{Name: "Example", F: test}}, nil, nil, nil)
	m.Run()
	h.finish(Report{Outcome: OutcomeHarness, Message: "testing framework returned without running the program"}, ExitLimit)
}

// body runs inside the bubble.
func (h *harness) body(program func()) {
	h.mu.Lock()
	h.start = time.Now()
	h.self = goroutineID()
	h.mu.Unlock()
	if rec != nil {
		rec.mu.Lock()
		rec.start = h.start
		rec.mu.Unlock()
	}
	// The budget is a timer, and a timer keeps a bubble alive: time jumps to
	// it when every goroutine is blocked, even when nothing else could
	// ever wake them. So when it fires, it records what the program was
	// waiting for and blocks without a timer. If another timer is pending,
	// time moves on and the watchdog ends the run as over budget (after
	// overGrace, or when main returns); if none is, synctest finds every
	// goroutine blocked for good and panics at once, which runVirtual
	// reports as the deadlock it is.
	budget := time.AfterFunc(h.cfg.Budget, func() {
		h.w.Mark()
		h.over.Store(&Report{
			Outcome: OutcomeBudget,
			Elapsed: h.cfg.Budget,
			Message: fmt.Sprintf("still running after %v of virtual time", h.cfg.Budget),
			Blocked: h.blocked(),
		})
		select {}
	})
	p := h.callMain(program)
	elapsed := time.Since(h.start)
	h.w.Mark()
	budget.Stop()
	if r := h.over.Load(); r != nil {
		h.finish(*r, ExitLimit) // main returned, but after the budget
	}
	if p != nil {
		h.finish(Report{Outcome: OutcomePanic, Elapsed: elapsed, Panic: p}, ExitPanic)
	}
	// Let every other goroutine of the bubble run until it blocks or ends.
	synctest.Wait()
	h.finish(Report{Outcome: OutcomeReturned, Elapsed: elapsed, Leaks: h.goroutines(true)}, ExitOK)
}

func (h *harness) runRealtime(program func()) {
	h.mu.Lock()
	h.start = time.Now()
	h.self = goroutineID()
	h.mu.Unlock()
	p := h.callMain(program)
	elapsed := time.Since(h.start)
	h.w.Mark()
	if p != nil {
		h.finish(Report{Outcome: OutcomePanic, Elapsed: elapsed, Panic: p}, ExitPanic)
	}
	// Without a bubble there is no synctest.Wait: poll until the set of the
	// example's goroutines is blocked and stable for a few rounds.
	var last []Leak
	stable := 0
	for i := 0; i < 100 && stable < 3; i++ {
		time.Sleep(5 * time.Millisecond)
		cur := h.goroutines(false)
		if leaksEqual(cur, last) {
			stable++
		} else {
			stable = 0
		}
		last = cur
	}
	h.finish(Report{Outcome: OutcomeReturned, Elapsed: elapsed, Leaks: last}, ExitOK)
}

func (h *harness) callMain(program func()) (p *Panic) {
	defer func() {
		if r := recover(); r != nil {
			p = newPanic(r, debug.Stack(), h.cfg.File)
		}
	}()
	program()
	return nil
}

// finish writes the report and exits. The first caller wins.
func (h *harness) finish(r Report, code int) {
	h.once.Do(func() {
		if rec != nil {
			end := r.Elapsed
			switch r.Outcome {
			case OutcomeReturned, OutcomePanic, OutcomeBudget, OutcomeExit:
			default:
				end = -1 // the watchdog, outside the bubble, cannot read virtual time
			}
			r.Trace = rec.snapshot(end, r.Leaks)
		}
		r.LeakCount = len(r.Leaks)
		if len(r.Leaks) > MaxLeaks {
			r.Leaks = r.Leaks[:MaxLeaks]
		}
		h.w.Report(r)
		h.exiting.Store(true) // os.Exit must not come back to Exit
		os.Exit(code)
	})
	select {} // another goroutine is exiting
}

// blocked lists the example's goroutines, main included, with where they are.
func (h *harness) blocked() []Leak {
	return h.goroutines(!h.cfg.Realtime)
}

// goroutines lists the example's goroutines other than the caller: in a
// bubble, the bubble's; on the real clock, those started by the example's
// code (main excluded). After main returned, they are the leaks.
func (h *harness) goroutines(bubble bool) []Leak {
	h.mu.Lock()
	self := h.self
	h.mu.Unlock()
	caller := goroutineID()
	var out []Leak
	for _, g := range ParseStacks(allStacks()) {
		if g.ID == caller || g.ID == self && !bubble {
			continue
		}
		if bubble {
			if !g.Bubble || g.ID == self && g.State == "running" || g.harness() {
				continue
			}
		} else if !g.example(h.cfg.File) || g.ID == self {
			continue
		}
		out = append(out, g.leak(h.cfg.File))
	}
	sortLeaks(out)
	return out
}

// stackSize is the size of the buffer that last held every stack: each
// try of runtime.Stack stops the world and formats every goroutine, which
// with thousands of goroutines is worth doing once, not once per doubling.
var stackSize atomic.Int64

func allStacks() []byte {
	buf := make([]byte, max(stackSize.Load(), 1<<16))
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			stackSize.Store(int64(len(buf)))
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}

func goroutineID() int {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	gs := ParseStacks(buf[:n])
	if len(gs) == 0 {
		return -1
	}
	return gs[0].ID
}

func sortLeaks(ls []Leak) {
	sort.SliceStable(ls, func(i, j int) bool {
		a, b := ls[i], ls[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.CreatedLine != b.CreatedLine {
			return a.CreatedLine < b.CreatedLine
		}
		return a.State < b.State
	})
}

func leaksEqual(a, b []Leak) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.State != y.State || x.Func != y.Func || x.Line != y.Line || x.CreatedLine != y.CreatedLine ||
			x.ID != y.ID || !slices.Equal(x.Callers, y.Callers) {
			return false
		}
	}
	return true
}

// newPanic describes a panic recovered in the program's main goroutine.
func newPanic(r any, stack []byte, file string) *Panic {
	if lp, ok := r.(*LocatedPanic); ok {
		return &Panic{Value: FormatPanicValue(lp.Value), Lines: lp.Lines}
	}
	p := &Panic{Value: FormatPanicValue(r)}
	if gs := ParseStacks(stack); len(gs) > 0 {
		p.Lines = gs[0].Lines(file)
	}
	return p
}

// LocatedPanic is a panic whose example lines are already known, as when
// the interpreter reports them.
type LocatedPanic struct {
	Value any
	Lines []int
}

// FormatPanicValue prints a panic value the way the runtime does in
// "panic: ..." for the values examples use.
func FormatPanicValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "nil"
	case error:
		return v.Error()
	case fmt.Stringer:
		return v.String()
	case string:
		return v
	case bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, uintptr, float32, float64, complex64, complex128:
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("(%T) %v", v, v)
}

func matchFile(path, file string) bool {
	return path == file || strings.HasSuffix(path, "/"+file)
}
