package harness

import (
	"encoding/json"
	"time"
)

// Duration is a time.Duration that reads and writes JSON as "500ms".
type Duration time.Duration

func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON writes d as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a string written by MarshalJSON.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	*d = Duration(v)
	return err
}

// Trace is what an example did with contexts and goroutines, recorded while
// it ran. Times are offsets from the start of main, in virtual time under the
// virtual clock, so a trace is deterministic. IDs are small integers in
// creation order, so that the same program gives the same trace.
type Trace struct {
	Contexts   []TraceContext   `json:"contexts,omitempty"`
	Goroutines []TraceGoroutine `json:"goroutines,omitempty"`
	// AfterFuncs are the functions registered with context.AfterFunc.
	AfterFuncs []TraceAfterFunc `json:"afterfuncs,omitempty"`
	// End is when main returned (or the run stopped).
	End Duration `json:"end"`
}

// TraceContext is one context the program derived.
type TraceContext struct {
	ID int `json:"id"`
	// Parent is the ID of the context it was derived from; 0 for a root
	// (Background, TODO) or a parent the trace did not see (such as an
	// HTTP request's context).
	Parent int `json:"parent,omitempty"`
	// Kind is the function that made it: "Background", "TODO",
	// "WithCancel", "WithCancelCause", "WithTimeout", "WithTimeoutCause",
	// "WithDeadline", "WithDeadlineCause", "WithValue", "WithoutCancel",
	// "NotifyContext".
	Kind string `json:"kind"`
	// Name is the variable the example assigned it to ("ctx", "request"),
	// from the example's source; empty when there is none.
	Name string `json:"name,omitempty"`
	// Line is the example's line that made it; 0 when unknown.
	Line int `json:"line,omitempty"`
	// Created is when it was made.
	Created Duration `json:"created"`
	// Deadline is its deadline, as an offset from the start of main, for
	// WithTimeout and WithDeadline.
	Deadline *Duration `json:"deadline,omitempty"`
	// Key is the type of a WithValue key ("main.userKey", "string") and,
	// for a key of a basic type, its value ("string \"userID\"").
	Key string `json:"key,omitempty"`
	// Done is when its Done channel was closed; nil if never.
	Done *Duration `json:"done,omitempty"`
	// Reason says why it was cancelled: "cancel" (its cancel function was
	// called), "deadline" (its own deadline passed), "parent" (the signal
	// came from an ancestor), "signal" (NotifyContext's signal), or
	// "stop" (NotifyContext's stop function).
	Reason string `json:"reason,omitempty"`
	// CancelLine is the example's line of the cancel call that cancelled
	// it, for Reason "cancel" and "stop". For a deferred call it is the
	// line where the function that deferred it returned.
	CancelLine int `json:"cancel_line,omitempty"`
	// DeferLine is the line of the defer statement that made the call, when
	// the cancel function was deferred; DeferFunc is the function that
	// deferred it ("main", "worker"). The runner fills both from the
	// example's source.
	DeferLine int    `json:"defer_line,omitempty"`
	DeferFunc string `json:"defer_func,omitempty"`
	// Err and Cause are ctx.Err() and context.Cause(ctx) once done.
	Err   string `json:"err,omitempty"`
	Cause string `json:"cause,omitempty"`
}

// TraceGoroutine is one goroutine the example started with a go statement.
type TraceGoroutine struct {
	ID int `json:"id"`
	// Func is the function it ran ("main.worker", "main.main.func1").
	Func string `json:"func,omitempty"`
	// Label says what it runs, as the example's source wrote it: the call
	// of the go statement ("worker(ctx, 2)"), or a function literal's first
	// statement; the runner fills it from the example's source.
	Label string `json:"label,omitempty"`
	// Line is the go statement's line.
	Line int `json:"line,omitempty"`
	// Nth counts the goroutines started by the same go statement: 1 for
	// the first, 2 for the second...
	Nth int `json:"nth,omitempty"`
	// Args are the values of its arguments of basic types (numbers,
	// strings, booleans) as %v prints them, "" for the others.
	Args []string `json:"args,omitempty"`
	// Started and Ended are when it began and returned; Ended is nil if
	// it never returned before main did.
	Started Duration  `json:"started"`
	Ended   *Duration `json:"ended,omitempty"`
	// Leaked is set when it was still blocked after main returned; State
	// is then what it was blocked on.
	Leaked bool   `json:"leaked,omitempty"`
	State  string `json:"state,omitempty"`
	// WaitedOn is the context whose Done channel it was waiting on, at
	// WaitLine, when that context was cancelled, for a goroutine that
	// returned at that same instant: the cancellation is what ended it.
	WaitedOn int `json:"waited_on,omitempty"`
	WaitLine int `json:"wait_line,omitempty"`
}

// TraceAfterFunc is a function registered with context.AfterFunc.
type TraceAfterFunc struct {
	Context int `json:"context"`
	Line    int `json:"line,omitempty"`
	// Registered, Ran and Stopped are when it was registered, when it
	// started to run (nil if never) and when its stop function
	// succeeded in preventing it (nil if never).
	Registered Duration  `json:"registered"`
	Ran        *Duration `json:"ran,omitempty"`
	Stopped    *Duration `json:"stopped,omitempty"`
}
