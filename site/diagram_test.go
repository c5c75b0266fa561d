package site

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/chromedp"

	"signalwire/internal/browser"
	"signalwire/runner"
)

// readTrace reads a trace written as run -json writes one.
func readTrace(t *testing.T, file string) *runner.Trace {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var tr runner.Trace
	if err := dec.Decode(&tr); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return &tr
}

// TestDiagram draws each trace of testdata/diagram/NAME.json and compares
// the SVG with NAME.svg; -update rewrites them. Each must be well-formed
// XML, labelled by its own title and description, and the same whatever
// the order of the trace's lists.
func TestDiagram(t *testing.T) {
	files, err := filepath.Glob("testdata/diagram/*.json")
	if err != nil || len(files) == 0 {
		t.Fatal("no testdata/diagram/*.json", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			tr := readTrace(t, file)
			got := string(Diagram(tr, DiagramOptions{ID: name}))
			checkSVG(t, got, name)

			reversed := *tr
			reversed.Contexts = slices.Clone(tr.Contexts)
			slices.Reverse(reversed.Contexts)
			reversed.Goroutines = slices.Clone(tr.Goroutines)
			slices.Reverse(reversed.Goroutines)
			reversed.AfterFuncs = slices.Clone(tr.AfterFuncs)
			slices.Reverse(reversed.AfterFuncs)
			if again := string(Diagram(&reversed, DiagramOptions{ID: name})); again != got {
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
	for name, tr := range map[string]*runner.Trace{
		"nil":             nil,
		"empty":           {End: runner.Duration(time.Second)},
		"only afterfuncs": {AfterFuncs: []runner.TraceAfterFunc{{Context: 1}}},
	} {
		if got := Diagram(tr, DiagramOptions{}); got != "" {
			t.Errorf("%s: %q, want nothing", name, got)
		}
	}
}

func TestDiagramOptions(t *testing.T) {
	tr := &runner.Trace{Contexts: []runner.TraceContext{{ID: 1, Kind: "Background"}}}
	got := string(Diagram(tr, DiagramOptions{ID: `9 "x"<y>`, Title: "Tree of <hello>"}))
	checkSVG(t, got, "diagram9xy")
	if !strings.Contains(got, "<title id=\"diagram9xy-title\">Tree of &lt;hello&gt;</title>") {
		t.Errorf("title not escaped, or not given:\n%s", got)
	}
	got = string(Diagram(tr, DiagramOptions{}))
	checkSVG(t, got, "diagram")
	if !strings.Contains(got, ">"+DefaultDiagramTitle+"</title>") {
		t.Errorf("no default title:\n%s", got)
	}
}

func d(s string) runner.Duration {
	v, err := time.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return runner.Duration(v)
}

func dp(s string) *runner.Duration {
	v := d(s)
	return &v
}

func TestDescribeTrace(t *testing.T) {
	tests := []struct {
		name  string
		trace *runner.Trace
		want  string
	}{
		{"nil", nil, "Nothing was recorded."},
		{
			"timeout",
			&runner.Trace{End: d("500ms"), Contexts: []runner.TraceContext{
				{ID: 1, Kind: "Background", Line: 12},
				{ID: 2, Parent: 1, Kind: "WithTimeout", Line: 12, Deadline: dp("500ms"), Done: dp("500ms"), Reason: "deadline", Err: "context deadline exceeded", Cause: "context deadline exceeded"},
			}},
			"main ran for 500ms of virtual time. 2 contexts: Background (line 12); " +
				"WithTimeout 500ms (line 12), derived from Background (line 12), cancelled at 500ms by its deadline.",
		},
		{
			"tree order, parent, cancel line and cause",
			&runner.Trace{End: d("1s"), Contexts: []runner.TraceContext{
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
			&runner.Trace{End: d("2s"), Contexts: []runner.TraceContext{
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
			&runner.Trace{End: d("1s"), Goroutines: []runner.TraceGoroutine{
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
			&runner.Trace{End: d("2s"), Contexts: []runner.TraceContext{
				{ID: 1, Kind: "WithCancel", Line: 11, Done: dp("2s"), Reason: "cancel", CancelLine: 22},
			}, AfterFuncs: []runner.TraceAfterFunc{
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
			&runner.Trace{Contexts: []runner.TraceContext{
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DescribeTrace(tt.trace); got != tt.want {
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

// TestChapterDiagram renders a chapter whose example recorded a trace: the
// diagram is drawn under the output, once per use, with an id of its own,
// except where the directive says diagram=hide, or the run recorded
// nothing.
func TestChapterDiagram(t *testing.T) {
	program := "package main\n\nfunc main() {}\n"
	fsys := diagramBook(map[string]string{
		"a": program, "b": program,
	}, ".example a\n\n.example a diagram=hide\n\n.example a\n\n.example b\n")
	s := &Site{}
	book, err := s.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	tr := readTrace(t, "testdata/diagram/timeout.json")
	results := fakeResults(book, map[string]*runner.Result{
		"a": {Elapsed: tr.End, Trace: tr},
		"b": {},
	})
	files, err := s.Render(book, results)
	if err != nil {
		t.Fatal(err)
	}
	page := string(files["diagrams.html"])
	if got := strings.Count(page, "<svg"); got != 2 {
		t.Errorf("%d diagrams on the page, want 2", got)
	}
	for _, id := range []string{"example-a-diagram-title", "example-a-2-diagram-title"} {
		if !strings.Contains(page, `id="`+id+`"`) {
			t.Errorf("no element %s", id)
		}
	}
	if strings.Contains(page, `id="example-a-1-diagram-title"`) {
		t.Error("a diagram under the example with diagram=hide")
	}
	if !strings.Contains(page, `<div class="diagram">`) || !strings.Contains(page, "Contexts and goroutines of a</title>") {
		t.Errorf("the diagram is not in its wrapper or has no title:\n%s", page)
	}
}

// diagramBook is a book of one chapter, diagrams.html, with body, and the
// given programs, which print nothing.
func diagramBook(programs map[string]string, body string) fstest.MapFS {
	fsys := fstest.MapFS{
		"content/01-diagrams.md": {Data: []byte("---\ntitle: Diagrams\nsummary: How contexts were cancelled.\n---\n\n" + body)},
	}
	for name, src := range programs {
		fsys["examples/"+name+"/main.go"] = &fstest.MapFile{Data: []byte(src)}
		fsys["examples/"+name+"/output.txt"] = &fstest.MapFile{Data: nil}
	}
	return fsys
}

var screenshots = flag.String("screenshots", "", "save screenshots of the diagrams page in `dir`")

// TestDiagramBrowser renders a chapter with the diagram of each trace of
// testdata/diagram and opens it in headless Chromium, at desktop and phone
// widths, light and dark. Text in a diagram must not overlap other text or
// leave the picture, must stay legible on a phone (8.5px at the least: the
// picture scrolls rather than shrink further) and must contrast with the
// background; the
// page must not scroll sideways. With -screenshots DIR it saves each view.
func TestDiagramBrowser(t *testing.T) {
	files, err := filepath.Glob("testdata/diagram/*.json")
	if err != nil || len(files) == 0 {
		t.Fatal("no testdata/diagram/*.json", err)
	}
	programs := map[string]string{}
	results := map[string]*runner.Result{}
	var body strings.Builder
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		tr := readTrace(t, file)
		programs[name] = "package main\n\nfunc main() {}\n"
		results[name] = &runner.Result{Elapsed: tr.End, Trace: tr}
		fmt.Fprintf(&body, "## %s\n\n.example %s\n\n", name, name)
	}
	s := &Site{}
	book, err := s.Load(diagramBook(programs, body.String()))
	if err != nil {
		t.Fatal(err)
	}
	site, err := s.Render(book, fakeResults(book, results))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := Write(filepath.Join(dir, "public"), site); err != nil {
		t.Fatal(err)
	}
	url := "file://" + filepath.Join(dir, "public", "diagrams.html")

	ctx := browser.New(t)
	views := []struct {
		name          string
		width, height int64
		mobile        bool
	}{
		{"desktop", 1280, 900, false},
		{"phone", 390, 844, true},
		{"small-phone", 320, 640, true},
	}
	for _, v := range views {
		for _, scheme := range []string{"light", "dark"} {
			name := v.name + "-" + scheme
			t.Run(name, func(t *testing.T) {
				if err := chromedp.Do(ctx, browser.Viewport(v.width, v.height, scheme, v.mobile), chromedp.Navigate(url)); err != nil {
					t.Fatal(err)
				}
				n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.sw-diagram").length`))
				if err != nil {
					t.Fatal(err)
				}
				if n != len(files) {
					t.Fatalf("%d diagrams on the page, want %d", n, len(files))
				}
				problems, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](diagramCheck))
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range problems {
					t.Error(p)
				}
				overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
				if err != nil {
					t.Fatal(err)
				}
				if overflow {
					t.Error("the page scrolls sideways")
				}
				if *screenshots == "" {
					return
				}
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(*screenshots, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(*screenshots, "diagrams-"+name+".png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
				for _, file := range files { // and each diagram alone, to look at closely
					diagram := strings.TrimSuffix(filepath.Base(file), ".json")
					png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS("#example-"+diagram+" .diagram")))
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(*screenshots, "diagram-"+diagram+"-"+name+".png"), png, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
	}
}

// diagramCheck is a script that returns what is wrong with each diagram
// on the page.
const diagramCheck = `(() => {
	const problems = [];
	const contrast = (a, b) => {
		const lum = c => {
			const [r, g, b] = c.match(/\d+(\.\d+)?/g).slice(0, 3).map(v => {
				v /= 255;
				return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
			});
			return 0.2126 * r + 0.7152 * g + 0.0722 * b;
		};
		const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
		return (x + 0.05) / (y + 0.05);
	};
	for (const svg of document.querySelectorAll("svg.sw-diagram")) {
		const name = svg.closest("figure").id;
		const bg = getComputedStyle(svg.closest(".output")).backgroundColor;
		const vb = svg.viewBox.baseVal;
		const scale = svg.getBoundingClientRect().width / vb.width;
		const texts = [...svg.querySelectorAll("text")];
		for (const t of texts) {
			const px = parseFloat(t.getAttribute("font-size")) * scale;
			if (px < 8.5) problems.push(name + ": " + JSON.stringify(t.textContent) + " is " + px.toFixed(1) + "px high");
		}
		const boxes = texts.map(t => t.getBBox());
		texts.forEach((t, i) => {
			const b = boxes[i];
			if (b.x < 0 || b.x + b.width > vb.width + 0.5 || b.y < 0 || b.y + b.height > vb.height + 0.5) {
				problems.push(name + ": " + JSON.stringify(t.textContent) + " leaves the picture");
			}
			for (let j = 0; j < i; j++) {
				const c = boxes[j];
				if (b.x < c.x + c.width - 1 && c.x < b.x + b.width - 1 && b.y < c.y + c.height - 2 && c.y < b.y + b.height - 2) {
					problems.push(name + ": " + JSON.stringify(t.textContent) + " overlaps " + JSON.stringify(texts[j].textContent));
				}
			}
			for (const span of [t, ...t.querySelectorAll("tspan")]) {
				const fill = getComputedStyle(span).fill;
				const r = contrast(fill, bg);
				if (r < 4.5) problems.push(name + ": " + JSON.stringify(span.textContent) + " has contrast " + r.toFixed(2) + " (" + fill + " on " + bg + ")");
			}
		});
		for (const el of svg.querySelectorAll(".sw-bar, .sw-mark, .sw-cross, .sw-fill")) {
			const style = getComputedStyle(el);
			const colour = el.classList.contains("sw-cross") ? style.stroke : style.fill;
			const r = contrast(colour, bg);
			if (r < 3) problems.push(name + ": a " + el.getAttribute("class") + " has contrast " + r.toFixed(2));
		}
	}
	return problems;
})()`

// BenchmarkDiagram draws a large trace: a request tree of 50 contexts with
// deadlines, values and AfterFuncs, and 20 goroutines.
func BenchmarkDiagram(b *testing.B) {
	tr := &runner.Trace{End: d("2s")}
	for i := 1; i <= 50; i++ {
		c := runner.TraceContext{ID: i, Parent: i / 2, Kind: "WithCancel", Line: 10 + i, Created: runner.Duration(i) * d("10ms")}
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
			tr.AfterFuncs = append(tr.AfterFuncs, runner.TraceAfterFunc{Context: i, Line: 80, Registered: c.Created, Ran: dp("1.5s")})
		}
	}
	for i := 1; i <= 20; i++ {
		tr.Goroutines = append(tr.Goroutines, runner.TraceGoroutine{ID: i, Func: "main.worker", Line: 90, Started: runner.Duration(i) * d("50ms"), Ended: dp("1.6s")})
	}
	b.ReportAllocs()
	for b.Loop() {
		Diagram(tr, DiagramOptions{ID: "bench"})
	}
}
