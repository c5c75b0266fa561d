package runner

import (
	"context"
	"time"
)

// RunInBrowser runs an example under the interpreter, in the browser, as
// Run does with EngineYaegi and no cache: the same refusals, the same
// harness in a child (here another instance of the WebAssembly program, see
// startChild), the same result.
func RunInBrowser(ctx context.Context, file string, src []byte, opts Options) (*Result, error) {
	o := opts.withDefaults()
	o.Engine = EngineYaegi
	// The browser's own sandbox fences the page in; the runner's OS
	// sandbox does not exist here, so the allowlist applies, as on a
	// machine without namespaces.
	iso := IsolationAllowlist
	if e := check(file, src, iso, o); e != nil {
		return &Result{Engine: o.Engine, ExitCode: -1, Err: e, Realtime: o.Realtime, Isolation: iso}, nil
	}
	// No executable: spawn_js.go starts the child.
	res, err := (&Runner{self: "signalwire", NoSandbox: true}).runInterp(ctx, file, src, o)
	if res != nil {
		res.Isolation = iso
	}
	return res, err
}

// KilledResult is the result of a run that the page stopped after
// KillAfter, because it never gave the harness's watchdog a chance to stop
// it: the runner's result for a child it killed.
func KilledResult(file string, opts Options) *Result {
	o := opts.withDefaults()
	o.Engine = EngineYaegi
	return (&raw{killed: true, exitCode: -1}).result(EngineYaegi, file, o)
}

// KillAfter is how long the page lets a run go before it stops the
// worker: the runner's wall-clock limit and its grace.
func KillAfter(opts Options) time.Duration {
	return opts.withDefaults().Timeout + graceful
}
