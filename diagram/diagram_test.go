package diagram

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"signalwire/runner/harness"
)

var update = flag.Bool("update", false, "rewrite the golden SVGs in testdata")

// readTrace reads a trace written as run -json writes one.
func readTrace(t *testing.T, file string) *harness.Trace {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var tr harness.Trace
	if err := dec.Decode(&tr); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return &tr
}

// TestDiagram draws each trace of testdata/NAME.json and compares
// the SVG with NAME.svg; -update rewrites them. Each must be well-formed
// XML, labelled by its own title and description, and the same whatever
// the order of the trace's lists.
func TestDiagram(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatal("no testdata/*.json", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			tr := readTrace(t, file)
			got := SVG(tr, Options{ID: name})
			wide, narrow, ok := strings.Cut(got, "</svg>\n")
			if !ok {
				t.Fatalf("not two drawings:\n%s", got)
			}
			checkSVG(t, wide+"</svg>", name)
			checkSVG(t, narrow, name+"-narrow")

			reversed := *tr
			reversed.Contexts = slices.Clone(tr.Contexts)
			slices.Reverse(reversed.Contexts)
			reversed.Goroutines = slices.Clone(tr.Goroutines)
			slices.Reverse(reversed.Goroutines)
			reversed.AfterFuncs = slices.Clone(tr.AfterFuncs)
			slices.Reverse(reversed.AfterFuncs)
			if again := SVG(&reversed, Options{ID: name}); again != got {
				t.Error("the diagram depends on the order of the trace's lists")
			}

			golden := strings.TrimSuffix(file, ".json") + ".svg"
			if *update {
				if err := os.WriteFile(golden, []byte(got+"\n"), 0o666); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got+"\n" != string(want) {
				t.Errorf("the diagram differs from %s; rerun with -update and look at the diff", golden)
			}
		})
	}
}

// checkSVG parses svg as XML and checks that its root is an image labelled
// by a title and a description with ids made from id.
func checkSVG(t *testing.T, svg, id string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	var root *xml.StartElement
	ids := map[string]string{} // id to element
	text := map[string]string{}
	var open []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == nil {
				e := tok.Copy()
				root = &e
			}
			for _, a := range tok.Attr {
				if a.Name.Local == "id" {
					ids[a.Value] = tok.Name.Local
				}
			}
			open = append(open, tok.Name.Local)
		case xml.EndElement:
			open = open[:len(open)-1]
		case xml.CharData:
			if len(open) > 0 {
				text[open[len(open)-1]] += string(tok)
			}
		}
	}
	if root == nil || root.Name.Local != "svg" || root.Name.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root element %v, want svg", root)
	}
	attr := map[string]string{}
	for _, a := range root.Attr {
		attr[a.Name.Local] = a.Value
	}
	if attr["role"] != "img" {
		t.Errorf("role=%q, want img", attr["role"])
	}
	if want := id + "-title " + id + "-desc"; attr["aria-labelledby"] != want {
		t.Errorf("aria-labelledby=%q, want %q", attr["aria-labelledby"], want)
	}
	if ids[id+"-title"] != "title" || ids[id+"-desc"] != "desc" {
		t.Errorf("ids %v: no title and desc for %s", ids, id)
	}
	if attr["viewBox"] == "" {
		t.Error("no viewBox")
	}
	if strings.TrimSpace(text["desc"]) == "" {
		t.Error("empty description")
	}
}

func TestDiagramNothing(t *testing.T) {
	for name, tr := range map[string]*harness.Trace{
		"nil":             nil,
		"empty":           {End: harness.Duration(time.Second)},
		"only afterfuncs": {AfterFuncs: []harness.TraceAfterFunc{{Context: 1}}},
	} {
		if got := SVG(tr, Options{}); got != "" {
			t.Errorf("%s: %q, want nothing", name, got)
		}
	}
}

func TestOptions(t *testing.T) {
	tr := &harness.Trace{Contexts: []harness.TraceContext{{ID: 1, Kind: "Background"}}}
	got := SVG(tr, Options{ID: `9 "x"<y>`, Title: "Tree of <hello>"})
	checkSVG(t, got, "diagram9xy")
	if !strings.Contains(got, "<title id=\"diagram9xy-title\">Tree of &lt;hello&gt;</title>") {
		t.Errorf("title not escaped, or not given:\n%s", got)
	}
	got = SVG(tr, Options{})
	checkSVG(t, got, "diagram")
	if !strings.Contains(got, ">"+DefaultTitle+"</title>") {
		t.Errorf("no default title:\n%s", got)
	}
}

func d(s string) harness.Duration {
	v, err := time.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return harness.Duration(v)
}

func dp(s string) *harness.Duration {
	v := d(s)
	return &v
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		name  string
		trace *harness.Trace
		want  string
	}{
		{"nil", nil, "Nothing was recorded."},
		{
			"timeout",
			&harness.Trace{End: d("500ms"), Contexts: []harness.TraceContext{
				{ID: 1, Kind: "Background", Line: 12},
				{ID: 2, Parent: 1, Kind: "WithTimeout", Line: 12, Deadline: dp("500ms"), Done: dp("500ms"), Reason: "deadline", Err: "context deadline exceeded", Cause: "context deadline exceeded"},
			}},
			"main ran for 500ms of virtual time. 2 contexts: Background (line 12); " +
				"WithTimeout 500ms (line 12), derived from Background (line 12), cancelled at 500ms by its deadline.",
		},
		{
			"tree order, parent, cancel line and cause",
			&harness.Trace{End: d("1s"), Contexts: []harness.TraceContext{
				{ID: 1, Kind: "Background"},
				{ID: 2, Parent: 1, Kind: "WithCancelCause", Line: 5, Done: dp("1s"), Reason: "cancel", CancelLine: 9, Err: "context canceled", Cause: "shutdown"},
				{ID: 3, Parent: 1, Kind: "WithCancel", Line: 6},
				{ID: 4, Parent: 2, Kind: "WithValue", Key: "main.userKey", Line: 7, Created: d("250ms"), Done: dp("1s"), Reason: "parent", Err: "context canceled", Cause: "shutdown"},
			}},
			"main ran for 1s of virtual time. 4 contexts: Background; " +
				"WithCancelCause (line 5), derived from Background, cancelled at 1s by the call on line 9, cause: shutdown; " +
				"WithValue main.userKey (line 7), derived from WithCancelCause (line 5), made at 250ms, cancelled at 1s by its parent, cause: shutdown; " +
				"WithCancel (line 6), derived from Background, never cancelled.",
		},
		{
			"deadlines: own, inherited, after the end, past",
			&harness.Trace{End: d("2s"), Contexts: []harness.TraceContext{
				{ID: 1, Kind: "WithTimeout", Line: 3, Deadline: dp("1m0s"), Done: dp("2s"), Reason: "cancel", Err: "context canceled"},
				{ID: 2, Parent: 1, Kind: "WithTimeout", Line: 4, Deadline: dp("1m0s"), Done: dp("2s"), Reason: "parent", Err: "context canceled"},
				{ID: 3, Kind: "WithDeadline", Line: 5, Deadline: dp("0s"), Done: dp("0s"), Reason: "deadline", Err: "context deadline exceeded"},
				{ID: 4, Kind: "WithDeadlineCause", Line: 6, Created: d("1s"), Deadline: dp("1.5s")},
			}},
			"main ran for 2s of virtual time. 4 contexts: " +
				"WithTimeout 1m (line 3), deadline at 1m, after main returned, cancelled at 2s by its cancel function; " +
				"WithTimeout, parent's deadline (line 4), derived from WithTimeout 1m (line 3), cancelled at 2s by its parent; " +
				"WithDeadline at 0s (past) (line 5), cancelled at 0s by its deadline; " +
				"WithDeadlineCause at 1.5s (line 6), made at 1s, deadline at 1.5s, never cancelled.",
		},
		{
			"leak and goroutines",
			&harness.Trace{End: d("1s"), Goroutines: []harness.TraceGoroutine{
				{ID: 2, Func: "main.main.func1", Line: 9, Started: d("10ms")},
				{ID: 1, Func: "main.worker", Line: 24, Leaked: true, State: "chan receive"},
				{ID: 3, Line: 30, Started: d("20ms"), Ended: dp("30ms")},
			}},
			"main ran for 1s of virtual time. 3 goroutines: " +
				"go main.worker (line 24), started at 0s, leaked: blocked on chan receive; " +
				"go main.main.func1 (line 9), started at 10ms, still running when main returned; " +
				"go func (line 30), started at 20ms, returned at 30ms.",
		},
		{
			"afterfuncs",
			&harness.Trace{End: d("2s"), Contexts: []harness.TraceContext{
				{ID: 1, Kind: "WithCancel", Line: 11, Done: dp("2s"), Reason: "cancel", CancelLine: 22},
			}, AfterFuncs: []harness.TraceAfterFunc{
				{Context: 1, Line: 15, Registered: d("1s")},
				{Context: 1, Line: 14, Ran: dp("2s")},
				{Context: 1, Line: 16, Registered: d("1s"), Stopped: dp("1.5s")},
				{Context: 7, Line: 17},
			}},
			"main ran for 2s of virtual time. 1 context: WithCancel (line 11), cancelled at 2s by the call on line 22, " +
				"AfterFunc (line 14) registered at 0s, ran at 2s, " +
				"AfterFunc (line 15) registered at 1s, never ran, " +
				"AfterFunc (line 16) registered at 1s, stopped at 1.5s. " +
				"AfterFunc (line 17) registered at 0s, never ran, on a context not recorded.",
		},
		{
			"outside, signal, cycle",
			&harness.Trace{Contexts: []harness.TraceContext{
				{ID: 1, Kind: "external", Done: dp("0s")},
				{ID: 2, Parent: 1, Kind: "NotifyContext", Line: 8, Done: dp("0s"), Reason: "signal"},
				{ID: 3, Parent: 4, Kind: "WithCancel", Line: 9},
				{ID: 4, Parent: 3, Kind: "WithCancel", Line: 10},
				{ID: 5, Parent: 99, Kind: "WithCancel", Line: 11, Done: dp("0s"), Reason: "parent"},
			}},
			"main ran for 0s of virtual time. 5 contexts: context from outside, done at 0s; " +
				"NotifyContext (line 8), derived from context from outside, cancelled at 0s by a signal; " +
				"WithCancel (line 9), derived from a context not recorded, never cancelled; " +
				"WithCancel (line 10), derived from WithCancel (line 9), never cancelled; " +
				"WithCancel (line 11), derived from a context not recorded, cancelled at 0s by its parent.",
		},
		{
			"a request's context, from outside",
			&harness.Trace{End: d("100ms"), Contexts: []harness.TraceContext{
				{ID: 1, Kind: "external", Name: "r.Context()", Done: dp("100ms"), Err: "context canceled", Cause: "context canceled"},
			}},
			"main ran for 100ms of virtual time. 1 context: r.Context() (context from outside), cancelled at 100ms by the code that made it.",
		},
		{
			"names, a deferred cancel",
			&harness.Trace{End: d("900ms"), Contexts: []harness.TraceContext{
				{ID: 1, Kind: "Background", Line: 20},
				{ID: 2, Parent: 1, Kind: "WithTimeout", Name: "budget", Line: 23, Deadline: dp("1s"), Done: dp("900ms"), Reason: "cancel", CancelLine: 32, DeferLine: 24, DeferFunc: "main", Err: "context canceled"},
				{ID: 3, Parent: 2, Kind: "WithTimeout", Name: "attempt", Line: 26, Deadline: dp("300ms"), Done: dp("300ms"), Reason: "deadline", Err: "context deadline exceeded"},
				{ID: 4, Parent: 2, Kind: "WithCancel", Name: "ctx", Line: 40, Done: dp("400ms"), Reason: "cancel", CancelLine: 44, DeferLine: 41, Err: "context canceled"},
			}},
			"main ran for 900ms of virtual time. 4 contexts: Background (line 20); " +
				"budget (WithTimeout 1s, line 23), derived from Background (line 20), deadline at 1s, after main returned, cancelled at 900ms by the deferred cancel (line 24), when main returned at line 32; " +
				"attempt (WithTimeout 300ms, line 26), derived from budget (WithTimeout 1s, line 23), cancelled at 300ms by its deadline; " +
				"ctx (WithCancel, line 40), derived from budget (WithTimeout 1s, line 23), cancelled at 400ms by the deferred cancel (line 41), when its function returned at line 44.",
		},
		{
			"goroutines by what they run, and the cancel that ended them",
			&harness.Trace{End: d("1s"), Contexts: []harness.TraceContext{
				{ID: 1, Kind: "WithTimeout", Name: "ctx", Line: 5, Deadline: dp("200ms"), Done: dp("200ms"), Reason: "deadline", Err: "context deadline exceeded"},
			}, Goroutines: []harness.TraceGoroutine{
				{ID: 1, Func: "main.worker", Label: "worker(ctx, 1)", Line: 9, Nth: 1, Ended: dp("100ms")},
				{ID: 2, Func: "main.worker", Label: "worker(ctx, 2)", Line: 9, Nth: 2, Ended: dp("200ms"), WaitedOn: 1, WaitLine: 14},
				{ID: 3, Func: "main.main.func1", Label: "func: <-ctx.Done() #1", Line: 11, Nth: 1, Ended: dp("200ms"), WaitedOn: 1},
			}},
			"main ran for 1s of virtual time. 1 context: ctx (WithTimeout 200ms, line 5), cancelled at 200ms by its deadline. 3 goroutines: " +
				"go worker(ctx, 1) (line 9), started at 0s, returned at 100ms; " +
				"go worker(ctx, 2) (line 9), started at 0s, returned at 200ms when ctx was cancelled, waiting at line 14; " +
				"go func: <-ctx.Done() #1 (line 11), started at 0s, returned at 200ms when ctx was cancelled.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Describe(tt.trace); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestTicks(t *testing.T) {
	tests := []struct {
		span     string
		maxTicks int
		want     string
	}{
		{"0s", 5, "0"},
		{"500ms", 5, "0 250ms 500ms"},
		{"1s", 5, "0 250ms 500ms 750ms 1s"},
		{"2s", 5, "0 500ms 1s 1.5s 2s"},
		{"1.2s", 5, "0 250ms 500ms 750ms 1s"},
		{"3s", 5, "0 1s 2s 3s"},
		{"7ns", 5, "0 2ns 4ns 6ns"},
		{"90s", 5, "0 20s 40s 1m 1m20s"}, // no step ends on 90s; the smallest that fits
		{"2h", 5, "0 30m 1h 1h30m 2h"},
		{"2h", 2, "0 2h"},
		{"100h", 3, "0 48h 96h"},
	}
	for _, tt := range tests {
		got := []string{"0"}
		for _, tick := range ticks(d(tt.span), tt.maxTicks)[1:] {
			got = append(got, fmtDuration(tick))
		}
		if s := strings.Join(got, " "); s != tt.want {
			t.Errorf("ticks(%s, %d) = %s, want %s", tt.span, tt.maxTicks, s, tt.want)
		}
	}
}

func TestFmtDuration(t *testing.T) {
	for in, want := range map[string]string{
		"0s": "0s", "500ms": "500ms", "1.5s": "1.5s", "1m0s": "1m", "1m30s": "1m30s",
		"1h0m0s": "1h", "1h30m0s": "1h30m", "1h0m5s": "1h0m5s", "10m0.5s": "10m0.5s",
	} {
		if got := fmtDuration(d(in)); got != want {
			t.Errorf("fmtDuration(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestNum(t *testing.T) {
	for in, want := range map[float64]string{
		0: "0", -0.01: "0", 1: "1", 1.25: "1.3", 1.04: "1", 123.456: "123.5", -4.5: "-4.5",
	} {
		if got := num(in); got != want {
			t.Errorf("num(%v) = %s, want %s", in, got, want)
		}
	}
}

func TestXMLEscape(t *testing.T) {
	in := "a<b>&\"c'\x01\xff\uFFFD\t"
	want := "a&lt;b&gt;&amp;&#34;c&#39;\uFFFD\uFFFD\uFFFD\t"
	if got := xmlEscape(in); got != want {
		t.Errorf("xmlEscape(%q) = %q, want %q", in, got, want)
	}
}

// BenchmarkDiagram draws a large trace: a request tree of 50 contexts with
// deadlines, values and AfterFuncs, and 20 goroutines.
func BenchmarkDiagram(b *testing.B) {
	tr := &harness.Trace{End: d("2s")}
	for i := 1; i <= 50; i++ {
		c := harness.TraceContext{ID: i, Parent: i / 2, Kind: "WithCancel", Line: 10 + i, Created: harness.Duration(i) * d("10ms")}
		switch i % 3 {
		case 0:
			c.Kind, c.Deadline = "WithTimeout", dp("1.5s")
		case 1:
			c.Kind, c.Key = "WithValue", "main.userKey"
		}
		if i%4 != 0 {
			c.Done, c.Reason = dp("1.5s"), "parent"
		}
		tr.Contexts = append(tr.Contexts, c)
		if i%5 == 0 {
			tr.AfterFuncs = append(tr.AfterFuncs, harness.TraceAfterFunc{Context: i, Line: 80, Registered: c.Created, Ran: dp("1.5s")})
		}
	}
	for i := 1; i <= 20; i++ {
		tr.Goroutines = append(tr.Goroutines, harness.TraceGoroutine{ID: i, Func: "main.worker", Line: 90, Started: harness.Duration(i) * d("50ms"), Ended: dp("1.6s")})
	}
	b.ReportAllocs()
	for b.Loop() {
		SVG(tr, Options{ID: "bench"})
	}
}
