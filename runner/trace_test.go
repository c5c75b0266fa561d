package runner

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestTrace checks the recording of a known example: the exact tree of
// contexts, with when and why each was cancelled, the goroutine and the
// AfterFunc.
func TestTrace(t *testing.T) {
	res := runFile(t, testRunner(t), "trace.go", Options{Engine: EngineGo})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if want := "context canceled\nworker: context deadline exceeded\n"; res.Stdout() != want {
		t.Errorf("output %q, want %q", res.Stdout(), want)
	}
	got, err := json.MarshalIndent(res.Trace, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	want := `{
	"contexts": [
		{
			"id": 1,
			"kind": "Background",
			"line": 17,
			"created": "0s"
		},
		{
			"id": 2,
			"parent": 1,
			"kind": "WithTimeout",
			"line": 18,
			"created": "0s",
			"deadline": "500ms",
			"done": "500ms",
			"reason": "deadline",
			"err": "context deadline exceeded",
			"cause": "context deadline exceeded"
		},
		{
			"id": 3,
			"parent": 2,
			"kind": "WithValue",
			"line": 20,
			"created": "0s",
			"deadline": "500ms",
			"key": "main.userKey",
			"done": "500ms",
			"reason": "parent",
			"err": "context deadline exceeded",
			"cause": "context deadline exceeded"
		},
		{
			"id": 4,
			"parent": 3,
			"kind": "WithCancel",
			"line": 21,
			"created": "0s",
			"deadline": "500ms",
			"done": "500ms",
			"reason": "parent",
			"err": "context deadline exceeded",
			"cause": "context deadline exceeded"
		},
		{
			"id": 5,
			"parent": 3,
			"kind": "WithCancel",
			"line": 23,
			"created": "0s",
			"deadline": "500ms",
			"done": "100ms",
			"reason": "cancel",
			"cancel_line": 30,
			"err": "context canceled",
			"cause": "context canceled"
		}
	],
	"goroutines": [
		{
			"id": 1,
			"func": "main.worker",
			"line": 28,
			"started": "0s",
			"ended": "500ms"
		}
	],
	"afterfuncs": [
		{
			"context": 4,
			"line": 24,
			"registered": "0s",
			"ran": "500ms"
		}
	],
	"end": "500ms"
}`
	if string(got) != want {
		t.Errorf("trace:\n%s\nwant:\n%s", got, want)
	}
	// The same under other schedules.
	for _, procs := range []int{1, 4} {
		res := runFile(t, testRunner(t), "trace.go", Options{Engine: EngineGo, GOMAXPROCS: procs})
		again, _ := json.MarshalIndent(res.Trace, "", "\t")
		if string(again) != want {
			t.Errorf("GOMAXPROCS=%d: trace differs:\n%s", procs, again)
		}
	}
}

// TestTraceLeak: a leaked goroutine is marked in the trace with its state.
func TestTraceLeak(t *testing.T) {
	res := runFile(t, testRunner(t), "leak.go", Options{Engine: EngineGo})
	if res.Trace == nil || len(res.Trace.Goroutines) != 1 {
		t.Fatalf("trace %+v", res.Trace)
	}
	g := res.Trace.Goroutines[0]
	if !g.Leaked || g.State != "chan send" || g.Line != 7 || g.Ended != nil || !strings.HasPrefix(g.Func, "main.main.func") {
		t.Errorf("goroutine %+v, want leaked in chan send, started at line 7", g)
	}
}

// TestTraceKeepsPositions: the rewritten copy reports the original file's
// positions, in compile errors and in stacks.
func TestTraceKeepsPositions(t *testing.T) {
	src := []byte("package main\n\nimport (\n\t\"context\"\n\t\"fmt\"\n)\n\nfunc main() {\n\tgo fmt.Println(missing)\n\t_ = context.Background()\n}\n")
	res, err := testRunner(t).Run(t.Context(), "pos.go", src, Options{Engine: EngineGo, Timeout: slowMachine})
	if err != nil {
		t.Fatal(err)
	}
	if res.Err == nil || res.Err.Error() != "pos.go:9:17: undefined: missing" {
		t.Errorf("got %v, want pos.go:9:17: undefined: missing", res.Err)
	}
	src = []byte("package main\n\nimport \"context\"\n\nfunc main() {\n\tvar ctx context.Context = context.Background()\n\tctx.SetDeadline()\n}\n")
	res, err = testRunner(t).Run(t.Context(), "alias.go", src, Options{Engine: EngineGo, Timeout: slowMachine})
	if err != nil {
		t.Fatal(err)
	}
	if res.Err == nil || !strings.Contains(res.Err.Error(), "alias.go:7:6: ctx.SetDeadline undefined (type context.Context has no field or method SetDeadline)") {
		t.Errorf("got %v", res.Err)
	}
}

// TestTraceNotifyContext: signal.NotifyContext is recorded, and so is why
// it ended: its parent, or its stop function.
func TestTraceNotifyContext(t *testing.T) {
	res := runFile(t, testRunner(t), "notify.go", Options{Engine: EngineGo})
	if res.Err != nil || res.Stdout() != "context deadline exceeded context canceled\n" {
		t.Fatalf("err %v output %q", res.Err, res.Stdout())
	}
	var got []string
	for _, c := range res.Trace.Contexts {
		got = append(got, fmt.Sprintf("%d %s line %d parent %d: %s", c.ID, c.Kind, c.Line, c.Parent, c.Reason))
	}
	want := []string{
		"1 Background line 12 parent 0: ",
		"2 WithTimeout line 12 parent 1: deadline",
		"3 NotifyContext line 14 parent 2: parent",
		"4 NotifyContext line 17 parent 1: stop",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
