package site

import (
	"context"
	"errors"
	"testing"
	"testing/fstest"

	"signalwire/runner"
	"signalwire/runner/harness"
)

// TestVerifyAccepts lists runs that match their directive and golden file.
func TestVerifyAccepts(t *testing.T) {
	for _, tc := range []struct {
		name      string
		directive string
		golden    string
		res       runner.Result
	}{
		{"plain", ".example hello", "a\nb\n", runner.Result{Output: []runner.Chunk{{Stream: runner.Stdout, Text: "a\n"}, {Stream: runner.Stderr, Text: "b\n"}}}},
		{"unordered", ".example hello unordered", "b\na\nc\n", runner.Result{Output: []runner.Chunk{{Stream: runner.Stdout, Text: "a\nb\nc\n"}}}},
		{"empty", ".example hello", "", runner.Result{}},
		{"leak", ".example hello leaks=2", "", runner.Result{
			Leaks: []runner.Leak{{State: "select"}, {State: "chan receive"}},
			Err:   &runner.Error{Kind: runner.KindLeak, File: "examples/hello/main.go", Msg: "2 goroutines leaked"},
		}},
		{"panic", ".example hello panic", "panic: x\n", runner.Result{
			Output: []runner.Chunk{{Stream: runner.Stderr, Text: "panic: x\n"}}, ExitCode: 2,
			Err: &runner.Error{Kind: runner.KindPanic, File: "examples/hello/main.go", Msg: "panic: x"},
		}},
		{"exit", ".example hello exit=4", "", runner.Result{ExitCode: 4, Err: &runner.Error{Kind: runner.KindExit, Msg: "exit status 4"}}},
		{"deadlock", ".example hello exit=2", "fatal error: all goroutines are asleep - deadlock!\n", runner.Result{
			Output: []runner.Chunk{{Stream: runner.Stderr, Text: "fatal error: all goroutines are asleep - deadlock!\n"}}, ExitCode: 2,
			Err: &runner.Error{Kind: runner.KindDeadlock, Msg: "all goroutines are asleep - deadlock!"},
		}},
		{"compile error", ".example hello compile-error", "main.go:6:2: undefined: x\nmain.go:7: bad\n", runner.Result{ExitCode: -1, Err: &runner.Error{
			Kind: runner.KindCompile, File: "examples/hello/main.go", Line: 6, Col: 2, Msg: "undefined: x",
			Diagnostics: []harness.Diagnostic{{Line: 6, Col: 2, Msg: "undefined: x"}, {Line: 7, Msg: "bad"}},
		}}},
		{"declared divergence", `.example hello divergence="yaegi says hullo"`, "hello\n", runner.Result{
			Output:     []runner.Chunk{{Stream: runner.Stdout, Text: "hello\n"}},
			Divergence: &runner.Divergence{Diff: "--- go\n+++ yaegi\n-stdout| hello\n+stdout| hullo\n"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"content/01-a.md":           {Data: []byte("---\ntitle: A\nsummary: B\n---\n\n" + tc.directive + "\n")},
				"examples/hello/main.go":    {Data: []byte("package main\n\nfunc main() {}\n")},
				"examples/hello/output.txt": {Data: []byte(tc.golden)},
			}
			book, err := (&Site{}).Load(fsys)
			if err != nil {
				t.Fatal(err)
			}
			res := tc.res
			if err := Verify(book, fakeResults(book, map[string]*runner.Result{"hello": &res})); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestRunCancelled(t *testing.T) {
	s := &Site{Runner: testRunner(t)}
	book, err := s.Load(fstest.MapFS{
		"content/01-a.md":        {Data: []byte("---\ntitle: A\nsummary: B\n---\n\n.example hello\n")},
		"examples/hello/main.go": {Data: []byte("package main\n\nfunc main() {}\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.Run(ctx, book); !errors.Is(err, context.Canceled) {
		t.Errorf("Run with a cancelled context: %v, want context.Canceled", err)
	}
}

func TestFilter(t *testing.T) {
	a := readArchive(t, "testdata/render/examples.txtar")
	book, err := (&Site{}).Load(a.bookFS())
	if err != nil {
		t.Fatal(err)
	}
	all := len(book.Uses())
	only := book.Filter(func(u *Use) bool { return u.Example.Name == "hello" })
	if n := len(only.Uses()); n != 2 {
		t.Errorf("filtered book has %d uses of hello, want 2", n)
	}
	if n := len(book.Uses()); n != all {
		t.Errorf("filtering changed the book: %d uses, had %d", n, all)
	}
	hello := &runner.Result{Output: []runner.Chunk{{Stream: runner.Stdout, Text: "out\n"}, {Stream: runner.Stderr, Text: "err <&>\n"}, {Stream: runner.Stdout, Text: "out again\n"}}}
	if err := Verify(only, fakeResults(only, map[string]*runner.Result{"hello": hello})); err != nil {
		t.Errorf("verifying the filtered book: %v", err)
	}
}
