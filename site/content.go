package site

import (
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"io/fs"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Book is the content of a site, loaded and checked but not run.
type Book struct {
	Chapters []*Chapter // in reading order
	Examples []*Example // every example under examples/, by name
	// Files are the other files under content/ (images, ...), by path
	// relative to content/; they are copied into the site as they are.
	Files map[string][]byte
}

// Chapter is one content/NN-slug.md file.
type Chapter struct {
	File   string // "content/04-values.md"
	Number int    // 4
	Slug   string // "values"; the page is Slug + ".html"
	Meta   FrontMatter
	Uses   []*Use // the chapter's .example directives, in order

	src      []byte // the file, front matter blanked out
	doc      ast.Node
	headings []heading       // h2 and h3, for the outline
	anchors  map[string]bool // the ids of headings and raw HTML, for links
	links    []linkRef       // the links, until resolveLinks checks them
}

// Page returns the name of the chapter's page in the site: "values.html".
func (c *Chapter) Page() string { return c.Slug + ".html" }

// FrontMatter is the head of a chapter, between two "---" lines, one
// "key: value" a line.
type FrontMatter struct {
	Title   string `front:"title,required"`   // the chapter's title
	Summary string `front:"summary,required"` // one line for the table of contents
}

// Example is one examples/NAME directory.
type Example struct {
	Name       string // "timeout"
	File       string // "examples/timeout/main.go"
	Source     []byte // the program
	GoldenFile string // "examples/timeout/output.txt"
	Golden     []byte // the expected output; see [GoldenOutput]
	HasGolden  bool   // whether GoldenFile exists
}

// Use is one .example directive: where an example appears and how.
type Use struct {
	Chapter   *Chapter
	File      string // the chapter's file
	Line      int    // the directive's line
	Directive *Directive
	Example   *Example
	ID        string // the HTML id of the example on the chapter's page
	Lines     []int  // the 1-based numbers of the lines of Example.Source shown
}

// heading is an entry of a chapter's outline.
type heading struct {
	Level int
	ID    string
	Text  string
}

// Example returns the example called name, or nil.
func (b *Book) Example(name string) *Example {
	i, ok := slices.BinarySearchFunc(b.Examples, name, func(e *Example, name string) int { return strings.Compare(e.Name, name) })
	if !ok {
		return nil
	}
	return b.Examples[i]
}

// Uses returns every use of an example in the book, in reading order.
func (b *Book) Uses() []*Use {
	var uses []*Use
	for _, c := range b.Chapters {
		uses = append(uses, c.Uses...)
	}
	return uses
}

// Filter returns a copy of the book whose chapters keep only the uses for
// which keep is true, for running and verifying part of a book ("check
// -run PATTERN"). Chapters and examples are otherwise shared.
func (b *Book) Filter(keep func(*Use) bool) *Book {
	nb := *b
	nb.Chapters = make([]*Chapter, len(b.Chapters))
	for i, c := range b.Chapters {
		nc := *c
		nc.Uses = nil
		for _, u := range c.Uses {
			if keep(u) {
				nc.Uses = append(nc.Uses, u)
			}
		}
		nb.Chapters[i] = &nc
	}
	return &nb
}

// Unused returns the examples no chapter uses.
func (b *Book) Unused() []*Example {
	used := map[*Example]bool{}
	for _, u := range b.Uses() {
		used[u.Example] = true
	}
	var unused []*Example
	for _, e := range b.Examples {
		if !used[e] {
			unused = append(unused, e)
		}
	}
	return unused
}

var (
	chapterRE     = regexp.MustCompile(`^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$`)
	frontMatterRE = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_-]*)\s*:\s*(.*)$`)
	// chapterLinkRE matches a link from one chapter to another by file
	// name, which works on a forge's view of content/ too.
	chapterLinkRE = regexp.MustCompile(`^(?:\./)?(\d+-[a-z0-9-]+\.md)(#.*)?$`)
	exampleLinkRE = regexp.MustCompile(`^\.\./examples/([a-z0-9][a-z0-9_-]*)/?(main\.go)?$`)
)

// reservedIDs are the ids of the page layout, which headings must not take.
var reservedIDs = []string{"main", "outline", "toc", "pager", "theme", "top"}

// reservedPages are pages of the site that no chapter may be.
var reservedPages = []string{"index", "404"}

// Load reads the book in fsys: the chapters content/NN-slug.md and the
// examples examples/NAME/main.go with their golden files. It checks the
// front matter, the directives, the examples they name and the addresses,
// and runs nothing. It reports every problem it finds, as *Error values
// joined; the Book is nil then.
func (s *Site) Load(fsys fs.FS) (*Book, error) {
	md := s.markdown()
	var errs errorList
	book := &Book{Files: map[string][]byte{}}
	book.Examples = loadExamples(fsys, &errs)

	err := fs.WalkDir(fsys, "content", func(p string, d fs.DirEntry, walkErr error) error {
		if walkErr != nil {
			return walkErr
		}
		if d.IsDir() {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			_, info, err := resolveLink(fsys, p)
			switch {
			case err != nil:
				errs.addf(p, 0, "%v", unwrapPath(err))
				return nil
			case info.IsDir():
				errs.addf(p, 0, "a symbolic link to a directory: chapters and their files are not looked for in it")
				return nil
			}
		}
		rel := strings.TrimPrefix(p, "content/")
		if strings.HasSuffix(p, ".md") {
			if strings.Contains(rel, "/") || !chapterRE.MatchString(rel) {
				errs.addf(p, 0, "not a chapter: chapters are content/NN-slug.md (01-introduction.md)")
				return nil
			}
			src, err := readBookFile(fsys, p)
			if err != nil {
				errs.addf(p, 0, "%v", unwrapPath(err))
				return nil
			}
			src = bytes.TrimPrefix(src, utf8BOM)
			if err := checkText(p, src); err != nil {
				errs.add(err)
				return nil
			}
			m := chapterRE.FindStringSubmatch(rel)
			n, _ := strconv.Atoi(m[1])
			book.Chapters = append(book.Chapters, &Chapter{File: p, Number: n, Slug: m[2], src: src})
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		b, err := readBookFile(fsys, p)
		if err != nil {
			errs.addf(p, 0, "%v", unwrapPath(err))
			return nil
		}
		book.Files[rel] = b
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errorf("content", 0, "no such directory: a book's chapters are content/NN-slug.md")
	}
	if err != nil {
		return nil, err
	}
	if len(book.Chapters) == 0 && len(errs) == 0 {
		return nil, errorf("content", 0, "no chapters: a book's chapters are content/NN-slug.md")
	}
	slices.SortFunc(book.Chapters, func(a, b *Chapter) int {
		if a.Number != b.Number {
			return a.Number - b.Number
		}
		return strings.Compare(a.File, b.File)
	})
	slugs := map[string]*Chapter{}
	for i, c := range book.Chapters {
		if i > 0 && book.Chapters[i-1].Number == c.Number {
			errs.addf(c.File, 0, "chapter number %02d is also %s's", c.Number, book.Chapters[i-1].File)
		}
		if prev := slugs[c.Slug]; prev != nil {
			errs.addf(c.File, 0, "slug %q is also %s's: both would be %s", c.Slug, prev.File, c.Page())
		}
		if slices.Contains(reservedPages, c.Slug) {
			errs.addf(c.File, 0, "slug %q is taken by the site's %s page", c.Slug, c.Page())
		}
		slugs[c.Slug] = c
	}
	for p := range book.Files {
		top, _, _ := strings.Cut(p, "/")
		if top == "assets" || top == "examples" || strings.HasSuffix(p, ".html") {
			errs.addf("content/"+p, 0, "the site makes its own pages, assets/ and examples/; rename this file")
		}
	}
	names := make([]string, len(book.Examples))
	for i, e := range book.Examples {
		names[i] = e.Name
	}
	for _, c := range book.Chapters {
		parseChapter(md.Parser(), book, names, c, &errs)
	}
	resolveLinks(book, &errs)
	if err := errs.err(); err != nil {
		return nil, err
	}
	return book, nil
}

// loadExamples reads examples/*/: main.go, required, and output.txt.
func loadExamples(fsys fs.FS, errs *errorList) []*Example {
	entries, err := fs.ReadDir(fsys, "examples")
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			errs.addf("examples", 0, "%v", err)
		}
		return nil
	}
	var examples []*Example
	for _, d := range entries {
		dir := path.Join("examples", d.Name())
		if strings.HasPrefix(d.Name(), ".") {
			continue
		}
		if d.Type()&fs.ModeSymlink != 0 {
			_, info, lerr := resolveLink(fsys, dir)
			if lerr != nil {
				errs.addf(dir, 0, "%v", unwrapPath(lerr))
				continue
			}
			if !info.IsDir() {
				continue
			}
		} else if !d.IsDir() {
			continue
		}
		if !nameRE.MatchString(d.Name()) {
			errs.addf(dir, 0, "bad example name %q (want lower-case letters, digits, - and _)", d.Name())
			continue
		}
		e := &Example{Name: d.Name(), File: dir + "/main.go", GoldenFile: dir + "/output.txt"}
		e.Source, err = readBookFile(fsys, e.File)
		if errors.Is(err, fs.ErrNotExist) {
			errs.addf(dir, 0, "no main.go: an example is examples/NAME/main.go")
			continue
		}
		if err != nil {
			errs.addf(e.File, 0, "%v", unwrapPath(err))
			continue
		}
		if formatted, ferr := format.Source(e.Source); ferr == nil && !bytes.Equal(formatted, e.Source) {
			errs.addf(e.File, firstDifference(e.Source, formatted), "not gofmt-formatted (run gofmt -w %s)", e.File)
		}
		e.Golden, err = readBookFile(fsys, e.GoldenFile)
		e.HasGolden = err == nil
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs.addf(e.GoldenFile, 0, "%v", unwrapPath(err))
		}
		examples = append(examples, e)
	}
	return examples // ReadDir sorts by name
}

// unwrapPath drops the file name from an *fs.PathError, which an *Error
// names already.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// utf8BOM is the byte order mark some editors put at the start of a UTF-8
// file. A chapter may start with it; it is dropped.
var utf8BOM = []byte("\ufeff")

// checkText reports the first line of a chapter that is not UTF-8 text: a
// byte that is not UTF-8, or a NUL, which no editor shows and no page
// should hold.
func checkText(file string, src []byte) *Error {
	line := 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return errorf(file, line, "invalid UTF-8 (byte %#02x): a chapter must be UTF-8 text", src[i])
		case r == 0:
			return errorf(file, line, "NUL byte: a chapter must be UTF-8 text")
		case r == '\n':
			line++
		}
		i += size
	}
	return nil
}

// firstDifference returns the first line where a and b differ.
func firstDifference(a, b []byte) int {
	line := 1
	for i := 0; i < len(a) && i < len(b) && a[i] == b[i]; i++ {
		if a[i] == '\n' {
			line++
		}
	}
	return line
}

// parseChapter reads a chapter's front matter, parses its body and resolves
// its directives and links. names are the book's examples, for suggestions.
func parseChapter(p parser.Parser, book *Book, names []string, c *Chapter, errs *errorList) {
	body, err := parseFrontMatter(c.File, c.src, &c.Meta)
	if err != nil {
		errs.add(err.(*Error))
		return
	}
	c.src = body
	c.anchors = map[string]bool{}
	lines := newLineIndex(body)
	ids := parser.NewContext()
	for _, id := range reservedIDs {
		ids.IDs().Put([]byte(id))
	}
	c.doc = p.Parse(text.NewReader(body), parser.WithContext(ids))
	ast.Walk(c.doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		scanHTML(c, n, body, lines)
		switch n := n.(type) {
		case *exampleNode:
			line := lines.line(n.offset)
			if n.misplaced != "" {
				errs.addf(c.File, line, "%s", n.misplaced)
				return ast.WalkSkipChildren, nil
			}
			d, err := ParseDirective(n.text)
			if err != nil {
				errs.addf(c.File, line, "%v", err)
				return ast.WalkSkipChildren, nil
			}
			e := book.Example(d.Name)
			if e == nil {
				errs.addf(c.File, line, "unknown example %q%s", d.Name, didYouMean(d.Name, names))
				return ast.WalkSkipChildren, nil
			}
			shown, err := d.selectLines(e.Source)
			if err != nil {
				errs.addf(c.File, line, ".example %s: %v in %s", d.Name, err, e.File)
				return ast.WalkSkipChildren, nil
			}
			u := &Use{Chapter: c, File: c.File, Line: line, Directive: d, Example: e, Lines: shown}
			u.ID = string(ids.IDs().Generate([]byte("example-"+e.Name), kindExample))
			n.use = u
			c.Uses = append(c.Uses, u)
		case *ast.Heading:
			if id, ok := n.AttributeString("id"); ok {
				if b, ok := id.([]byte); ok {
					c.anchors[string(b)] = true
				}
			}
			if n.Level == 2 || n.Level == 3 {
				id, _ := n.AttributeString("id")
				idb, _ := id.([]byte)
				c.headings = append(c.headings, heading{n.Level, string(idb), plainText(n, body)})
			}
		case *ast.Link:
			c.links = append(c.links, linkRef{line: lines.line(nodeOffset(n)), node: n, dest: string(n.Destination)})
		case *ast.Image:
			c.links = append(c.links, linkRef{line: lines.line(nodeOffset(n)), node: n, dest: string(n.Destination), image: true})
		case *ast.AutoLink:
			if n.AutoLinkType == ast.AutoLinkURL {
				c.links = append(c.links, linkRef{line: lines.line(nodeOffset(n)), node: n, dest: string(n.URL(body)), auto: true})
			}
		}
		return ast.WalkContinue, nil
	})
}

// parseFrontMatter decodes the front matter at the top of a chapter into
// meta, a pointer to a struct whose string fields are tagged
// `front:"key[,required]"`. It returns the source with the front matter
// replaced by as many empty lines, so that lines keep their numbers.
func parseFrontMatter(file string, src []byte, meta any) ([]byte, error) {
	lines := strings.SplitAfter(string(src), "\n")
	if strings.TrimRight(lines[0], "\r\n") != "---" {
		return nil, errorf(file, 1, "missing front matter: a chapter starts with ---, title: and summary: lines, then ---")
	}
	v := reflect.ValueOf(meta).Elem()
	fields := map[string]reflect.Value{}
	var keys, required []string
	for i := range v.NumField() {
		tag, ok := v.Type().Field(i).Tag.Lookup("front")
		if !ok {
			continue
		}
		key, opt, _ := strings.Cut(tag, ",")
		fields[key] = v.Field(i)
		keys = append(keys, key)
		if opt == "required" {
			required = append(required, key)
		}
	}
	end := slices.IndexFunc(lines[1:], func(l string) bool { return strings.TrimRight(l, "\r\n") == "---" }) + 1
	if end == 0 {
		return nil, errorf(file, 1, "front matter is not closed by a --- line")
	}
	seen := map[string]int{}
	for i := 1; i < end; i++ {
		line := strings.TrimRight(lines[i], "\r\n")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := frontMatterRE.FindStringSubmatch(line)
		if m == nil {
			return nil, errorf(file, i+1, "bad front matter line %q: want key: value", line)
		}
		key, value := m[1], strings.TrimSpace(m[2])
		f, ok := fields[key]
		if !ok {
			return nil, errorf(file, i+1, "unknown front matter key %q%s (want %s)", key, didYouMean(key, keys), strings.Join(keys, ", "))
		}
		if prev := seen[key]; prev > 0 {
			return nil, errorf(file, i+1, "front matter key %q given twice (first on line %d)", key, prev)
		}
		seen[key] = i + 1
		if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
			if value[0] == '\'' {
				value = strings.ReplaceAll(value[1:len(value)-1], "''", "'")
			} else if uq, err := strconv.Unquote(value); err == nil {
				value = uq
			} else {
				return nil, errorf(file, i+1, "front matter %s: bad quoted value %s", key, value)
			}
		}
		f.SetString(value)
	}
	for _, key := range required {
		if strings.TrimSpace(fields[key].String()) == "" {
			return nil, errorf(file, 1, "front matter has no %s: (required)", key)
		}
	}
	var body strings.Builder
	for _, l := range lines[:end+1] {
		if strings.HasSuffix(l, "\n") {
			body.WriteByte('\n') // a blank line for each line of front matter
		}
	}
	for _, l := range lines[end+1:] {
		body.WriteString(l)
	}
	return []byte(body.String()), nil
}
