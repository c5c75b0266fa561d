// Package context is Go's context package with a recorder attached. The
// compiled engine builds examples against it in place of the standard
// package (the example's import "context" is rewritten in the copy that is
// built, never in the file readers see), and the interpreter is given its
// functions, so that the runner can draw the tree of contexts an example
// made and how cancellation travelled through it.
//
// Every function returns the standard library's own contexts, errors and
// types, so the program behaves, prints and compares exactly as with the
// standard package.
package context

import (
	std "context"
	"time"

	"signalwire/runner/harness"
)

// The package's types and errors are the standard library's.
type (
	Context         = std.Context
	CancelFunc      = std.CancelFunc
	CancelCauseFunc = std.CancelCauseFunc
)

var (
	Canceled         = std.Canceled
	DeadlineExceeded = std.DeadlineExceeded
)

func line() int { return harness.CallerLine(2) }

func Background() Context {
	ctx := std.Background()
	harness.RecordContext("Background", nil, ctx, line(), nil)
	return ctx
}

func TODO() Context {
	ctx := std.TODO()
	harness.RecordContext("TODO", nil, ctx, line(), nil)
	return ctx
}

func Cause(c Context) error { return std.Cause(c) }

func WithCancel(parent Context) (Context, CancelFunc) {
	ctx, cancel := std.WithCancel(parent)
	return ctx, record("WithCancel", parent, ctx, cancel, nil)
}

func WithCancelCause(parent Context) (Context, CancelCauseFunc) {
	ctx, cancel := std.WithCancelCause(parent)
	id := harness.RecordContext("WithCancelCause", parent, ctx, line(), nil)
	if !harness.Tracing() {
		return ctx, cancel
	}
	return ctx, func(cause error) {
		harness.Cancel(id, harness.CallerLine(1), func() { cancel(cause) })
	}
}

func WithTimeout(parent Context, timeout time.Duration) (Context, CancelFunc) {
	ctx, cancel := std.WithTimeout(parent, timeout)
	return ctx, record("WithTimeout", parent, ctx, cancel, nil)
}

func WithTimeoutCause(parent Context, timeout time.Duration, cause error) (Context, CancelFunc) {
	ctx, cancel := std.WithTimeoutCause(parent, timeout, cause)
	return ctx, record("WithTimeoutCause", parent, ctx, cancel, cause)
}

func WithDeadline(parent Context, d time.Time) (Context, CancelFunc) {
	ctx, cancel := std.WithDeadline(parent, d)
	return ctx, record("WithDeadline", parent, ctx, cancel, nil)
}

func WithDeadlineCause(parent Context, d time.Time, cause error) (Context, CancelFunc) {
	ctx, cancel := std.WithDeadlineCause(parent, d, cause)
	return ctx, record("WithDeadlineCause", parent, ctx, cancel, cause)
}

func WithValue(parent Context, key, val any) Context {
	ctx := std.WithValue(parent, key, val)
	if key != nil {
		harness.RecordContext("WithValue", parent, ctx, line(), key)
	}
	return ctx
}

func WithoutCancel(parent Context) Context {
	ctx := std.WithoutCancel(parent)
	harness.RecordContext("WithoutCancel", parent, ctx, line(), nil)
	return ctx
}

func AfterFunc(ctx Context, f func()) (stop func() bool) {
	ran, stopped := harness.RecordAfterFunc(ctx, line())
	stopf := std.AfterFunc(ctx, func() {
		ran()
		f()
	})
	return func() bool {
		ok := stopf()
		if ok {
			stopped()
		}
		return ok
	}
}

// record records a context made by kind, made two frames up, and wraps
// its cancel function so the trace knows who cancelled it.
func record(kind string, parent, ctx Context, cancel CancelFunc, cause error) CancelFunc {
	id := harness.RecordContext(kind, parent, ctx, harness.CallerLine(2), nil)
	harness.RecordDeadlineCause(id, cause)
	if !harness.Tracing() {
		return cancel
	}
	return func() { harness.Cancel(id, harness.CallerLine(1), cancel) }
}
