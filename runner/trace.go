package runner

import "signalwire/runner/harness"

// The trace of a run: the contexts the example derived, with when and why
// each was cancelled, and the goroutines it started. See harness.Trace.
type (
	Trace          = harness.Trace
	TraceContext   = harness.TraceContext
	TraceGoroutine = harness.TraceGoroutine
	TraceAfterFunc = harness.TraceAfterFunc
)
