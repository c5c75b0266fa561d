package site

import (
	"bytes"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"signalwire/internal/linkcheck"
	"signalwire/internal/runnertest"
	"signalwire/runner"
)

// testRunner returns a runner whose cache outlives the test process.
func testRunner(t *testing.T) *runner.Runner { return runnertest.New(t) }

// TestBuild builds the book in testdata/book, running its examples for
// real, and checks the site a reader gets. With -update it first rewrites
// the book's golden files from what the examples print.
func TestBuild(t *testing.T) {
	s := &Site{Runner: testRunner(t)}
	book := os.DirFS("testdata/book")
	if *update {
		updateGoldens(t, s, "testdata/book")
	}
	dir := filepath.Join(t.TempDir(), "public")
	if err := s.Build(t.Context(), book, dir); err != nil {
		t.Fatal(err)
	}

	problems, err := linkcheck.Check(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	for _, name := range []string{
		"index.html", "basics.html", "failures.html", "404.html",
		"assets/site.css", "assets/site.js", "assets/light.css", "assets/dark.css",
		"examples/hello/main.go", "examples/broken/main.go",
		"img/wire.svg", // from content/
	} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("site has no %s", name)
		}
	}
	src, err := os.ReadFile("testdata/book/examples/hello/main.go")
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, dir, "examples/hello/main.go"); got != string(src) {
		t.Errorf("examples/hello/main.go is not a copy of the program")
	}

	index := readFile(t, dir, "index.html")
	for _, want := range []string{
		`<a href="basics.html">Basics</a>`,
		`<p>A context that times out.</p>`,
		`<a href="failures.html">Failures</a>`,
		`<link rel="next" href="basics.html">`,
	} {
		if !strings.Contains(index, want) {
			t.Errorf("index.html lacks %s", want)
		}
	}

	basics := readFile(t, dir, "basics.html")
	for _, want := range []string{
		`<link rel="next" href="failures.html">`,
		`<a class="next" rel="next" href="failures.html">`,
		`<a href="failures.html#failing-on-purpose">what fails</a>`,
		`<img src="img/wire.svg" alt="A wire">`,
		`<a class="file" href="examples/hello/main.go">examples/hello/main.go</a>`,
		`<button type="button" class="copy" data-copy="example-hello-src" aria-label="Copy program hello" hidden>`,
		`<span class="ln">10</span>`, // the excerpt keeps the program's line numbers
		"<pre class=\"out\" tabindex=\"0\" aria-label=\"Output of hello\">waiting\n<span class=\"stderr\" title=\"stderr\">stopped: context deadline exceeded\n</span></pre>",
		// Each result says what it ran under.
		"Ran in 500ms of virtual time, " + s.Runner.Isolation(t.Context()).Describe() + ".",
		`<li><a href="#waiting-for-the-deadline">Waiting for the deadline</a></li>`,
	} {
		if !strings.Contains(basics, want) {
			t.Errorf("basics.html lacks %s", want)
		}
	}
	if strings.Contains(basics, `<span class="ln">1</span>`) {
		t.Errorf("basics.html shows line 1, outside the excerpt")
	}
	// The hidden copy holds the whole program, for the copy button.
	if !strings.Contains(basics, "<pre class=\"program\" id=\"example-hello-src\" hidden>package main\n") {
		t.Errorf("basics.html lacks the whole program for the copy button")
	}

	failures := readFile(t, dir, "failures.html")
	for _, want := range []string{
		`<link rel="prev" href="basics.html">`,
		`>leaks 1 goroutine</span>`,
		`A goroutine is left blocked on <code>chan send</code> at line 8 in <code>main.main.func1</code>; it was started at line 7.`,
		`>panics</span>`,
		"<span class=\"stderr\" title=\"stderr\">panic: boom\n\tat main.go:6\n</span>",
		`>exit status 3</span>`,
		`>does not compile</span>`,
		`Compiler output`,
		`main.go:9:6: ctx.Cancel undefined (type context.Context has no field or method Cancel)`,
	} {
		if !strings.Contains(failures, want) {
			t.Errorf("failures.html lacks %s", want)
		}
	}
}

// updateGoldens runs the examples of the book in dir and writes their
// golden files.
func updateGoldens(t *testing.T, s *Site, dir string) {
	t.Helper()
	book, err := s.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	results, err := s.Run(t.Context(), book)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range book.Uses() {
		golden := filepath.Join(dir, filepath.FromSlash(u.Example.GoldenFile))
		if err := os.WriteFile(golden, []byte(GoldenOutput(results.Result(u))), 0o666); err != nil {
			t.Fatal(err)
		}
	}
}

func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDeterministic builds the same book twice, from two loads, and wants
// the same bytes.
func TestDeterministic(t *testing.T) {
	a := readArchive(t, "testdata/render/examples.txtar")
	var sites []map[string][]byte
	for range 2 {
		s := &Site{}
		book, err := s.Load(a.bookFS())
		if err != nil {
			t.Fatal(err)
		}
		site, err := s.Render(book, a.results(t, book))
		if err != nil {
			t.Fatal(err)
		}
		sites = append(sites, site)
	}
	if !slices.Equal(slices.Sorted(maps.Keys(sites[0])), slices.Sorted(maps.Keys(sites[1]))) {
		t.Fatal("the two builds have different files")
	}
	for name, b := range sites[0] {
		if !bytes.Equal(b, sites[1][name]) {
			t.Errorf("%s differs between two builds", name)
		}
	}
}

// TestDeterministicBuild writes the fixture book twice with real runs and
// compares the trees.
func TestDeterministicBuild(t *testing.T) {
	s := &Site{Runner: testRunner(t)}
	tmp := t.TempDir()
	var trees []map[string]string
	for _, out := range []string{"one", "two"} {
		dir := filepath.Join(tmp, out)
		if err := s.Build(t.Context(), os.DirFS("testdata/book"), dir); err != nil {
			t.Fatal(err)
		}
		trees = append(trees, readTree(t, dir))
	}
	if !maps.Equal(trees[0], trees[1]) {
		t.Error("two builds of the same book differ")
	}
}

func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	tree := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		tree[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// TestFailedBuildKeepsSite checks that a build that fails, at any stage,
// leaves the old site as it was and no temporary directory behind.
func TestFailedBuildKeepsSite(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "public")
	old := map[string][]byte{"index.html": []byte("old index"), "values.html": []byte("old values")}
	if err := Write(dir, old); err != nil {
		t.Fatal(err)
	}
	bad := fstest.MapFS{"content/01-a.md": {Data: []byte("---\ntitle: A\n---\n")}}
	for _, tc := range []struct {
		name  string
		build func() error
	}{
		{"bad content", func() error { return (&Site{}).Build(t.Context(), bad, dir) }},
		{"bad file name", func() error {
			return Write(dir, map[string][]byte{"index.html": []byte("new"), "../escape.html": nil})
		}},
		{"unwritable file", func() error {
			// A file and a directory of the same name cannot both be written.
			return Write(dir, map[string][]byte{"index.html": []byte("new"), "a": []byte("file"), "a/b.html": []byte("x")})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.build(); err == nil {
				t.Fatal("no error")
			}
			got := readTree(t, dir)
			if len(got) != 2 || got["index.html"] != "old index" || got["values.html"] != "old values" {
				t.Errorf("old site changed: %v", got)
			}
			entries, err := os.ReadDir(parent)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("left behind: %v", names)
			}
		})
	}
}

func TestWriteReplaces(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public")
	if err := Write(dir, map[string][]byte{"index.html": []byte("one"), "gone.html": []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, map[string][]byte{"index.html": []byte("two"), "assets/site.css": []byte("css")}); err != nil {
		t.Fatal(err)
	}
	got := readTree(t, dir)
	want := map[string]string{"index.html": "two", "assets/site.css": "css"}
	if !maps.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o755 {
		t.Errorf("site directory mode %v, want 0755", fi.Mode().Perm())
	}
}

// TestWriteRefusesNonSite: a mistyped -o must not delete a directory that
// is not a site.
func TestWriteRefusesNonSite(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o666); err != nil {
		t.Fatal(err)
	}
	err := Write(dir, map[string][]byte{"index.html": nil})
	if err == nil || !strings.Contains(err.Error(), "not a site") {
		t.Fatalf("got %v, want a refusal", err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "notes.txt")); err != nil || string(b) != "mine" {
		t.Errorf("notes.txt: %q, %v", b, err)
	}
	if err := Write(filepath.Join(dir, "notes.txt"), nil); err == nil || errors.Is(err, fs.ErrNotExist) {
		t.Errorf("writing over a file: got %v", err)
	}
}

// TestWriteRemovesStale: the temporary directories of a write that was
// killed are removed by the next one, and nothing else is.
func TestWriteRemovesStale(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "public")
	stale := []string{".public.new-123456", ".public.old-987"}
	kept := []string{".public.new-", ".public.new-12x", ".other.new-1", "public.new-1", ".public.keep", ".publicx.old-1"}
	for _, name := range append(slices.Clone(stale), kept...) {
		if err := os.MkdirAll(filepath.Join(parent, name, "assets"), 0o777); err != nil {
			t.Fatal(err)
		}
	}
	// A file of the pattern is not a directory Write made.
	if err := os.WriteFile(filepath.Join(parent, ".public.new-5"), []byte("mine"), 0o666); err != nil {
		t.Fatal(err)
	}
	kept = append(kept, ".public.new-5")
	if err := Write(dir, map[string][]byte{"index.html": []byte("x")}); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	want := append(slices.Clone(kept), "public")
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("left %q, want %q", got, want)
	}
}
