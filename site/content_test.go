package site

import (
	"os"
	"path/filepath"
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

// TestLoadSymlinks: a symbolic link in content/ or examples/ that leaves
// the book is refused, naming it; one that stays inside is followed; one to
// a directory in content/ is an error located at the link.
func TestLoadSymlinks(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "passwd")
	if err := os.WriteFile(secret, []byte("root:x:0:0\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(outside, "ex"), 0o777); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		links map[string]string // link -> target
		want  string
	}{
		{"file leaves", map[string]string{"content/passwd.txt": secret},
			"content/passwd.txt: symbolic link to " + secret + " leaves the book: a book's files must be inside it"},
		{"relative file leaves", map[string]string{"content/img/up.txt": "../../../passwd"},
			"content/img/up.txt: symbolic link to ../../../passwd leaves the book: a book's files must be inside it"},
		{"chain leaves", map[string]string{"content/a.txt": "b.txt", "content/b.txt": secret},
			"content/a.txt: symbolic link to " + secret + " leaves the book: a book's files must be inside it\n" +
				"content/b.txt: symbolic link to " + secret + " leaves the book: a book's files must be inside it"},
		{"chapter leaves", map[string]string{"content/02-next.md": secret},
			"content/02-next.md: symbolic link to " + secret + " leaves the book: a book's files must be inside it"},
		{"directory", map[string]string{"content/pictures": "img"},
			"content/pictures: a symbolic link to a directory: chapters and their files are not looked for in it"},
		{"example dir leaves", map[string]string{"examples/away": filepath.Join(outside, "ex")},
			"examples/away: symbolic link to " + filepath.Join(outside, "ex") + " leaves the book: a book's files must be inside it"},
		{"golden leaves", map[string]string{"examples/hello/output.txt": secret},
			"examples/hello/output.txt: symbolic link to " + secret + " leaves the book: a book's files must be inside it"},
		{"inside", map[string]string{"content/img/copy.svg": "wire.svg", "examples/again": "hello"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			files := chapterFS(frontMatter + "\n.example hello\n")
			files["content/img/wire.svg"] = &fstest.MapFile{Data: []byte("<svg></svg>\n")}
			for name, f := range files {
				p := filepath.Join(dir, filepath.FromSlash(name))
				if _, isLink := tc.links[name]; isLink {
					continue
				}
				if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, f.Data, 0o666); err != nil {
					t.Fatal(err)
				}
			}
			for link, target := range tc.links {
				p := filepath.Join(dir, filepath.FromSlash(link))
				if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(target, p); err != nil {
					t.Fatal(err)
				}
			}
			book, err := (&Site{}).Load(os.DirFS(dir))
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if string(book.Files["img/copy.svg"]) != "<svg></svg>\n" || book.Example("again") == nil {
					t.Errorf("links inside the book not followed: files %v", book.Files)
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
