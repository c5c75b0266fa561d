// Package diagram draws the trace of a run (the contexts an example
// derived, when and why each was cancelled, and the goroutines it started,
// as the runner records them in a [harness.Trace]) as an SVG picture, and
// says in words what the picture shows.
//
// It depends on the standard library and the trace type alone, not on the
// site generator, goldmark or chroma, so that a program built for the
// browser (GOOS=js GOARCH=wasm) can draw the same diagram as the site does
// at build time.
package diagram

import "signalwire/runner/harness"

// Options are the options of [SVG].
type Options struct {
	// ID prefixes the ids of the SVG's title and description, which must
	// be unique in the page; "diagram" when empty.
	ID string
	// Title is the SVG's title, which screen readers announce;
	// DefaultTitle when empty.
	Title string
}

// DefaultTitle is the title of a diagram whose options give none.
const DefaultTitle = "Contexts and goroutines of the run"

// SVG draws a run's trace as inline SVG: the tree of contexts, each a row
// of a timeline in virtual time from the start of main to its end, with
// the goroutines the program started as lanes below them. It draws it
// twice, one SVG after the other: wide (class sw-wide), and narrow for
// phones (class sw-narrow, ids suffixed "-narrow"), with text larger
// relative to its width; the page's stylesheet shows one of them by the
// width of the screen.
//
// A context's node sits in a tree drawn at the left; its bar runs from when
// it was made to when its Done channel closed, or to the end if it never
// did, thinner for a context that cannot be cancelled by itself
// (Background, WithValue, ...). Where the signal reached it a marker says
// why: a cross for its cancel function, a diamond for its deadline, a dot
// with an arrow from the ancestor it came from, coloured like the signal
// where it started. A dashed line marks its own deadline. AfterFunc
// registrations hang under their context's bar: a hollow triangle when
// registered, filled when the function ran, a square when its stop
// function stopped it. A goroutine's lane runs from its go statement to
// its return; a leaked one runs to the end and is capped in red with what
// it was blocked on.
//
// Colours come from CSS classes (sw-*) that the site's stylesheets define
// for each theme. The SVG has a title and a description of the whole trace
// in words (see [Describe]) for screen readers. The same trace always
// gives the same bytes. The result is escaped, ready to be put in an HTML
// page as is. A nil or empty trace gives "".
func SVG(t *harness.Trace, opts Options) string {
	if t == nil || len(t.Contexts)+len(t.Goroutines) == 0 {
		return ""
	}
	m := newTraceModel(t)
	id := cleanID(opts.ID)
	title := opts.Title
	if title == "" {
		title = DefaultTitle
	}
	return m.draw(id, title, wideGeometry) + "\n" + m.draw(id+"-narrow", title, narrowGeometry)
}

// Describe says in words what the diagram of t shows, for screen
// readers: how long main ran, then each context in tree order with its
// parent and what cancelled it, then each goroutine and how it ended.
func Describe(t *harness.Trace) string {
	if t == nil || len(t.Contexts)+len(t.Goroutines) == 0 {
		return "Nothing was recorded."
	}
	return newTraceModel(t).describe()
}

// Limits of the diagram: a trace with more contexts or goroutines than
// this (a loop that derives a context a thousand times) is not drawn, since
// no reader could follow it.
const (
	maxContexts   = 40
	maxGoroutines = 40
)

// Shown reports whether a chapter page draws the diagram of t: it
// recorded something, and not too much.
func Shown(t *harness.Trace) bool {
	return t != nil && len(t.Contexts)+len(t.Goroutines) > 0 &&
		len(t.Contexts) <= maxContexts && len(t.Goroutines) <= maxGoroutines
}
