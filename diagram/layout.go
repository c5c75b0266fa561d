package diagram

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"signalwire/internal/english"
	"signalwire/runner/harness"
)

// The geometry of a diagram, in viewBox units. Text is monospace so that
// its width can be known without a font: a character is dgChar ems wide.
const (
	dgFont     = 13.0 // labels
	dgSmall    = 11.5 // ticks, legend, notes
	dgChar     = 0.6  // width of a monospace character, in ems
	dgLine     = 16.0 // height of a line of labels
	dgRootX    = 12.0 // x of a root context's node
	dgIndent   = 14.0 // x between a context's node and its children's
	dgPadRight = 22.0 // right of the timeline, for the last tick's label
	dgTickGap  = 64.0 // least room between ticks
	dgAfterGap = 9.0  // y between the rows of AfterFunc markers
	dgMaxRows  = 60   // contexts and goroutines drawn; the rest are counted
)

// geometry is the shape of one of a diagram's two drawings.
type geometry struct {
	class    string  // the SVG's class, which the stylesheet shows or hides
	width    float64 // the viewBox's width, unless the tree is deep
	timeline float64 // the least width of the timeline
	minScale float64 // the smallest scale, so text stays legible; below it the wrapper scrolls
	maxScale float64 // the largest: labels as big as code
}

// The two drawings of a diagram: a wide one, and a narrow one for phones,
// whose text is as large relative to its width as a phone needs (13 units
// in 290: 12px at 320px, 14px at 390px). The site's stylesheet shows one
// of them by the width of the screen (sw-wide, sw-narrow).
var (
	wideGeometry   = geometry{class: "sw-wide", width: 560, timeline: 300, minScale: 0.75, maxScale: 1.1}
	narrowGeometry = geometry{class: "sw-narrow", width: 290, timeline: 170, minScale: 0.9, maxScale: 1.15}
)

// The layers of a drawing, bottom to top.
const (
	layerGrid = iota
	layerEdges
	layerBars
	layerMarks
	layerText
	layerCount
)

type drawing struct {
	layers [layerCount]strings.Builder
	w      float64 // the viewBox's width
	x0, x1 float64 // the timeline's ends
	span   harness.Duration
	legend map[string]bool // what the legend must explain
}

// x is where time t is on the timeline.
func (d *drawing) x(t harness.Duration) float64 {
	if d.span <= 0 {
		return d.x0
	}
	t = min(max(t, 0), d.span)
	return d.x0 + float64(t)/float64(d.span)*(d.x1-d.x0)
}

// el writes an empty element to layer; attrs alternate names and values.
func (d *drawing) el(layer int, name string, attrs ...string) {
	b := &d.layers[layer]
	b.WriteString("<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		b.WriteString(" " + attrs[i] + `="` + xmlEscape(attrs[i+1]) + `"`)
	}
	b.WriteString("/>\n")
}

// span is a piece of a line of text with its class.
type span struct{ class, text string }

// text writes a line of text made of spans.
func (d *drawing) text(x, y, size float64, anchor string, spans ...span) {
	b := &d.layers[layerText]
	fmt.Fprintf(b, `<text x="%s" y="%s" font-size="%s"`, num(x), num(y), num(size))
	if anchor != "" {
		fmt.Fprintf(b, ` text-anchor="%s"`, anchor)
	}
	b.WriteString(">")
	for _, s := range spans {
		if s.class == "" {
			b.WriteString(xmlEscape(s.text))
			continue
		}
		fmt.Fprintf(b, `<tspan class="%s">%s</tspan>`, s.class, xmlEscape(s.text))
	}
	b.WriteString("</text>\n")
}

// lines lays out the pieces of a row's text from x: a label, then what
// became of it, then its cause. A piece goes on the line before it if it
// fits, after a separator, else on lines of its own, wrapped between
// words (a word longer than a line is cut).
func (d *drawing) lines(x float64, label []span, more ...[]span) [][]span {
	room := int((d.w - x - 2) / (dgFont * dgChar))
	out := wrap(label, room)
	for i, piece := range more {
		if len(piece) == 0 {
			continue
		}
		sep := span{"sw-muted", " — "}
		if i > 0 {
			sep = span{"sw-muted", "; "}
		}
		last := &out[len(out)-1]
		if width(*last)+width([]span{sep})+width(piece) <= room {
			*last = append(append(slices.Clone(*last), sep), piece...)
			continue
		}
		out = append(out, wrap(piece, room)...)
	}
	return out
}

// width is the number of characters of spans.
func width(ss []span) int {
	n := 0
	for _, s := range ss {
		n += utf8.RuneCountInString(s.text)
	}
	return n
}

// wrap breaks spans into lines of at most room characters, between words.
func wrap(ss []span, room int) [][]span {
	var out [][]span
	var line []span
	n := 0
	add := func(class, word string) {
		if len(line) > 0 && line[len(line)-1].class == class {
			line[len(line)-1].text += word
		} else {
			line = append(line, span{class, word})
		}
		n += utf8.RuneCountInString(word)
	}
	flush := func() {
		if len(line) == 0 {
			return
		}
		last := &line[len(line)-1]
		last.text = strings.TrimRight(last.text, " ")
		out = append(out, cut(line, room))
		line, n = nil, 0
	}
	for _, s := range ss {
		for _, word := range strings.SplitAfter(s.text, " ") {
			if word == "" {
				continue
			}
			w := utf8.RuneCountInString(strings.TrimRight(word, " "))
			if n > 0 && n+w > room {
				flush()
				word = strings.TrimLeft(word, " ")
			}
			add(s.class, word)
		}
	}
	flush()
	if len(out) == 0 {
		out = [][]span{nil}
	}
	return out
}

// cut shortens spans to n characters, ending with an ellipsis.
func cut(ss []span, n int) []span {
	var out []span
	for _, s := range ss {
		r := utf8.RuneCountInString(s.text)
		if r <= n {
			out = append(out, s)
			n -= r
			continue
		}
		if n > 1 {
			out = append(out, span{s.class, string([]rune(s.text)[:n-1]) + "…"})
		} else if len(out) > 0 {
			last := &out[len(out)-1]
			rs := []rune(last.text)
			last.text = string(rs[:len(rs)-1]) + "…"
		}
		break
	}
	return out
}

// draw writes the SVG.
func (m *traceModel) draw(id, title string, g geometry) string {
	maxDepth := 0
	for _, n := range m.ctxs {
		maxDepth = max(maxDepth, n.depth)
	}
	d := &drawing{span: m.end, legend: map[string]bool{}}
	d.x0 = dgRootX + float64(maxDepth)*dgIndent + 12
	d.w = max(g.width, d.x0+g.timeline+dgPadRight)
	d.x1 = d.w - dgPadRight

	// The axis.
	const axisY = 18.0
	ts := ticks(d.span, max(2, int((d.x1-d.x0)/dgTickGap)+1))
	if d.span > 0 {
		d.el(layerGrid, "line", "class", "sw-axis", "x1", num(d.x0), "y1", num(axisY), "x2", num(d.x1), "y2", num(axisY))
	}
	for _, t := range ts {
		x := d.x(t)
		label := fmtDuration(t)
		if t == 0 {
			label = "0"
		}
		d.el(layerGrid, "line", "class", "sw-axis", "x1", num(x), "y1", num(axisY), "x2", num(x), "y2", num(axisY+4))
		d.text(x, axisY-6, dgSmall, "middle", span{"sw-muted", label})
	}

	y := axisY + 12
	rows := 0
	barY := map[*ctxNode]float64{}
	for _, n := range m.ctxs {
		if rows == dgMaxRows {
			break
		}
		rows++
		y = m.drawContext(d, n, y, barY)
	}
	if more := len(m.ctxs) - rows; more > 0 {
		d.text(dgRootX-4, y+11, dgSmall, "", span{"sw-muted", fmt.Sprintf("… and %s more, not drawn", english.Plural(more, "context"))})
		y += dgLine + 4
	}
	if len(m.gos) > 0 {
		d.el(layerGrid, "line", "class", "sw-rule", "x1", num(dgRootX-4), "y1", num(y), "x2", num(d.x1), "y2", num(y))
		d.text(dgRootX-4, y+13, dgSmall, "", span{"sw-muted", "goroutines"})
		y += dgLine + 2
	}
	drawn := 0
	for i := range m.gos {
		if rows == dgMaxRows {
			break
		}
		rows++
		drawn++
		y = m.drawGoroutine(d, &m.gos[i], y, barY)
	}
	if more := len(m.gos) - drawn; more > 0 {
		d.text(dgRootX-4, y+11, dgSmall, "", span{"sw-muted", fmt.Sprintf("… and %s more, not drawn", english.Plural(more, "goroutine"))})
		y += dgLine + 4
	}

	// Ticks run down the rows; the end is dashed.
	for _, t := range ts[1:] {
		x := d.x(t)
		if x < d.x1-0.5 {
			d.el(layerGrid, "line", "class", "sw-grid", "x1", num(x), "y1", num(axisY), "x2", num(x), "y2", num(y))
		}
	}
	end := "main returned at " + fmtDuration(m.end)
	if d.span > 0 {
		d.el(layerGrid, "line", "class", "sw-end", "x1", num(d.x1), "y1", num(axisY), "x2", num(d.x1), "y2", num(y))
	} else {
		end += ": no virtual time passed"
	}
	if float64(utf8.RuneCountInString(end))*dgSmall*dgChar > d.x1-dgRootX {
		// Too long for the line: the reason goes on the next.
		first, second, _ := strings.Cut(end, ": ")
		d.text(dgRootX-4, y+13, dgSmall, "", span{"sw-muted", first + ":"})
		y += dgLine
		d.text(dgRootX-4, y+13, dgSmall, "", span{"sw-muted", second})
	} else {
		d.text(d.x1, y+13, dgSmall, "end", span{"sw-muted", end})
	}
	y += dgLine + 4
	y = d.drawLegend(y)

	var b strings.Builder
	h := math.Ceil(y)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="sw-diagram %s" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-labelledby="%s-title %s-desc" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" style="min-width:%spx;max-width:%spx">`+"\n",
		g.class, num(d.w), num(h), num(d.w), num(h), id, id, num(d.w*g.minScale), num(d.w*g.maxScale))
	fmt.Fprintf(&b, "<title id=\"%s-title\">%s</title>\n", id, xmlEscape(title))
	fmt.Fprintf(&b, "<desc id=\"%s-desc\">%s</desc>\n", id, xmlEscape(m.describe()))
	for i := range d.layers {
		b.WriteString(d.layers[i].String())
	}
	b.WriteString("</svg>")
	return b.String()
}

// drawContext draws a context's row from y and returns the y below it.

// rowTitle gives the row around y a tooltip: a transparent band with a
// title.
func (d *drawing) rowTitle(y float64, title string) {
	fmt.Fprintf(&d.layers[layerText], "<rect class=\"sw-hit\" fill-opacity=\"0\" x=\"0\" y=\"%s\" width=\"%s\" height=\"16\"><title>%s</title></rect>\n",
		num(y-8), num(d.w), xmlEscape(title))
}

// legendItems are the entries of the legend, in order: a key of
// drawing.legend and the words.
var legendItems = []struct{ key, words string }{
	{"ctx", "context"},
	{"go", "goroutine"},
	{"cancel", "cancel called"},
	{"deadline-line", "deadline"},
	{"deadline-after", "deadline after the end"},
	{"deadline", "deadline passed"},
	{"flow", "passed to a child"},
	{"woke", "ended a goroutine waiting on Done"},
	{"parent", "cancelled by its parent"},
	{"signal", "signal"},
	{"stop", "stopped"},
	{"other", "done"},
	{"afterfunc", "AfterFunc registered, ran"},
	{"afterfunc-stop", "AfterFunc stopped"},
	{"leak", "leaked"},
}

// drawLegend explains the marks the drawing used, in rows that wrap, from
// y, and returns the y below it.
func (d *drawing) drawLegend(y float64) float64 {
	x := dgRootX - 4
	y += 4
	for _, it := range legendItems {
		if !d.legend[it.key] || it.key == "parent" && d.legend["flow"] {
			continue
		}
		w := 18 + float64(utf8.RuneCountInString(it.words))*dgSmall*dgChar + 14
		if x > dgRootX && x+w > d.w {
			x = dgRootX - 4
			y += dgLine
		}
		gx, gy := x+6, y
		switch it.key {
		case "ctx":
			d.el(layerBars, "rect", "class", "sw-bar sw-c-ctx", "x", num(gx-6), "y", num(gy-4), "width", "14", "height", "8", "rx", "2")
		case "go":
			d.el(layerBars, "rect", "class", "sw-bar sw-c-go", "x", num(gx-6), "y", num(gy-3), "width", "14", "height", "6", "rx", "1.5")
		case "deadline-after":
			d.el(layerMarks, "path", "class", "sw-fill sw-c-deadline", "d", fmt.Sprintf("M%s %sl5 4l-5 4z", num(gx-2), num(gy-4)))
		case "deadline-line":
			d.el(layerBars, "line", "class", "sw-dl sw-c-deadline", "x1", num(gx), "y1", num(gy-7), "x2", num(gx), "y2", num(gy+7))
		case "flow", "woke":
			d.el(layerEdges, "line", "class", "sw-flow sw-c-parent", "x1", num(gx), "y1", num(gy-7), "x2", num(gx), "y2", num(gy))
			d.el(layerEdges, "path", "class", "sw-fill sw-c-parent", "d", fmt.Sprintf("M%s %sl3.5 -5h-7z", num(gx), num(gy+3)))
			if it.key == "flow" {
				mark(d, layerMarks, "parent", "parent", gx, gy+7)
			} else {
				d.el(layerBars, "rect", "class", "sw-bar sw-c-go", "x", num(gx-6), "y", num(gy+4), "width", "14", "height", "6", "rx", "1.5")
			}
		case "afterfunc":
			d.el(layerMarks, "path", "class", "sw-hollow sw-c-af", "d", triangle(gx-3, gy, 3.5))
			d.el(layerMarks, "path", "class", "sw-fill sw-c-af", "d", triangle(gx+5, gy, 4))
		case "afterfunc-stop":
			d.el(layerMarks, "rect", "class", "sw-fill sw-c-af", "x", num(gx-3), "y", num(gy-3), "width", "6", "height", "6")
		case "leak":
			d.el(layerMarks, "rect", "class", "sw-fill sw-c-leak", "x", num(gx-2), "y", num(gy-7), "width", "4", "height", "14")
		default:
			mark(d, layerMarks, it.key, it.key, gx, gy)
		}
		d.text(x+18, y+4, dgSmall, "", span{"sw-muted", it.words})
		x += w
	}
	return y + 12
}

// num formats a coordinate with at most one decimal, the same way every
// time.
func num(f float64) string {
	s := strconv.FormatFloat(math.Round(f*10)/10, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		return "0"
	}
	return s
}

// cleanID keeps the characters of id that are safe in an XML id.
func cleanID(id string) string {
	var b strings.Builder
	for _, r := range id {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		}
	}
	s := b.String()
	if s == "" || s[0] < 'A' || s[0] > 'Z' && s[0] < 'a' || s[0] > 'z' {
		return "diagram" + s
	}
	return s
}

// xmlEscape escapes s for XML text and attributes, replacing what XML
// cannot hold (invalid UTF-8, control characters) with U+FFFD.
func xmlEscape(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			b.WriteRune('\uFFFD')
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0xFFFE, r == 0xFFFF:
			b.WriteRune('\uFFFD')
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '&':
			b.WriteString("&amp;")
		case r == '"':
			b.WriteString("&#34;")
		case r == '\'':
			b.WriteString("&#39;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
