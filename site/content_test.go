package site

import (
	"testing"
	"testing/fstest"
)

// chapterFS returns a book of one chapter, content/01-intro.md, whose
// source is src, and the example hello.
func chapterFS(src string) fstest.MapFS {
	return fstest.MapFS{
		"content/01-intro.md":       {Data: []byte(src)},
		"examples/hello/main.go":    {Data: []byte("package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hello\")\n}\n")},
		"examples/hello/output.txt": {Data: []byte("hello\n")},
	}
}

const frontMatter = "---\ntitle: Intro\nsummary: The first chapter.\n---\n"

// TestLoadText: a chapter is UTF-8 text, which may start with a byte order
// mark; a byte that is not UTF-8, or a NUL, is an error at its line.
func TestLoadText(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"bom", "\ufeff" + frontMatter + "\nProse.\n\n.example hello\n", ""},
		{"bom crlf", "\ufeff---\r\ntitle: Intro\r\nsummary: The first chapter.\r\n---\r\n\r\nProse.\r\n", ""},
		{"invalid utf-8", frontMatter + "\nProse.\n\nBad \xff byte.\n", "content/01-intro.md:8: invalid UTF-8 (byte 0xff): a chapter must be UTF-8 text"},
		{"truncated rune", frontMatter + "\n\xe2\x82\n", "content/01-intro.md:6: invalid UTF-8 (byte 0xe2): a chapter must be UTF-8 text"},
		{"nul", frontMatter + "\nProse.\x00\n", "content/01-intro.md:6: NUL byte: a chapter must be UTF-8 text"},
		{"nul in front matter", "---\ntitle: In\x00tro\nsummary: The first chapter.\n---\n", "content/01-intro.md:2: NUL byte: a chapter must be UTF-8 text"},
		{"bom twice", "\ufeff\ufeff" + frontMatter, "content/01-intro.md:1: missing front matter: a chapter starts with ---, title: and summary: lines, then ---"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			book, err := (&Site{}).Load(chapterFS(tc.src))
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c := book.Chapters[0]; c.Meta.Title != "Intro" || c.Meta.Summary != "The first chapter." {
					t.Errorf("front matter %+v", c.Meta)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error; want %s", tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("got  %s\nwant %s", err, tc.want)
			}
		})
	}
}
