//go:build js && wasm

// Command wasmengine is the interpreter engine of the runner built for the
// browser (GOOS=js GOARCH=wasm): the same sandbox checks, the same harness
// under the same virtual clock, the same recording of contexts and
// goroutines, and the same diagram as the site's build, with nothing sent
// to a server.
//
// One instance, the engine, defines the global object signalwireEngine:
//
//	signalwireEngine.run(source, options) -> Promise<string>
//
// options is a JSON object {"file": "examples/timeout/main.go", "id":
// "timeout-run"}; the promise resolves to the JSON of {"result": ...,
// "diagram": {"svg": ..., "description": ...}}, where result is what
// `signalwire run -json` prints for the interpreter engine. Each run
// starts a second instance of the same program as the interpreter's child
// (see runner.RunInBrowser); that instance runs the example and exits.
//
// signalwireEngine.killed(options) gives the same JSON for a run that the
// page stopped, and signalwireEngine.killAfter the milliseconds after which
// it does so.
package main

import (
	"context"
	"encoding/json"
	"syscall/js"

	"signalwire/diagram"
	"signalwire/runner"
)

func main() {
	if runner.IsChild() {
		runner.ChildMain()
	}
	api := js.Global().Get("Object").New()
	api.Set("run", js.FuncOf(run))
	api.Set("killed", js.FuncOf(killed))
	api.Set("killAfter", runner.KillAfter(runner.Options{}).Milliseconds())
	js.Global().Set("signalwireEngine", api)
	if ready := js.Global().Get("signalwireReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {} // the engine serves runs until the page goes
}

// options are what the page says about a run.
type options struct {
	// File is the example's path, for messages: "examples/timeout/main.go".
	File string `json:"file"`
	// ID prefixes the ids in the diagram's SVG.
	ID string `json:"id"`
}

// answer is what run resolves to.
type answer struct {
	Result  *runner.Result `json:"result,omitempty"`
	Diagram *drawing       `json:"diagram,omitempty"`
	// Error is about the engine itself, not the program.
	Error string `json:"error,omitempty"`
}

type drawing struct {
	SVG         string `json:"svg"`
	Description string `json:"description"`
}

func parseOptions(args []js.Value, i int) options {
	o := options{File: "main.go", ID: "run"}
	if len(args) > i && args[i].Type() == js.TypeString {
		json.Unmarshal([]byte(args[i].String()), &o)
	}
	if o.File == "" {
		o.File = "main.go"
	}
	return o
}

func run(_ js.Value, args []js.Value) any {
	src := ""
	if len(args) > 0 {
		src = args[0].String()
	}
	o := parseOptions(args, 1)
	return promise(func() answer {
		res, err := runner.RunInBrowser(context.Background(), o.File, []byte(src), runner.Options{})
		if err != nil {
			return answer{Error: err.Error()}
		}
		return answer{Result: res, Diagram: draw(res, o)}
	})
}

func killed(_ js.Value, args []js.Value) any {
	o := parseOptions(args, 0)
	b, err := json.Marshal(answer{Result: runner.KilledResult(o.File, runner.Options{})})
	if err != nil {
		return `{"error":"encoding the result"}`
	}
	return string(b)
}

func draw(res *runner.Result, o options) *drawing {
	if !diagram.Shown(res.Trace) {
		return nil
	}
	return &drawing{
		SVG:         diagram.SVG(res.Trace, diagram.Options{ID: o.ID + "-diagram", Title: "Contexts and goroutines of your run"}),
		Description: diagram.Describe(res.Trace),
	}
}

// promise runs f in a goroutine (a function called from JavaScript must
// not block) and resolves a Promise with the JSON of its answer.
func promise(f func() answer) js.Value {
	var executor js.Func
	executor = js.FuncOf(func(_ js.Value, args []js.Value) any {
		resolve := args[0]
		go func() {
			defer executor.Release()
			a := f()
			b, err := json.Marshal(a)
			if err != nil {
				b, _ = json.Marshal(answer{Error: err.Error()})
			}
			resolve.Invoke(string(b))
		}()
		return nil
	})
	return js.Global().Get("Promise").New(executor)
}
