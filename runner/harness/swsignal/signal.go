// Package signal is Go's os/signal package with NotifyContext recorded, the
// way package context in swcontext is: the compiled engine builds examples
// against it in place of the standard package, and the interpreter is given
// its NotifyContext.
package signal

import (
	"context"
	"os"
	std "os/signal"

	"signalwire/runner/harness"
)

func Ignore(sig ...os.Signal)                     { std.Ignore(sig...) }
func Ignored(sig os.Signal) bool                  { return std.Ignored(sig) }
func Notify(c chan<- os.Signal, sig ...os.Signal) { std.Notify(c, sig...) }
func Reset(sig ...os.Signal)                      { std.Reset(sig...) }
func Stop(c chan<- os.Signal)                     { std.Stop(c) }

// NotifyContext is signal.NotifyContext, recorded as a context whose
// cancellation is a signal, its stop function or its parent.
func NotifyContext(parent context.Context, signals ...os.Signal) (context.Context, context.CancelFunc) {
	ctx, stop := std.NotifyContext(parent, signals...)
	id := harness.RecordContext("NotifyContext", parent, ctx, harness.CallerLine(1), nil)
	if !harness.Tracing() {
		return ctx, stop
	}
	return ctx, func() { harness.Cancel(id, harness.CallerLine(1), stop) }
}
