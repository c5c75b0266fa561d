package site

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// assetHashRE matches the cache-busting hashes of asset URLs, which change
// with every edit of a stylesheet; golden pages hold a placeholder.
var assetHashRE = regexp.MustCompile(`\?v=[0-9a-f]{8}`)

// TestRender renders each book of testdata/render and compares the pages
// listed as want/PATH with the archive's. Books with results/NAME.json
// render as if their examples had run so (and must verify).
func TestRender(t *testing.T) {
	files, err := filepath.Glob("testdata/render/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatal("no testdata/render/*.txtar", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			a := readArchive(t, file)
			s := &Site{}
			book, err := s.Load(a.bookFS())
			if err != nil {
				t.Fatal(err)
			}
			results := a.results(t, book)
			if results != nil {
				if err := Verify(book, results); err != nil {
					t.Fatal(err)
				}
			}
			site, err := s.Render(book, results)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range a.Files {
				name, ok := strings.CutPrefix(f.Name, "want/")
				if !ok {
					continue
				}
				b, ok := site[name]
				if !ok {
					t.Errorf("no %s in the site", name)
					continue
				}
				got := assetHashRE.ReplaceAllString(string(b), "?v=HASH")
				if *update {
					a.set(f.Name, got)
					continue
				}
				if got != f.Data {
					t.Errorf("%s differs from %s; rerun with -update and look at the diff", name, f.Name)
				}
			}
			if *update {
				if err := os.WriteFile(file, a.format(), 0o666); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestBadTheme: a theme whose templates do not parse does not stop a book
// from loading (check needs no templates), and fails every render with the
// template's error.
func TestBadTheme(t *testing.T) {
	theme := fstest.MapFS{
		"templates/layout.tmpl":  {Data: []byte("{{template \"content\" .}")},
		"templates/example.tmpl": {Data: []byte("")},
	}
	s := &Site{Theme: theme}
	book, err := s.Load(chapterFS(frontMatter + "\nProse.\n"))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := s.Render(book, nil); err == nil || !strings.Contains(err.Error(), "layout.tmpl") {
			t.Errorf("Render: got %v, want the template's error", err)
		}
	}
}
