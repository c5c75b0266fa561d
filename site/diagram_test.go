package site

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"signalwire/runner"
)

// TestChapterDiagram renders a chapter whose example recorded a trace: the
// diagram is drawn under the output, once per use, with an id of its own,
// except where the directive says diagram=hide, or the run recorded
// nothing.
func TestChapterDiagram(t *testing.T) {
	program := &fstest.MapFile{Data: []byte("package main\n\nfunc main() {}\n")}
	s := &Site{}
	book, err := s.Load(fstest.MapFS{
		"content/01-diagrams.md": {Data: []byte("---\ntitle: Diagrams\nsummary: How contexts were cancelled.\n---\n\n" +
			".example a\n\n.example a diagram=hide\n\n.example a\n\n.example b\n")},
		"examples/a/main.go":    program,
		"examples/a/output.txt": {},
		"examples/b/main.go":    program,
		"examples/b/output.txt": {},
	})
	if err != nil {
		t.Fatal(err)
	}
	second := runner.Duration(time.Second)
	tr := &runner.Trace{End: second, Contexts: []runner.TraceContext{
		{ID: 1, Kind: "Background"},
		{ID: 2, Parent: 1, Kind: "WithTimeout", Deadline: &second, Done: &second, Reason: "deadline"},
	}}
	results := fakeResults(book, map[string]*runner.Result{
		"a": {Elapsed: tr.End, Trace: tr},
		"b": {},
	})
	files, err := s.Render(book, results)
	if err != nil {
		t.Fatal(err)
	}
	page := string(files["diagrams.html"])
	if got := strings.Count(page, `class="sw-diagram sw-wide"`); got != 2 { // each drawn wide and narrow
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
	if !strings.Contains(page, `<div class="diagram" `) || !strings.Contains(page, "Contexts and goroutines of a</title>") {
		t.Errorf("the diagram is not in its wrapper or has no title:\n%s", page)
	}
}
