// Package site builds the static HTML site of a literate Go book whose
// examples are run, and whose output is verified, at every build.
//
// # Layout of a book
//
// A book is a directory, read as an [fs.FS]:
//
//	content/NN-slug.md        a chapter; chapters are read in the order of NN
//	content/...               any other file (an image): copied into the site as is
//	examples/NAME/main.go     an example: a gofmt-formatted program of package main
//	examples/NAME/output.txt  its golden file: the output the program must print
//
// A symbolic link may name another file of the book; one that leaves the
// book is an error, since what it names would be published.
//
// The site, written by [Write], is flat so that it also works from file://,
// and links only relatively:
//
//	index.html                the table of contents, with each chapter's summary
//	SLUG.html                 a chapter: content/04-values.md is values.html
//	404.html                  the page for a missing page
//	assets/...                stylesheets (one per theme) and a small script
//	examples/NAME/main.go     each example's program, which pages link to
//	go.mod                    keeps those copies out of an enclosing Go module
//
// # Chapters
//
// A chapter is UTF-8 text, which may start with a byte order mark; a byte
// that is not UTF-8, or a NUL, is an error at its line. It starts with
// front matter: "key: value" lines between two "---"
// lines. The keys are those of [FrontMatter], all of them required:
//
//	---
//	title: Values and keys
//	summary: Request-scoped data, and why it is not for parameters.
//	---
//
// A value may be quoted, as a Go string ("...") or in single quotes. Blank
// lines and lines starting with # are ignored. An unknown or repeated key is
// an error. The front matter is blanked out, not cut, so that the lines of
// the chapter keep their numbers in messages.
//
// The rest is GitHub-flavoured Markdown (tables, strikethrough, autolinks,
// task lists) with footnotes and raw HTML. Headings get ids from their text
// (## Cancelling early is #cancelling-early) and a "#" link to themselves;
// h2 and h3 make up the page's outline. Fenced code blocks are highlighted
// and not run. A link to another chapter's file (04-values.md#keys) becomes
// a link to its page (values.html#keys), and a link to
// ../examples/NAME/main.go one to the copy of the program in the site, so
// that links work both in the sources and in the site; a link to a chapter
// or example that does not exist is an error.
//
// # Examples
//
// A line
//
//	.example NAME [ADDRESS] [OPTION...]
//
// shows an example, runs it and checks it; its grammar is documented at
// [ParseDirective]. The page shows the selected lines of the program with
// their line numbers, a link to the whole program and a button copying it,
// and what it printed, stderr marked apart from stdout, with the virtual
// time it took and what the directive expected: an exit status, a panic,
// leaked goroutines (with where each is blocked and where it started) or
// compiler messages. Under the output, when the run recorded a trace, a
// diagram draws the tree of the contexts the program derived and a
// timeline of when the signal reached each one and of its goroutines (see
// [signalwire/diagram]), unless the directive says diagram=hide.
//
// The build fails, naming the directive's file and line, unless each
// example did exactly what its directive says: a failure it does not
// declare (a panic, a leak, an exit status, a compile error, a timeout), an
// expectation that did not happen, an undeclared difference between the
// yaegi interpreter and the compiled program, or output that differs from
// the golden file, shown as a diff.
//
// A golden file holds the combined stdout and stderr of the compiled program,
// exactly, or for an example that must not compile, the compiler's
// messages, one "main.go:LINE:COL: message" line each (see [GoldenOutput]).
// The check command writes them ("go run . check -update").
//
// # Stages
//
// [Site.Build] runs five stages, which the check command reuses:
// [Site.Load] reads and checks the book without running anything,
// [Site.Run] runs the examples in parallel, [Verify] compares what they did
// with their directives and golden files, [Site.Render] makes the files of
// the site, and [Write] puts them in place. Rendering is deterministic: the
// same book and results give the same bytes.
package site

import (
	"context"
	"html/template"
	"io"
	"io/fs"
	"sync"

	"github.com/yuin/goldmark"

	"signalwire/runner"
)

// DefaultTitle is the title of a site whose Title is empty.
const DefaultTitle = "The Signal Wire"

// Site builds a book into a site. Its zero value is ready to use; set the
// fields before the first call of a method. A Site may be used by several
// goroutines at once.
type Site struct {
	// Title is the book's title; DefaultTitle when empty.
	Title string
	// Runner runs the examples; a zero runner.Runner when nil.
	Runner *runner.Runner
	// Highlighter colours code; a zero Chroma when nil.
	Highlighter Highlighter
	// Progress receives progress reports while examples run, if it is a
	// terminal.
	Progress io.Writer
	// Workers is how many examples run at once; runtime.NumCPU() when 0.
	Workers int
	// Limits apply to every run: its GOMAXPROCS, Timeout, Budget,
	// OutputLimit and MemoryLimit; zero fields keep the runner's defaults.
	// The engine and the clock come from the directive.
	Limits runner.Options
	// Theme holds the templates/ and assets/ the pages are made with; the
	// ones built into the program when nil. The live preview reads them
	// from disk, so that editing them shows at once.
	Theme fs.FS
	// Engine builds the browser's interpreter engine, which the pages
	// load when a reader runs an example (see engine.go); without it the
	// pages offer no Run button.
	Engine EngineBuilder
	engineState

	mdOnce  sync.Once
	hl      Highlighter
	md      goldmark.Markdown
	once    sync.Once
	pages   map[string]*template.Template
	initErr error
}

// init prepares what rendering needs, once; a theme whose templates do not
// parse is an error of every render.
func (s *Site) init() error {
	s.once.Do(func() {
		s.markdown()
		s.pages, s.initErr = parseTemplates(s.theme())
	})
	return s.initErr
}

func (s *Site) theme() fs.FS {
	if s.Theme != nil {
		return s.Theme
	}
	return builtinTheme
}

// withTheme returns a Site like s, made anew so that it reads its theme
// again.
func (s *Site) withTheme() *Site {
	ns := &Site{
		Title: s.Title, Runner: s.Runner, Highlighter: s.Highlighter, Progress: s.Progress,
		Workers: s.Workers, Limits: s.Limits, Theme: s.Theme, Engine: s.Engine,
	}
	ns.engineFiles = s.engineAssets(nil) // wasm: the engine built stays (engine.go)
	return ns
}

// markdown returns the goldmark Markdown of the site, made once. Loading a
// book needs it, and not the templates, whose errors are Render's.
func (s *Site) markdown() goldmark.Markdown {
	s.mdOnce.Do(func() {
		s.hl = s.Highlighter
		if s.hl == nil {
			s.hl = &Chroma{}
		}
		s.md = newMarkdown(s.hl)
	})
	return s.md
}

func (s *Site) title() string {
	if s.Title == "" {
		return DefaultTitle
	}
	return s.Title
}

// Build loads the book in fsys, runs and verifies its examples, renders the
// site and writes it to dir. Any problem stops it before dir is touched.
func (s *Site) Build(ctx context.Context, fsys fs.FS, dir string) error {
	book, err := s.Load(fsys)
	if err != nil {
		return err
	}
	results, err := s.Run(ctx, book)
	if err != nil {
		return err
	}
	if err = Verify(book, results); err != nil {
		return err
	}
	files, err := s.Render(book, results)
	if err != nil {
		return err
	}
	return Write(dir, files)
}
