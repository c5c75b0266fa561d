package harness

import "time"

// Outcome says how a run ended.
type Outcome string

// Outcomes of a run as the harness sees them.
const (
	OutcomeReturned    Outcome = "returned"       // main returned
	OutcomePanic       Outcome = "panic"          // main's goroutine panicked
	OutcomeExit        Outcome = "exit"           // the program called os.Exit (Code)
	OutcomeBudget      Outcome = "virtual-budget" // waited past the virtual-time budget
	OutcomeWall        Outcome = "timeout"        // ran past the wall-clock limit
	OutcomeNetwork     Outcome = "network"        // stuck on real network I/O under the virtual clock
	OutcomeStuck       Outcome = "stuck"          // blocked on something outside the bubble: virtual time cannot advance
	OutcomeMemory      Outcome = "memory"         // used more memory than allowed
	OutcomeDeadlock    Outcome = "deadlock"       // every goroutine blocked with nothing to wake them
	OutcomeCompile     Outcome = "compile"        // the interpreter rejected the program
	OutcomeUnsupported Outcome = "unsupported"    // the interpreter cannot run this construct
	OutcomeHarness     Outcome = "harness"        // the harness itself failed
)

// Report is the last thing the harness writes before it exits.
type Report struct {
	Outcome Outcome       `json:"outcome"`
	Elapsed time.Duration `json:"elapsed"`
	// Code is the status the program gave os.Exit.
	Code    int    `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	// Line and Col locate the problem in the example, when known.
	Line int `json:"line,omitempty"`
	Col  int `json:"col,omitempty"`
	// Panic describes a panic of main's goroutine.
	Panic *Panic `json:"panic,omitempty"`
	// Leaks are the goroutines still alive after main returned, the first
	// MaxLeaks of them by line; LeakCount counts them all.
	Leaks     []Leak `json:"leaks,omitempty"`
	LeakCount int    `json:"leak_count,omitempty"`
	// Blocked are the example's goroutines when a limit ended the run.
	Blocked []Leak `json:"blocked,omitempty"`
	// Diagnostics are the interpreter's compile errors.
	Diagnostics []Diagnostic `json:"diagnostics,omitempty"`
	// Trace is what the program did with contexts and goroutines, when
	// the run was traced.
	Trace *Trace `json:"trace,omitempty"`
}

// Panic is a panic with the example lines of its stack, innermost first.
type Panic struct {
	Value string `json:"value"`
	Lines []int  `json:"lines,omitempty"`
}

// Leak is a goroutine and where it is.
type Leak struct {
	// State is what the goroutine waits for, as the runtime names it:
	// "chan receive", "chan send", "select", "sleep", "sync.Mutex.Lock", ...
	State string `json:"state"`
	// Func is the innermost function of the example on its stack.
	Func string `json:"func,omitempty"`
	// Line is the example's line where it is blocked (0 when unknown): the
	// innermost frame of the example's code on its stack.
	Line int `json:"line,omitempty"`
	// Callers are the example's lines of the calls that led to Line,
	// innermost first: a goroutine asleep in a helper when main returned
	// is at the helper's line, called from the line that will use its
	// result (a send that may block for ever).
	Callers []int `json:"callers,omitempty"`
	// CreatedLine is the example's line of the go statement that started
	// it (0 when unknown).
	CreatedLine int `json:"created_line,omitempty"`
	// ID is the runtime's goroutine number, used only inside the child.
	ID int `json:"-"`
}

// Diagnostic is a compile error at a position of the example.
type Diagnostic struct {
	Line int    `json:"line"`
	Col  int    `json:"col,omitempty"`
	Msg  string `json:"msg"`
}
