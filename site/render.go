package site

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"runtime"
	"strings"

	"golang.org/x/sync/errgroup"

	"signalwire/diagram"
	"signalwire/internal/english"
	"signalwire/runner"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// builtinTheme holds the templates and assets built into the program.
var builtinTheme = themeFS{templateFS, assetFS}

// themeFS reads templates/ from one file system and assets/ from another;
// both embedded directories of this package.
type themeFS struct{ templates, assets fs.FS }

func (t themeFS) Open(name string) (fs.File, error) {
	if name == "assets" || strings.HasPrefix(name, "assets/") {
		return t.assets.Open(name)
	}
	return t.templates.Open(name)
}

// parseTemplates parses the page templates of a theme, each with the
// layout and the partials.
func parseTemplates(theme fs.FS) (map[string]*template.Template, error) {
	base, err := template.New("layout.tmpl").ParseFS(theme, "templates/layout.tmpl", "templates/example.tmpl")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range []string{"index", "chapter", "404", "print"} {
		t, err := base.Clone()
		if err == nil {
			t, err = t.ParseFS(theme, "templates/"+name+".tmpl")
		}
		if err != nil {
			return nil, err
		}
		pages[name] = t
	}
	return pages, nil
}

// page is what a page template gets.
type page struct {
	Book        string            // the book's title
	Title       string            // the page's title; "" on the index
	Description string            // for <meta name="description">
	Assets      map[string]string // asset name to URL
	Chapters    []*tocEntry
	Chapter     *chapterView // nil on the index and 404 pages
	Prev, Next  *tocEntry
	Examples    int            // examples run, on the index
	Print       []printChapter // the chapters of the whole-book page
	ChapterList template.HTML  // the entries of the chapter list, on a chapter page
}

type tocEntry struct {
	Page, Title, Summary string
	Number               int // 1 for the first chapter
	Current              bool

	// The entry of the chapter list as the chapter-item template makes
	// it, not current and current: made once, since every chapter page
	// shows every entry.
	item, currentItem template.HTML
}

type chapterView struct {
	Number         int
	Title, Summary string
	Outline        []outlineItem
	Blocks         []block
	Article        template.HTML // the article template's output, made of Blocks
}

// printChapter is a chapter on the whole-book page.
type printChapter struct {
	ID, Title string
	Number    int
	Article   template.HTML // the chapter page's article, its ids and links made the book page's
}

type outlineItem struct {
	heading
	Children []heading
}

// block is a run of prose or an example.
type block struct {
	HTML    template.HTML // rendered by goldmark
	Example *exampleView
}

type exampleView struct {
	ID, Name, File string
	Lines          []codeLine
	Partial        bool   // not every line of the program is shown
	Source         string // the program, for the copy button, when Partial
	Run            *runView
	// wasm: how the reader may run it in the browser (run.js): "virtual",
	// "realtime" (explained, not run); Divergence is the directive's.
	Play, Divergence string
}

type codeLine struct {
	N    int
	Gap  bool // lines were left out before this one
	HTML template.HTML
}

type runView struct {
	Compile  bool
	Chunks   []chunk
	Stderr   bool // some output went to stderr
	Elapsed  string
	Realtime bool
	// Isolation says what fenced the compiled run in (runner.Isolation's
	// Describe), so that a reader knows what each result was produced under.
	Isolation string
	Badges    []badge
	Leaks     []runner.Leak
	Diagram   template.HTML // drawn by diagram.SVG; "" when nothing was recorded
}

type chunk struct {
	Stderr bool
	Text   string
}

type badge struct {
	Kind, Text, Title string
}

// Render renders the book as the files of its site, by path (see the
// package documentation). With nil results, examples show no output.
func (s *Site) Render(book *Book, results *Results) (map[string][]byte, error) {
	if err := s.init(); err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	// The search index reads every chapter and no page depends on it (its
	// URL has no version: see basePage), so it is made while the pages
	// are rendered.
	var index []byte
	var indexing errgroup.Group
	indexing.Go(func() error {
		var err error
		index, err = searchIndex(book)
		return err
	})
	assets, err := s.staticAssets()
	if err != nil {
		return nil, errors.Join(err, indexing.Wait())
	}
	for name, b := range s.engineAssets(results) { // wasm: engine.go
		assets[name] = b
	}
	for name, b := range assets {
		files["assets/"+name] = b
	}
	for rel, b := range book.Files {
		files[rel] = b
	}
	for _, e := range book.Examples {
		files[e.File] = e.Source
	}
	base, toc := s.basePage(book, assets)
	pages, err := s.renderChapters(base, toc, book, results)
	if err := errors.Join(err, indexing.Wait()); err != nil {
		return nil, err
	}
	files["assets/search-index.js"] = index
	for i, c := range book.Chapters {
		files[c.Page()] = pages[i]
	}
	home := base
	home.Examples = len(book.Uses())
	if len(toc) > 0 {
		home.Next = toc[0]
	}
	if files["index.html"], err = s.execute("index", &home); err != nil {
		return nil, err
	}
	notFound := base
	notFound.Title = "Page not found"
	if files["404.html"], err = s.execute("404", &notFound); err != nil {
		return nil, err
	}
	if files["print.html"], err = s.renderPrint(base, book, files); err != nil {
		return nil, err
	}
	// The site holds copies of the examples' programs. When the site is
	// written inside a Go module (the book's public/), this file makes it a
	// module of its own, so that "go vet ./..." and "go test ./..." of the
	// book do not build the copies a second time.
	files["go.mod"] = []byte("// The copies of the book's example programs, for readers to download.\nmodule site\n")
	return files, nil
}

// basePage returns the fields every page shares, and the table of
// contents.
func (s *Site) basePage(book *Book, assets map[string][]byte) (page, []*tocEntry) {
	urls := map[string]string{}
	for name, b := range assets {
		sum := sha256.Sum256(b)
		urls[name] = "assets/" + name + "?v=" + hex.EncodeToString(sum[:4])
	}
	// The search index changes with every chapter's text: a version in
	// its URL would change every page at each edit, and the live preview
	// re-renders only the pages that changed.
	urls["search-index.js"] = "assets/search-index.js"
	toc := make([]*tocEntry, len(book.Chapters))
	for i, c := range book.Chapters {
		toc[i] = &tocEntry{Page: c.Page(), Title: c.Meta.Title, Summary: c.Meta.Summary, Number: i + 1}
	}
	return page{Book: s.title(), Assets: urls, Chapters: toc}, toc
}

// renderChapters renders the pages of the chapters, several at a time:
// as many as s.Workers, or as there are CPUs. What the pages share, the
// highlighted examples and the entries of the chapter list, is made
// first, so that the pages only read it.
func (s *Site) renderChapters(base page, toc []*tocEntry, book *Book, results *Results) ([][]byte, error) {
	highlighted := map[*Example][]template.HTML{}
	for _, u := range book.Uses() {
		if _, ok := highlighted[u.Example]; !ok {
			highlighted[u.Example] = s.hl.Lines("go", u.Example.Source)
		}
	}
	if len(toc) > 0 {
		if _, err := s.chapterList(toc, 0); err != nil {
			return nil, err
		}
	}
	workers := s.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	pages := make([][]byte, len(book.Chapters))
	var g errgroup.Group
	g.SetLimit(workers)
	for i := range book.Chapters {
		g.Go(func() error {
			var err error
			pages[i], err = s.renderChapter(base, toc, book, i, results, highlighted)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return pages, nil
}

// renderChapter renders the page of the i'th chapter.
func (s *Site) renderChapter(base page, toc []*tocEntry, book *Book, i int, results *Results, highlighted map[*Example][]template.HTML) ([]byte, error) {
	c := book.Chapters[i]
	view, err := s.chapterView(c, results, highlighted)
	if err != nil {
		return nil, err
	}
	view.Number = i + 1
	// The buffers are sized for the page up front: it holds the chapter
	// list, the size of the book, and growing to it copies it many times.
	size := 4096
	for _, b := range view.Blocks {
		size += len(b.HTML)
	}
	var article strings.Builder
	article.Grow(size)
	if err := s.pages["chapter"].ExecuteTemplate(&article, "article", view); err != nil {
		return nil, fmt.Errorf("rendering chapter page %q: %w", c.Meta.Title, err)
	}
	view.Article = template.HTML(article.String())
	p := base
	p.Title, p.Description, p.Chapter = c.Meta.Title, c.Meta.Summary, view
	if p.ChapterList, err = s.chapterList(toc, i); err != nil {
		return nil, err
	}
	if i > 0 {
		p.Prev = toc[i-1]
	}
	if i+1 < len(toc) {
		p.Next = toc[i+1]
	}
	return s.executeSized("chapter", &p, len(view.Article)+len(p.ChapterList)+8192)
}

// chapterList returns the entries of the chapter list of the page of the
// i'th chapter.
func (s *Site) chapterList(toc []*tocEntry, i int) (template.HTML, error) {
	n := 0
	for _, e := range toc {
		if e.item == "" {
			for _, current := range []bool{false, true} {
				entry := *e
				entry.Current = current
				var b strings.Builder
				if err := s.pages["chapter"].ExecuteTemplate(&b, "chapter-item", &entry); err != nil {
					return "", fmt.Errorf("rendering the chapter list: %w", err)
				}
				if current {
					e.currentItem = template.HTML(b.String())
				} else {
					e.item = template.HTML(b.String())
				}
			}
		}
		n += len(e.item) + len(e.currentItem)
	}
	var b strings.Builder
	b.Grow(n)
	for j, e := range toc {
		if j == i {
			b.WriteString(string(e.currentItem))
		} else {
			b.WriteString(string(e.item))
		}
	}
	return template.HTML(b.String()), nil
}

func (s *Site) execute(name string, p *page) ([]byte, error) {
	return s.executeSized(name, p, 0)
}

// executeSized is execute for a page of about size bytes.
func (s *Site) executeSized(name string, p *page, size int) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(size)
	root := "layout.tmpl"
	if name == "404" {
		root = "404.tmpl" // a page of its own, which loads nothing
	}
	if err := s.pages[name].ExecuteTemplate(&buf, root, p); err != nil {
		return nil, fmt.Errorf("rendering %s page %q: %w", name, p.Title, err)
	}
	return buf.Bytes(), nil
}

// assets returns the files of assets/: the static ones, a stylesheet per
// theme, which holds the theme's colours and its highlighting, and the
// book's search index.
func (s *Site) assets(book *Book) (map[string][]byte, error) {
	out, err := s.staticAssets()
	if err != nil {
		return nil, err
	}
	idx, err := searchIndex(book)
	if err != nil {
		return nil, err
	}
	out["search-index.js"] = idx
	return out, nil
}

// staticAssets returns the files of assets/ that do not depend on the
// book: all but the search index.
func (s *Site) staticAssets() (map[string][]byte, error) {
	out := map[string][]byte{}
	theme := s.theme()
	err := fs.WalkDir(theme, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(theme, p)
		out[strings.TrimPrefix(p, "assets/")] = b
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, theme := range []Theme{Light, Dark} {
		name := string(theme) + ".css"
		var buf bytes.Buffer
		buf.Write(out["theme-"+name])
		delete(out, "theme-"+name)
		buf.WriteString("\n/* Highlighting */\n")
		if err := s.hl.WriteCSS(&buf, theme); err != nil {
			return nil, err
		}
		out[name] = buf.Bytes()
	}
	return out, nil
}

// chapterView renders a chapter's prose with goldmark, a run of top-level
// blocks at a time, and its examples with the example template.
func (s *Site) chapterView(c *Chapter, results *Results, highlighted map[*Example][]template.HTML) (*chapterView, error) {
	view := &chapterView{Title: c.Meta.Title, Summary: c.Meta.Summary}
	for _, h := range c.headings {
		if h.Level == 2 || len(view.Outline) == 0 {
			view.Outline = append(view.Outline, outlineItem{heading: h})
			continue
		}
		last := &view.Outline[len(view.Outline)-1]
		last.Children = append(last.Children, h)
	}
	// A run of blocks is written to a strings.Builder, whose String does
	// not copy it: a new one starts each run.
	var buf strings.Builder
	w := bufio.NewWriter(&buf)
	flush := func() error {
		if err := w.Flush(); err != nil {
			return err
		}
		if buf.Len() > 0 {
			view.Blocks = append(view.Blocks, block{HTML: template.HTML(buf.String())})
			buf = strings.Builder{}
		}
		return nil
	}
	r := s.md.Renderer()
	for n := c.doc.FirstChild(); n != nil; n = n.NextSibling() {
		if en, ok := n.(*exampleNode); ok && en.use != nil {
			if err := flush(); err != nil {
				return nil, err
			}
			view.Blocks = append(view.Blocks, block{Example: s.exampleView(en.use, results, highlighted)})
			continue
		}
		if err := r.Render(w, c.src, n); err != nil {
			return nil, fmt.Errorf("%s: %w", c.File, err)
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return view, nil
}

func (s *Site) exampleView(u *Use, results *Results, highlighted map[*Example][]template.HTML) *exampleView {
	e := u.Example
	lines, ok := highlighted[e]
	if !ok {
		lines = s.hl.Lines("go", e.Source)
		highlighted[e] = lines
	}
	v := &exampleView{ID: u.ID, Name: e.Name, File: e.File, Partial: len(u.Lines) != len(lines)}
	for i, n := range u.Lines {
		v.Lines = append(v.Lines, codeLine{N: n, Gap: i > 0 && n != u.Lines[i-1]+1, HTML: lines[n-1]})
	}
	if v.Partial {
		v.Source = string(e.Source)
	}
	v.Play, v.Divergence = "virtual", u.Directive.Divergence // wasm
	if u.Directive.Realtime {
		v.Play = "realtime"
	}
	if res := results.Result(u); res != nil && !u.Directive.HideOutput {
		v.Run = newRunView(u.Directive, res)
		if !u.Directive.HideDiagram && diagram.Shown(res.Trace) {
			// The diagram escapes what it draws.
			v.Run.Diagram = template.HTML(diagram.SVG(res.Trace, diagram.Options{ID: u.ID + "-diagram", Title: "Contexts and goroutines of " + e.Name}))
		}
	}
	return v
}

func newRunView(d *Directive, res *runner.Result) *runView {
	v := &runView{Realtime: res.Realtime, Isolation: res.Isolation.Describe()}
	if res.Err != nil && res.Err.Kind == runner.KindCompile {
		v.Compile = true
		v.Stderr = true
		v.Chunks = []chunk{{Stderr: true, Text: GoldenOutput(res)}}
		v.Badges = append(v.Badges, badge{"compile", "does not compile", "The program is meant not to compile"})
	} else {
		for _, c := range res.Output {
			v.Chunks = append(v.Chunks, chunk{Stderr: c.Stream == runner.Stderr, Text: c.Text})
			v.Stderr = v.Stderr || c.Stream == runner.Stderr
		}
		if !res.Realtime {
			v.Elapsed = res.Elapsed.String()
		}
	}
	switch {
	case res.Err != nil && res.Err.Kind == runner.KindPanic:
		v.Badges = append(v.Badges, badge{"panic", "panics", "The program panics, on purpose: exit status 2"})
	case res.ExitCode > 0:
		v.Badges = append(v.Badges, badge{"exit", fmt.Sprintf("exit status %d", res.ExitCode), "The program exits with a non-zero status, on purpose"})
	}
	if n := res.Leaked(); n > 0 {
		v.Badges = append(v.Badges, badge{"leak", "leaks " + english.Plural(n, "goroutine"), "Goroutines are still blocked when main returns, on purpose"})
		v.Leaks = res.Leaks
	}
	if d.Vet != "" {
		v.Badges = append(v.Badges, badge{"vet", "go vet: " + d.Vet, "go vet's " + d.Vet + " check reports this program"})
	}
	if res.Realtime {
		v.Badges = append(v.Badges, badge{"realtime", "real clock", "Ran on the real clock, not the virtual one"})
	}
	return v
}
