package site

import (
	"bytes"
	"html/template"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"signalwire/runner"
)

// TestRenderChapterParity checks that rendering one chapter, as a rerender
// does, makes the same page as rendering the whole site.
func TestRenderChapterParity(t *testing.T) {
	s := &Site{}
	book, err := s.Load(os.DirFS("testdata/book"))
	if err != nil {
		t.Fatal(err)
	}
	full, err := s.Render(book, nil)
	if err != nil {
		t.Fatal(err)
	}
	assets, err := s.assets(book)
	if err != nil {
		t.Fatal(err)
	}
	base, toc := s.basePage(book, assets)
	for i, c := range book.Chapters {
		got, err := s.renderChapter(base, toc, book, i, nil, map[*Example][]template.HTML{})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, full[c.Page()]) {
			t.Errorf("%s rendered alone differs from the whole site's", c.Page())
		}
	}
}

// TestRerender changes the book and the results one thing at a time and
// checks which pages Rerender makes again, and that its site is always what
// Render makes.
func TestRerender(t *testing.T) {
	fsys := fstest.MapFS{}
	for name, data := range readTree(t, "testdata/book") {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	s := &Site{}
	results := &Results{}
	output := func(text string) *runner.Result {
		return &runner.Result{Output: []runner.Chunk{{Stream: runner.Stdout, Text: text}}}
	}
	results.Set(RunKey{Example: "hello"}, output("hello\n"))

	// The pages each change must render: every page, those showing an
	// example, one page or none.
	every := func(b *Book) []string {
		var pages []string
		for _, c := range b.Chapters {
			pages = append(pages, c.Page())
		}
		return append(pages, "index.html", "404.html", "print.html")
	}
	showing := func(name string) func(*Book) []string {
		return func(b *Book) []string {
			var pages []string
			for _, c := range b.Chapters {
				if slices.ContainsFunc(c.Uses, func(u *Use) bool { return u.Example.Name == name }) {
					pages = append(pages, c.Page())
				}
			}
			// The whole-book page shows every chapter.
			return append(pages, "print.html")
		}
	}
	page := func(p string) func(*Book) []string { return func(*Book) []string { return []string{p, "print.html"} } }
	none := func(*Book) []string { return nil }

	var prev *Rendering
	tests := []struct {
		name  string
		edit  func()
		pages func(*Book) []string
	}{
		{"first", func() {}, every},
		{"nothing", func() {}, none},
		{"a result", func() { results.Set(RunKey{Example: "hello"}, output("hello again\n")) }, showing("hello")},
		{"the same result again", func() {}, none},
		{"a new result", func() { results.Set(RunKey{Example: "bye"}, output("bye\n")) }, showing("bye")},
		{"a chapter's text", func() {
			replaceMap(t, fsys, "content/02-failures.md", "\n.example bye", "\nMore prose.\n\n.example bye")
		}, page("failures.html")},
		{"an example's source", func() { replaceMap(t, fsys, "examples/hello/main.go", "func main() {", "func main() { // edited") }, showing("hello")},
		{"a golden file", func() { fsys["examples/hello/output.txt"] = &fstest.MapFile{Data: []byte("other\n")} }, none},
		{"a title", func() { replaceMap(t, fsys, "content/01-basics.md", "title: ", "title: New ") }, every},
	}
	for _, tt := range tests {
		tt.edit()
		book, err := s.Load(fsys)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		next, pages, err := s.Rerender(book, results, prev)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if want := tt.pages(book); !slices.Equal(pages, want) {
			t.Errorf("%s: rendered %q, want %q", tt.name, pages, want)
		}
		want, err := s.Render(book, results)
		if err != nil {
			t.Fatal(err)
		}
		if !maps.EqualFunc(next.Files(), want, bytes.Equal) {
			t.Errorf("%s: the site is not what Render makes", tt.name)
		}
		prev = next
	}
}

// replaceMap replaces old with new in the file name of fsys.
func replaceMap(t *testing.T, fsys fstest.MapFS, name, old, new string) {
	t.Helper()
	f := fsys[name]
	if f == nil || !bytes.Contains(f.Data, []byte(old)) {
		t.Fatalf("%s has no %q", name, old)
	}
	fsys[name] = &fstest.MapFile{Data: []byte(strings.Replace(string(f.Data), old, new, 1))}
}
