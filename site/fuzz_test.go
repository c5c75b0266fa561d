package site

import (
	"bytes"
	"errors"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// The fuzz targets feed the parsers of the book's input with what an
// author might write: each must give a located error or a result, never
// crash. Their seeds are the book's own chapters (../content) and the
// inputs that once crashed or were accepted wrongly; scripts/fuzz.sh runs
// each for a fixed time.

// bookChapters returns the chapters of the book in ../content, as seeds.
func bookChapters(f *testing.F) [][]byte {
	f.Helper()
	files, err := filepath.Glob("../content/*.md")
	if err != nil {
		f.Fatal(err)
	}
	var srcs [][]byte
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		srcs = append(srcs, b)
	}
	return srcs
}

var directiveLineRE = regexp.MustCompile(`(?m)^\.[a-z].*$`)

func FuzzParseDirective(f *testing.F) {
	for _, src := range bookChapters(f) {
		for _, line := range directiveLineRE.FindAll(src, -1) {
			f.Add(string(line))
		}
	}
	for _, line := range []string{
		".example hello \u00a0", ".example hello \v", ".example hello \f", ".example\u00a0hello",
		".example a /x/,/y/ exit=3 leaks=2", `.example a divergence="a \"b\""`, ".example a /\\//",
		".example", ".exmaple x", ".example a exit=", `.example a divergence="\xff"`,
	} {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		d, err := ParseDirective(line)
		if err != nil {
			if d != nil {
				t.Fatalf("%q: a directive and an error", line)
			}
			return
		}
		// The canonical form means the same directive.
		again, err := ParseDirective(d.String())
		if err != nil {
			t.Fatalf("%q parses, its canonical form %q does not: %v", line, d.String(), err)
		}
		if again.String() != d.String() {
			t.Fatalf("%q: canonical form %q reparses as %q", line, d.String(), again.String())
		}
	})
}

func FuzzFrontMatter(f *testing.F) {
	for _, src := range bookChapters(f) {
		f.Add(src)
	}
	for _, src := range []string{
		"---\ntitle: 'It''s'\nsummary: \"a\\tb\"\n---\n", "---\r\ntitle: A\r\nsummary: B\r\n---\r\nx",
		"---\n", "---\ntitle: A\ntitle: B\n---\n", "", "\n", "---\n---\n---\n", "---\n# c\n\nsummary: \"\n---\n",
	} {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		var meta FrontMatter
		body, err := parseFrontMatter("content/01-a.md", src, &meta)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.File != "content/01-a.md" || e.Line < 1 {
				t.Fatalf("error %v is not located in the chapter", err)
			}
			return
		}
		// Blanking the front matter keeps every line at its number.
		if bytes.Count(body, []byte("\n")) != bytes.Count(src, []byte("\n")) {
			t.Fatalf("%d lines became %d", bytes.Count(src, []byte("\n")), bytes.Count(body, []byte("\n")))
		}
		if strings.TrimSpace(meta.Title) == "" || strings.TrimSpace(meta.Summary) == "" {
			t.Fatalf("accepted without a title or summary: %+v", meta)
		}
	})
}

// fuzzChapterSeeds are chapters that once crashed the build or were
// accepted when they should not be.
var fuzzChapterSeeds = []string{
	frontMatter + "\n.example hello \u00a0\n",
	frontMatter + "\n.example\u00a0hello\n",
	"\ufeff" + frontMatter + "\nProse.\n",
	frontMatter + "\nBad \xff byte and a \x00.\n",
	frontMatter + "\n[x](javascript:alert(1)) [y](deadline.html) [z](02-next.md#nope) [w](#nowhere)\n",
	frontMatter + "\n## A\n\n[a](#a) [b](../examples/hello/main.go) ![c](img/none.png) <javascript:x>\n",
	frontMatter + "\n- .example hello\n\n> .example hello\n\n  .example hello\n",
}

func FuzzLoadChapter(f *testing.F) {
	for _, src := range bookChapters(f) {
		f.Add(src)
	}
	for _, src := range fuzzChapterSeeds {
		f.Add([]byte(src))
	}
	s := &Site{} // made once: its markdown and templates are reused
	f.Fuzz(func(t *testing.T, src []byte) {
		book, err := s.Load(chapterFS(string(src)))
		if err != nil {
			for _, e := range unjoin(err) {
				var located *Error
				if !errors.As(e, &located) || located.File == "" {
					t.Fatalf("error %q is not located", e)
				}
			}
			return
		}
		site, err := s.Render(book, nil)
		if err != nil {
			t.Fatalf("loads but does not render: %v", err)
		}
		page := site[book.Chapters[0].Page()]
		if !utf8.Valid(page) || bytes.IndexByte(page, 0) >= 0 {
			t.Fatalf("the page is not UTF-8 text")
		}
	})
}

func FuzzLinkTarget(f *testing.F) {
	for _, src := range bookChapters(f) {
		for _, m := range regexp.MustCompile(`\]\(([^)\s]*)\)`).FindAllSubmatch(src, -1) {
			f.Add(string(m[1]), false)
		}
	}
	for _, dest := range []string{
		"javascript:alert(1)", "JavaScript:x", " javascript:x", "java\tscript:x", "javascript&#58;x", "vbscript:x",
		"data:text/html,<script>", "deadline.html", "02-next.md#nope", "#nowhere", "../README.md", "/abs",
		"https://go.dev/", "//host/x", "mailto:a@b", "img/wire.svg", "01-intro.md#a", "%zz", "?q", "#",
	} {
		f.Add(dest, false)
		f.Add(dest, true)
	}
	book, err := (&Site{}).Load(chapterFS(frontMatter + "\n## A\n\n.example hello\n"))
	if err != nil {
		f.Fatal(err)
	}
	book.Files["img/wire.svg"] = []byte("<svg></svg>")
	c := book.Chapters[0]
	f.Fuzz(func(t *testing.T, dest string, image bool) {
		got, err := linkTarget(book, c, linkRef{dest: dest, image: image})
		if err != nil {
			return
		}
		scheme := urlScheme(html.UnescapeString(got))
		if slices.Contains(scriptSchemes, scheme) && !(image && scheme == "data") {
			t.Fatalf("%q accepted as %q, a %s: URL", dest, got, scheme)
		}
	})
}
