package runner

import (
	"encoding/json"
	"fmt"
	"slices"
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
			"name": "root",
			"line": 17,
			"created": "0s"
		},
		{
			"id": 2,
			"parent": 1,
			"kind": "WithTimeout",
			"name": "ctx",
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
			"name": "ctx",
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
			"name": "child",
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
			"name": "early",
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
			"label": "worker(child, done)",
			"line": 28,
			"nth": 1,
			"started": "0s",
			"ended": "500ms",
			"waited_on": 4,
			"wait_line": 12
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

// TestTraceSameInstant: contexts cancelled at the same virtual instant are
// attributed to what happened first, in the program's order: a child's own
// cancel call before its parent's is the child's reason, and a context
// whose parent's call cancelled it got the signal from its parent.
func TestTraceSameInstant(t *testing.T) {
	for _, procs := range []int{1, 2} {
		res := runFile(t, testRunner(t), "sameinstant.go", Options{Engine: EngineGo, GOMAXPROCS: procs})
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		var got []string
		for _, c := range res.Trace.Contexts {
			got = append(got, fmt.Sprintf("%s %s at %s: %s %d", c.Name, c.Kind, c.Done, c.Reason, c.CancelLine))
		}
		want := []string{
			" Background at <nil>:  0",
			"root WithCancel at 0s: cancel 17",
			"a WithCancel at 0s: parent 0",
			"b WithCancel at 0s: cancel 15",
			"c WithCancel at 0s: cancel 16",
			"d WithCancel at 0s: parent 0",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("GOMAXPROCS=%d: got\n%s\nwant\n%s", procs, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestTraceSameInstantYaegi: the interpreter, which records contexts
// without their lines, attributes the same cancels the same way.
func TestTraceSameInstantYaegi(t *testing.T) {
	res := runFile(t, testRunner(t), "sameinstant.go", Options{Engine: EngineYaegi})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	byID := map[int]TraceContext{}
	for _, c := range res.Trace.Contexts {
		byID[c.ID] = c
	}
	depth := func(c TraceContext) int {
		n := 0
		for ; c.Parent != 0; c = byID[c.Parent] {
			n++
		}
		return n
	}
	var got []string
	for _, c := range res.Trace.Contexts {
		got = append(got, fmt.Sprintf("depth %d: %s", depth(c), c.Reason))
	}
	slices.Sort(got)
	// root (depth 1) by its call; a and c under it; b under a, d under c.
	want := "depth 0: \ndepth 1: cancel\ndepth 2: cancel\ndepth 2: parent\ndepth 3: cancel\ndepth 3: parent"
	if strings.Join(got, "\n") != want {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
}

// TestTraceLanes: goroutines are labelled by what they run, distinct when
// one go statement starts several; a deferred cancel is recorded as
// deferred; a goroutine that returned because the context it waited on
// was cancelled is linked to that context.
func TestTraceLanes(t *testing.T) {
	res := runFile(t, testRunner(t), "lanes.go", Options{Engine: EngineGo})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	var got []string
	for _, c := range res.Trace.Contexts {
		got = append(got, fmt.Sprintf("ctx %d %q: %s line %d, deferred at line %d in %q", c.ID, c.Name, c.Reason, c.CancelLine, c.DeferLine, c.DeferFunc))
	}
	for _, g := range res.Trace.Goroutines {
		got = append(got, fmt.Sprintf("go %q %s-%s, waited on %d at line %d", g.Label, g.Started, g.Ended, g.WaitedOn, g.WaitLine))
	}
	want := []string{
		`ctx 1 "ctx": cancel line 22, deferred at line 19 in "attempt"`,
		`ctx 2 "":  line 0, deferred at line 0 in ""`,
		`ctx 3 "ctx": deadline line 0, deferred at line 0 in ""`,
		`go "worker(ctx, 1, out)" 50ms-110ms, waited on 0 at line 0`,
		`go "worker(ctx, 2, out)" 50ms-170ms, waited on 0 at line 0`,
		`go "worker(ctx, 3, out)" 50ms-200ms, waited on 3 at line 11`,
		`go "worker(ctx, 4, out)" 50ms-200ms, waited on 3 at line 11`,
		`go "func: <-ctx.Done() #1" 50ms-200ms, waited on 3 at line 34`,
		`go "func: <-ctx.Done() #2" 50ms-200ms, waited on 3 at line 34`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestTraceCanceller: a goroutine that cancels the context it waited on
// earlier did not return because of that cancellation; the one still
// waiting did.
func TestTraceCanceller(t *testing.T) {
	res := runFile(t, testRunner(t), "canceller.go", Options{Engine: EngineGo})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	var got []string
	for _, g := range res.Trace.Goroutines {
		got = append(got, fmt.Sprintf("%s ended %s waited on %d at line %d", g.Label, g.Ended, g.WaitedOn, g.WaitLine))
	}
	want := []string{
		"func: if err := fetch(ctx, time.Duration(i+1)*100*time.Millisecond, fail); err != nil … [i=0, fail=true] ended 100ms waited on 0 at line 0",
		"func: if err := fetch(ctx, time.Duration(i+1)*100*time.Millisecond, fail); err != nil … [i=1, fail=false] ended 100ms waited on 2 at line 18",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestTraceRace: a cancel call at the instant the deadline passes, from a
// goroutine that a sleep woke at that instant, races the deadline's timer;
// the deadline always wins, in the program and in the trace.
func TestTraceRace(t *testing.T) {
	want := []string{
		"Background:",
		"ctx WithTimeout: deadline context deadline exceeded",
		"child WithCancel: parent context deadline exceeded",
	}
	for _, procs := range []int{1, 2, 1, 2} {
		res := runFile(t, testRunner(t), "race.go", Options{Engine: EngineGo, GOMAXPROCS: procs})
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		if res.Stdout() != "context deadline exceeded\n" {
			t.Errorf("GOMAXPROCS=%d: the program saw %q", procs, res.Stdout())
		}
		var got []string
		for _, c := range res.Trace.Contexts {
			got = append(got, strings.TrimSpace(fmt.Sprintf("%s %s: %s %s", c.Name, c.Kind, c.Reason, c.Err)))
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("GOMAXPROCS=%d: got\n%s\nwant\n%s", procs, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestTraceWaitRace: a goroutine is linked to the cancellation that ended
// its wait only when it began to wait at an earlier instant: one that
// begins at the instant of the cancel may have begun just after it.
func TestTraceWaitRace(t *testing.T) {
	for _, procs := range []int{1, 2, 1, 2} {
		res := runFile(t, testRunner(t), "waitrace.go", Options{Engine: EngineGo, GOMAXPROCS: procs})
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		var got []string
		for _, g := range res.Trace.Goroutines {
			got = append(got, fmt.Sprintf("line %d: waited on %d at line %d", g.Line, g.WaitedOn, g.WaitLine))
		}
		want := "line 12: waited on 0 at line 0\nline 21: waited on 3 at line 22"
		if strings.Join(got, "\n") != want {
			t.Errorf("GOMAXPROCS=%d: got\n%s\nwant\n%s", procs, strings.Join(got, "\n"), want)
		}
	}
}

// TestTraceOutsideContext: a context the example did not make, such as
// the one net/http gives a handler, is recorded when the example waits on
// its Done, named as the example wrote it.
func TestTraceOutsideContext(t *testing.T) {
	res := runFile(t, testRunner(t), "outside.go", Options{Engine: EngineGo})
	if res.Err != nil || res.Trace == nil {
		t.Fatal(res.Err, res.Trace)
	}
	var got []string
	for _, c := range res.Trace.Contexts {
		got = append(got, fmt.Sprintf("%s %q: %s at %s", c.Kind, c.Name, c.Reason, c.Done))
	}
	if want := `external "r.Context()": deadline at 1s`; strings.Join(got, "\n") != want {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
}

// TestTraceCustomDeadline: a deadline that no timer of the context
// package enforces (a Context type of the example's own) is not waited
// for when its cancel function is called at that instant.
func TestTraceCustomDeadline(t *testing.T) {
	res := runFile(t, testRunner(t), "customdeadline.go", Options{Engine: EngineGo})
	if res.Err != nil || res.Stdout() != "context canceled\n" {
		t.Fatalf("err %v, output %q", res.Err, res.Stdout())
	}
}

// TestTracePipeHTTP: an HTTP exchange over an in-memory network runs on
// the virtual clock; the trace shows the client's deadline and the
// request's context the server cancelled at that instant, and leaves out
// the transport's dial context, which the example's DialContext waited on
// but which was never cancelled.
func TestTracePipeHTTP(t *testing.T) {
	res := runFile(t, testRunner(t), "pipehttp.go", Options{Engine: EngineGo})
	if res.Err != nil || res.Trace == nil {
		t.Fatal(res.Err, res.Trace)
	}
	if want := "client: gave up after 100ms true\nhandler: stopped at 100ms: context canceled\n"; res.Stdout() != want {
		t.Errorf("output %q, want %q", res.Stdout(), want)
	}
	var got []string
	for _, c := range res.Trace.Contexts {
		got = append(got, fmt.Sprintf("%s %q: %s at %s", c.Kind, c.Name, c.Reason, c.Done))
	}
	want := []string{
		`external "r.Context()":  at 100ms`,
		`Background "":  at <nil>`,
		`WithTimeout "ctx": deadline at 100ms`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
