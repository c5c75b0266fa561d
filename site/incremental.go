package site

import (
	"context"
	"crypto/sha256"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"slices"

	"signalwire/runner"
)

// This file is what a live preview (package signalwire/preview) needs to
// keep a site in memory current while a book is edited: the results of
// the runs one at a time, and a render that re-renders only the pages
// whose inputs changed.

// RunKey names the run behind a use of an example. An example runs once
// per distinct set of runner options among its uses (see [Site.Run]); the
// uses with the same key share the run and its result.
type RunKey struct {
	Example  string // the example's name
	Realtime bool   // it runs on the real clock
}

// KeyOf returns the key of the run behind u.
func KeyOf(u *Use) RunKey {
	k := keyOf(u)
	return RunKey{Example: k.name, Realtime: k.realtime}
}

// Set records res as the result of the run named k, in place of any
// before. The zero Results is ready for it.
func (r *Results) Set(k RunKey, res *runner.Result) {
	if r.runs == nil {
		r.runs = map[runKey]*runner.Result{}
	}
	r.runs[runKey{name: k.Example, realtime: k.Realtime}] = res
}

// RunUse runs the example of u once, on engine, with the options and
// limits that [Site.Run] gives its run.
func (s *Site) RunUse(ctx context.Context, u *Use, engine runner.Engine) (*runner.Result, error) {
	r := s.Runner
	if r == nil {
		r = &runner.Runner{}
	}
	o := runOptions(u, s.Limits)
	o.Engine = engine
	return r.Run(ctx, u.Example.File, u.Example.Source, o)
}

// WithTheme returns a Site like s whose pages are made with the templates
// and assets of theme (nil for the built-in ones). The new Site reads them
// anew, so that a theme edited on disk shows.
func (s *Site) WithTheme(theme fs.FS) *Site {
	ns := s.withTheme()
	ns.Theme = theme
	return ns
}

// A Rendering is a site rendered into memory by [Site.Rerender], with what
// it was rendered from, so that the next render after a change makes only
// the pages whose inputs changed.
type Rendering struct {
	files  map[string][]byte
	global [sha256.Size]byte // what every page shows: the contents, the assets, ...
	pages  map[string]chapterInputs
	base   page // the page fields every page shares
	toc    []*tocEntry
}

// chapterInputs are what a chapter's page shows beyond what every page
// does.
type chapterInputs struct {
	print   [sha256.Size]byte // its text and its examples' sources
	results []*runner.Result  // its examples' results, in order; a result is never changed once made
}

func (c chapterInputs) equal(d chapterInputs) bool {
	return c.print == d.print && slices.Equal(c.results, d.results)
}

// Files returns the files of the site by path, as [Site.Render] makes
// them. They must not be changed.
func (r *Rendering) Files() map[string][]byte { return r.files }

// Rerender renders book with results as [Site.Render] does, re-rendering
// only the chapter pages whose text, examples' sources or results differ
// from prev's, and every page when prev is nil or what every page shows
// (the title, the contents, the files) changed; pass a nil prev after the
// theme changed. It returns the
// new rendering and the pages it rendered.
func (s *Site) Rerender(book *Book, results *Results, prev *Rendering) (*Rendering, []string, error) {
	if err := s.init(); err != nil {
		return nil, nil, err
	}
	global := globalPrint(s.title(), book)
	next := &Rendering{global: global, pages: map[string]chapterInputs{}}
	for _, c := range book.Chapters {
		in := chapterInputs{print: chapterPrint(c)}
		for _, u := range c.Uses {
			in.results = append(in.results, results.Result(u))
		}
		next.pages[c.Page()] = in
	}
	var changed []string
	if prev == nil || prev.global != global {
		files, err := s.Render(book, results)
		if err != nil {
			return nil, nil, err
		}
		next.files = files
		assets, err := s.staticAssets()
		if err != nil {
			return nil, nil, err
		}
		next.base, next.toc = s.basePage(book, assets)
		for _, c := range book.Chapters {
			changed = append(changed, c.Page())
		}
		return next, append(changed, "index.html", "404.html", "print.html"), nil
	}
	next.files = maps.Clone(prev.files)
	next.base, next.toc = prev.base, prev.toc
	for _, e := range book.Examples {
		next.files[e.File] = e.Source
	}
	highlighted := map[*Example][]template.HTML{}
	for i, c := range book.Chapters {
		if old, ok := prev.pages[c.Page()]; ok && next.pages[c.Page()].equal(old) {
			continue
		}
		b, err := s.renderChapter(next.base, next.toc, book, i, results, highlighted)
		if err != nil {
			return nil, nil, err
		}
		next.files[c.Page()] = b
		changed = append(changed, c.Page())
	}
	if len(changed) > 0 {
		// The search index and the whole-book page show every chapter.
		// The pages name the index with the hash of its first version;
		// the preview serves the new one under that name.
		idx, err := searchIndex(book)
		if err != nil {
			return nil, nil, err
		}
		next.files["assets/search-index.js"] = idx
		if next.files["print.html"], err = s.renderPrint(next.base, book, next.files); err != nil {
			return nil, nil, err
		}
		changed = append(changed, "print.html")
	}
	return next, changed, nil
}

// globalPrint is a fingerprint of what every page of the site shows, or
// what only a full render updates: the title, the contents, the number of
// examples, the files copied from content/ and the examples there are.
func globalPrint(title string, book *Book) [sha256.Size]byte {
	h := sha256.New()
	field := func(s string) { fmt.Fprintf(h, "%d:%s", len(s), s) }
	field(title)
	for _, c := range book.Chapters {
		field(c.Page())
		field(c.Meta.Title)
		field(c.Meta.Summary)
	}
	field(fmt.Sprint(len(book.Uses())))
	for _, name := range slices.Sorted(maps.Keys(book.Files)) {
		field(name)
		field(string(book.Files[name]))
	}
	for _, e := range book.Examples {
		field(e.Name)
	}
	return [sha256.Size]byte(h.Sum(nil))
}

// chapterPrint is a fingerprint of what a chapter's page shows beyond what
// globalPrint covers, less its examples' results: its text, and its
// examples and their sources.
func chapterPrint(c *Chapter) [sha256.Size]byte {
	h := sha256.New()
	field := func(s string) { fmt.Fprintf(h, "%d:%s", len(s), s) }
	field(c.File)
	field(string(c.src))
	for _, u := range c.Uses {
		field(u.ID)
		field(string(u.Example.Source))
	}
	return [sha256.Size]byte(h.Sum(nil))
}
