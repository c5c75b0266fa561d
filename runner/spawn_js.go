package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"syscall/js"
	"time"

	"signalwire/runner/harness"
)

// startChild, in the browser, starts the interpreter's child as a fresh
// instance of this WebAssembly program, which the page's engine script
// (site/assets/run-engine.js) makes through the global function
//
//	signalwireSpawn(args, env, source, outputLimit) -> Promise<{frames, stdout, stderr, exitCode, wall}>
//
// The instance is to the browser what the child process is to the runner:
// it gets the same arguments and environment, reads the program from
// descriptor 4, writes frames to descriptor 3 and the runtime's own output
// to 1 and 2, and ends with os.Exit, which ends the instance and nothing
// else. The script counts the output as start does and stops the instance
// when it goes over the limit. The wall-clock limit is the harness's own;
// a program that never yields (an endless loop without a call that blocks)
// cannot be stopped from inside the worker, so the page stops the whole
// worker after the same limit plus the runner's grace (see KilledResult).
func startChild(ctx context.Context, c child, outputLimit int) (*raw, error) {
	spawn := js.Global().Get("signalwireSpawn")
	if spawn.Type() != js.TypeFunction {
		return nil, errors.New("the interpreter's child is started by signalwireSpawn, which the page's engine script defines; it is missing")
	}
	cfg, err := json.Marshal(c.cfg)
	if err != nil {
		return nil, err
	}
	env := append([]string{
		"TZ=UTC",
		"LANG=C",
		"HOME=/",
		"TMPDIR=/tmp",
		harness.ConfigEnv + "=" + string(cfg),
		harness.FramesEnv + "=3",
	}, c.env...)
	src := js.Global().Get("Uint8Array").New(len(c.extra))
	js.CopyBytesToJS(src, c.extra)

	type outcome struct {
		v   js.Value
		err error
	}
	done := make(chan outcome, 1)
	then := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- outcome{v: args[0]}
		return nil
	})
	defer then.Release()
	catch := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- outcome{err: fmt.Errorf("starting the interpreter's instance: %s", args[0].Call("toString").String())}
		return nil
	})
	defer catch.Release()

	began := time.Now()
	spawn.Invoke(jsStrings(c.args), jsStrings(env), src, outputLimit).Call("then", then, catch)
	var o outcome
	select {
	case o = <-done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if o.err != nil {
		return nil, o.err
	}
	r := &raw{}
	quota := &outputQuota{left: outputLimit, over: func() {}} // the script has stopped the instance
	r.readFrames(bytes.NewReader(jsBytes(o.v.Get("frames"))), quota)
	stdout := &cappedBuffer{quota: quota}
	stderr := &cappedBuffer{quota: quota}
	stdout.Write(jsBytes(o.v.Get("stdout")))
	stderr.Write(jsBytes(o.v.Get("stderr")))
	r.wall = time.Since(began)
	r.rawStdout, r.rawStderr = stdout.Bytes(), stderr.Bytes()
	r.exitCode = o.v.Get("exitCode").Int()
	r.truncated = quota.exceeded()
	if c.hello && !r.hello && !r.truncated {
		return nil, fmt.Errorf("the interpreter's instance did not turn into the child; it exited with status %d%s",
			r.exitCode, firstLine(r.rawStderr))
	}
	return r, nil
}

func jsStrings(ss []string) js.Value {
	a := make([]any, len(ss))
	for i, s := range ss {
		a[i] = s
	}
	return js.ValueOf(a)
}

func jsBytes(v js.Value) []byte {
	if v.IsUndefined() || v.IsNull() {
		return nil
	}
	b := make([]byte, v.Get("length").Int())
	js.CopyBytesToGo(b, v)
	return b
}
