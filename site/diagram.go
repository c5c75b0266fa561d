package site

import (
	"cmp"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"signalwire/runner"
)

// DiagramOptions are the options of [Diagram].
type DiagramOptions struct {
	// ID prefixes the ids of the SVG's title and description, which must
	// be unique in the page; "diagram" when empty.
	ID string
	// Title is the SVG's title, which screen readers announce;
	// DefaultDiagramTitle when empty.
	Title string
}

// DefaultDiagramTitle is the title of a diagram whose options give none.
const DefaultDiagramTitle = "Contexts and goroutines of the run"

// The geometry of a diagram, in viewBox units. Text is monospace so that
// its width can be known without a font: a character is dgChar ems wide.
const (
	dgWidth    = 380.0 // the viewBox's width, unless the tree is deep
	dgMinScale = 0.75  // the smallest scale on a narrow screen, so text stays legible; below it the wrapper scrolls
	dgMaxScale = 1.1   // the largest on a wide one: labels as big as code
	dgFont     = 13.0  // labels
	dgSmall    = 11.5  // ticks, legend, notes
	dgChar     = 0.6   // width of a monospace character, in ems
	dgLine     = 16.0  // height of a line of labels
	dgRootX    = 12.0  // x of a root context's node
	dgIndent   = 14.0  // x between a context's node and its children's
	dgPadRight = 22.0  // right of the timeline, for the last tick's label
	dgTickGap  = 64.0  // least room between ticks
	dgAfterGap = 9.0   // y between the rows of AfterFunc markers
	dgMaxRows  = 60    // contexts and goroutines drawn; the rest are counted
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

// Diagram draws a run's trace as an inline SVG: the tree of contexts, each
// a row of a timeline in virtual time from the start of main to its end,
// with the goroutines the program started as lanes below them.
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
// in words (see [DescribeTrace]) for screen readers. The same trace always
// gives the same bytes. A nil or empty trace gives "".
func Diagram(t *runner.Trace, opts DiagramOptions) template.HTML {
	if t == nil || len(t.Contexts)+len(t.Goroutines) == 0 {
		return ""
	}
	m := newTraceModel(t)
	id := cleanID(opts.ID)
	title := opts.Title
	if title == "" {
		title = DefaultDiagramTitle
	}
	return template.HTML(m.draw(id, title))
}

// DescribeTrace says in words what the diagram of t shows, for screen
// readers: how long main ran, then each context in tree order with its
// parent and what cancelled it, then each goroutine and how it ended.
func DescribeTrace(t *runner.Trace) string {
	if t == nil || len(t.Contexts)+len(t.Goroutines) == 0 {
		return "Nothing was recorded."
	}
	return newTraceModel(t).describe()
}

// traceModel is a trace arranged for drawing.
type traceModel struct {
	end   runner.Duration
	ctxs  []*ctxNode // depth first, children in ID order
	gos   []runner.TraceGoroutine
	loose []runner.TraceAfterFunc // on contexts the trace does not have
}

// ctxNode is a context in the tree.
type ctxNode struct {
	runner.TraceContext
	parent   *ctxNode
	children []*ctxNode
	depth    int
	afs      []runner.TraceAfterFunc
}

func newTraceModel(t *runner.Trace) *traceModel {
	m := &traceModel{end: max(t.End, 0)}
	all := make([]*ctxNode, len(t.Contexts))
	for i, c := range t.Contexts {
		all[i] = &ctxNode{TraceContext: c}
	}
	slices.SortStableFunc(all, func(a, b *ctxNode) int { return cmp.Compare(a.ID, b.ID) })
	byID := map[int]*ctxNode{}
	for _, n := range all {
		if _, dup := byID[n.ID]; !dup && n.ID != 0 {
			byID[n.ID] = n
		}
	}
	for _, n := range all {
		if p := byID[n.Parent]; p != nil && p != n {
			n.parent = p
		}
	}
	// A trace from a recorder has no cycles; a hand-made one might. A
	// context whose ancestors lead back to it becomes a root.
	for _, n := range all {
		steps := 0
		for p := n.parent; p != nil && steps <= len(all); p = p.parent {
			if p == n {
				n.parent = nil
				break
			}
			steps++
		}
	}
	var walk func(n *ctxNode, depth int)
	walk = func(n *ctxNode, depth int) {
		n.depth = depth
		m.ctxs = append(m.ctxs, n)
		for _, c := range n.children {
			walk(c, depth+1)
		}
	}
	for _, n := range all {
		if n.parent != nil {
			n.parent.children = append(n.parent.children, n)
		}
	}
	for _, n := range all {
		if n.parent == nil {
			walk(n, 0)
		}
	}

	afs := slices.Clone(t.AfterFuncs)
	slices.SortStableFunc(afs, func(a, b runner.TraceAfterFunc) int {
		return cmp.Or(cmp.Compare(a.Registered, b.Registered), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Context, b.Context))
	})
	for _, af := range afs {
		if n := byID[af.Context]; n != nil {
			n.afs = append(n.afs, af)
		} else {
			m.loose = append(m.loose, af)
		}
	}
	m.gos = slices.Clone(t.Goroutines)
	slices.SortStableFunc(m.gos, func(a, b runner.TraceGoroutine) int { return cmp.Compare(a.ID, b.ID) })
	return m
}

// cancellable reports whether a context of kind can be cancelled by
// itself, rather than only through its parent.
func cancellable(kind string) bool {
	for _, p := range []string{"WithCancel", "WithTimeout", "WithDeadline", "NotifyContext"} {
		if strings.HasPrefix(kind, p) {
			return true
		}
	}
	return false
}

// ownDeadline returns the context's deadline if it set it, rather than
// inheriting an earlier one from its parent.
func (n *ctxNode) ownDeadline() (runner.Duration, bool) {
	if n.Deadline == nil || !strings.HasPrefix(n.Kind, "WithTimeout") && !strings.HasPrefix(n.Kind, "WithDeadline") {
		return 0, false
	}
	if p := n.parent; p != nil && p.Deadline != nil && *p.Deadline == *n.Deadline {
		return 0, false
	}
	return *n.Deadline, true
}

// name is what made the context: "WithTimeout 500ms", "WithValue
// main.userKey".
func (n *ctxNode) name() string {
	switch {
	case n.Kind == "external":
		return "context from outside"
	case n.Kind == "":
		return "context"
	case n.Kind == "WithValue" && n.Key != "":
		return "WithValue " + n.Key
	case strings.HasPrefix(n.Kind, "WithTimeout"), strings.HasPrefix(n.Kind, "WithDeadline"):
		d, own := n.ownDeadline()
		switch {
		case !own && n.Deadline != nil:
			return n.Kind + ", parent's deadline"
		case !own:
			return n.Kind
		case strings.HasPrefix(n.Kind, "WithTimeout"):
			return n.Kind + " " + fmtDuration(d-n.Created)
		case d <= n.Created:
			return n.Kind + " at " + fmtDuration(d) + " (past)"
		default:
			return n.Kind + " at " + fmtDuration(d)
		}
	}
	return n.Kind
}

// ref names the context in a sentence: "WithCancel (line 17)".
func (n *ctxNode) ref() string {
	if n.Line > 0 {
		return fmt.Sprintf("%s (line %d)", n.name(), n.Line)
	}
	return n.name()
}

// source is the ancestor the signal came from, for a context cancelled by
// its parent: the nearest one that was done by then.
func (n *ctxNode) source() *ctxNode {
	if n.Done == nil {
		return nil
	}
	for p := n.parent; p != nil; p = p.parent {
		if p.Done != nil && *p.Done <= *n.Done {
			return p
		}
	}
	return nil
}

// origin is why the signal that reached the context was sent, where it
// started: a context cancelled by its parent whose parent hit its deadline
// has origin "deadline".
func (n *ctxNode) origin() string {
	for n.Reason == "parent" {
		s := n.source()
		if s == nil {
			return "parent"
		}
		n = s
	}
	return reasonClass(n.Reason)
}

// reasonClass is the name of a Reason in CSS classes.
func reasonClass(reason string) string {
	switch reason {
	case "cancel", "deadline", "parent", "signal", "stop":
		return reason
	}
	return "other"
}

// status says what became of the context: "cancelled at 500ms by its
// deadline"; "" when there is nothing to say.
func (n *ctxNode) status() string {
	if n.Done == nil {
		if cancellable(n.Kind) {
			return "never cancelled"
		}
		return ""
	}
	at := fmtDuration(*n.Done)
	var s string
	switch n.Reason {
	case "cancel":
		s = "cancelled at " + at + " by its cancel function"
		if n.CancelLine > 0 {
			s = fmt.Sprintf("cancelled at %s by the call on line %d", at, n.CancelLine)
		}
	case "deadline":
		s = "cancelled at " + at + " by its deadline"
	case "parent":
		s = "cancelled at " + at + " by its parent"
	case "signal":
		s = "cancelled at " + at + " by a signal"
	case "stop":
		s = "stopped at " + at
	default:
		s = "done at " + at
	}
	return s
}

// cause is the context's cause, where it says more than its error.
func (n *ctxNode) cause() string {
	if n.Done == nil || n.Cause == "" || n.Cause == n.Err {
		return ""
	}
	return "cause: " + n.Cause
}

// goName names a goroutine by its function: "go main.worker".
func goName(g *runner.TraceGoroutine) string {
	if g.Func == "" {
		return "go func"
	}
	return "go " + g.Func
}

// goStatus says how a goroutine ended.
func goStatus(g *runner.TraceGoroutine) string {
	switch {
	case g.Ended != nil:
		return "returned at " + fmtDuration(*g.Ended)
	case g.Leaked && g.State != "":
		return "leaked: blocked on " + g.State
	case g.Leaked:
		return "leaked"
	}
	return "still running when main returned"
}

// afterFuncStatus says what became of an AfterFunc.
func afterFuncStatus(af *runner.TraceAfterFunc) string {
	s := "AfterFunc"
	if af.Line > 0 {
		s += fmt.Sprintf(" (line %d)", af.Line)
	}
	s += " registered at " + fmtDuration(af.Registered)
	switch {
	case af.Ran != nil:
		s += ", ran at " + fmtDuration(*af.Ran)
	case af.Stopped != nil:
		s += ", stopped at " + fmtDuration(*af.Stopped)
	default:
		s += ", never ran"
	}
	return s
}

func (m *traceModel) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "main ran for %s of virtual time.", fmtDuration(m.end))
	if len(m.ctxs) > 0 {
		fmt.Fprintf(&b, " %s: ", capitalize(plural(len(m.ctxs), "context")))
		for i, n := range m.ctxs {
			if i > 0 {
				b.WriteString("; ")
			}
			parts := []string{n.ref()}
			switch {
			case n.parent != nil:
				parts = append(parts, "derived from "+n.parent.ref())
			case n.Parent != 0:
				parts = append(parts, "derived from a context not recorded")
			}
			if n.Created > 0 {
				parts = append(parts, "made at "+fmtDuration(n.Created))
			}
			if d, ok := n.ownDeadline(); ok && n.Reason != "deadline" {
				s := "deadline at " + fmtDuration(d)
				if d > m.end {
					s += ", after main returned"
				}
				parts = append(parts, s)
			}
			parts = n.appendFacts(parts)
			b.WriteString(strings.Join(parts, ", "))
		}
		b.WriteString(".")
	}
	if len(m.loose) > 0 {
		for _, af := range m.loose {
			fmt.Fprintf(&b, " %s, on a context not recorded.", capitalize(afterFuncStatus(&af)))
		}
	}
	if len(m.gos) > 0 {
		fmt.Fprintf(&b, " %s: ", capitalize(plural(len(m.gos), "goroutine")))
		for i := range m.gos {
			g := &m.gos[i]
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(goName(g))
			if g.Line > 0 {
				fmt.Fprintf(&b, " (line %d)", g.Line)
			}
			fmt.Fprintf(&b, ", started at %s, %s", fmtDuration(g.Started), goStatus(g))
		}
		b.WriteString(".")
	}
	return b.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// fmtDuration writes d as Go does, without the zero units it adds after
// minutes and hours: "500ms", "1m", "1h30m".
func fmtDuration(d runner.Duration) string {
	s := time.Duration(d).String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// tickSteps are the steps an axis may take: 1, 2, 2.5 and 5 times a power
// of ten up to 50s, then round minutes and hours.
var tickSteps = func() []runner.Duration {
	var steps []runner.Duration
	for p := runner.Duration(1); p <= runner.Duration(10*time.Second); p *= 10 {
		steps = append(steps, p, 2*p)
		if p >= 10 {
			steps = append(steps, p*5/2)
		}
		steps = append(steps, 5*p)
	}
	for _, d := range []time.Duration{time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour} {
		steps = append(steps, runner.Duration(d))
	}
	return steps
}()

// ticks returns where an axis from 0 to span shows its times, at most
// maxTicks of them: a step that ends on span if one gives three ticks or
// more, else the smallest step that fits.
func ticks(span runner.Duration, maxTicks int) []runner.Duration {
	if span <= 0 {
		return []runner.Duration{0}
	}
	count := func(step runner.Duration) int64 { return int64(span/step) + 1 }
	var step runner.Duration
	for _, s := range tickSteps {
		if n := count(s); n <= int64(maxTicks) && n >= 3 && span%s == 0 {
			step = s
			break
		}
	}
	if step == 0 {
		for _, s := range tickSteps {
			if count(s) <= int64(maxTicks) {
				step = s
				break
			}
		}
	}
	if step == 0 { // longer than the steps go: days
		step = tickSteps[len(tickSteps)-1]
		for count(step) > int64(maxTicks) {
			step *= 2
		}
	}
	var out []runner.Duration
	for t := runner.Duration(0); t <= span; t += step {
		out = append(out, t)
	}
	return out
}

// drawing is an SVG being written, in layers.
type drawing struct {
	layers [layerCount]strings.Builder
	w      float64 // the viewBox's width
	x0, x1 float64 // the timeline's ends
	span   runner.Duration
	legend map[string]bool // what the legend must explain
}

// x is where time t is on the timeline.
func (d *drawing) x(t runner.Duration) float64 {
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
// fits, after a separator, else on a line of its own, cut to fit.
func (d *drawing) lines(x float64, label []span, more ...[]span) [][]span {
	room := int((d.w - x - 2) / (dgFont * dgChar))
	width := func(ss []span) int {
		n := 0
		for _, s := range ss {
			n += utf8.RuneCountInString(s.text)
		}
		return n
	}
	out := [][]span{label}
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
		out = append(out, piece)
	}
	for i := range out {
		out[i] = cut(out[i], room)
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
func (m *traceModel) draw(id, title string) string {
	maxDepth := 0
	for _, n := range m.ctxs {
		maxDepth = max(maxDepth, n.depth)
	}
	d := &drawing{span: m.end, legend: map[string]bool{}}
	d.x0 = dgRootX + float64(maxDepth)*dgIndent + 12
	d.w = max(dgWidth, d.x0+260+dgPadRight)
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
		d.text(dgRootX-4, y+11, dgSmall, "", span{"sw-muted", fmt.Sprintf("… and %s more, not drawn", plural(more, "context"))})
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
		y = m.drawGoroutine(d, &m.gos[i], y)
	}
	if more := len(m.gos) - drawn; more > 0 {
		d.text(dgRootX-4, y+11, dgSmall, "", span{"sw-muted", fmt.Sprintf("… and %s more, not drawn", plural(more, "goroutine"))})
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
	d.text(d.x1, y+13, dgSmall, "end", span{"sw-muted", end})
	y += dgLine + 4
	y = d.drawLegend(y)

	var b strings.Builder
	h := math.Ceil(y)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="sw-diagram" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-labelledby="%s-title %s-desc" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" style="min-width:%spx;max-width:%spx">`+"\n",
		num(d.w), num(h), num(d.w), num(h), id, id, num(d.w*dgMinScale), num(d.w*dgMaxScale))
	fmt.Fprintf(&b, "<title id=\"%s-title\">%s</title>\n", id, xmlEscape(title))
	fmt.Fprintf(&b, "<desc id=\"%s-desc\">%s</desc>\n", id, xmlEscape(m.describe()))
	for i := range d.layers {
		b.WriteString(d.layers[i].String())
	}
	b.WriteString("</svg>")
	return b.String()
}

// drawContext draws a context's row from y and returns the y below it.
func (m *traceModel) drawContext(d *drawing, n *ctxNode, y float64, barY map[*ctxNode]float64) float64 {
	nx := dgRootX + float64(n.depth)*dgIndent
	label := []span{{"sw-label", n.name()}}
	if n.Line > 0 {
		label = append(label, span{"sw-muted", fmt.Sprintf(" · line %d", n.Line)})
	}
	var status, cause []span
	if s := n.status(); s != "" {
		class := "sw-muted"
		if n.Done != nil {
			class = "sw-status sw-c-" + n.origin()
		}
		status = []span{{class, s}}
	}
	if s := n.cause(); s != "" {
		cause = []span{{"sw-status sw-c-" + n.origin(), s}}
	}
	lines := d.lines(nx-4, label, status, cause)
	for i, l := range lines {
		d.text(nx-4, y+12+float64(i)*dgLine, dgFont, "", l...)
	}
	by := y + float64(len(lines))*dgLine + 6
	barY[n] = by

	// The tree: an edge from the parent's node, the node, and a dotted
	// leader to when the context was made.
	if p := n.parent; p != nil {
		px := dgRootX + float64(p.depth)*dgIndent
		d.el(layerEdges, "path", "class", "sw-edge", "d", fmt.Sprintf("M%s %sV%sH%s", num(px), num(barY[p]+4), num(by), num(nx-4)))
	}
	start := d.x(n.Created)
	d.el(layerEdges, "line", "class", "sw-leader", "x1", num(nx+4), "y1", num(by), "x2", num(start), "y2", num(by))
	d.el(layerMarks, "circle", "class", "sw-node", "cx", num(nx), "cy", num(by), "r", "3.5")

	// The bar, while the context was not done.
	stop := d.span
	if n.Done != nil {
		stop = *n.Done
	}
	bar, h := "sw-bar sw-c-ctx", 8.0
	if !cancellable(n.Kind) {
		bar, h = "sw-bar sw-thin sw-c-ctx", 4.0
	}
	d.legend["ctx"] = true
	d.el(layerBars, "rect", "class", bar, "x", num(start), "y", num(by-h/2), "width", num(max(d.x(stop)-start, 2)), "height", num(h), "rx", num(h/4))

	if dl, ok := n.ownDeadline(); ok {
		if dl <= d.span {
			d.legend["deadline-line"] = true
			x := d.x(dl)
			d.el(layerBars, "line", "class", "sw-dl sw-c-deadline", "x1", num(x), "y1", num(by-9), "x2", num(x), "y2", num(by+9))
		} else { // after the end: an arrow pointing at it
			d.legend["deadline-after"] = true
			x := d.x(d.span) + 6
			d.el(layerMarks, "path", "class", "sw-fill sw-c-deadline", "d", fmt.Sprintf("M%s %sl5 4l-5 4z", num(x), num(by-4)))
		}
	}

	if n.Done != nil {
		x := d.x(*n.Done)
		origin := n.origin()
		if n.Reason == "parent" {
			if s := n.source(); s != nil {
				d.legend["flow"] = true
				top, bottom := barY[s]+6, by-6
				if bottom > top {
					d.el(layerEdges, "line", "class", "sw-flow sw-c-"+origin, "x1", num(x), "y1", num(top), "x2", num(x), "y2", num(bottom-3))
					d.el(layerEdges, "path", "class", "sw-fill sw-c-"+origin, "d", fmt.Sprintf("M%s %sl3.5 -5h-7z", num(x), num(bottom)))
				}
			}
		}
		d.legend[reasonClass(n.Reason)] = true
		mark(d, layerMarks, reasonClass(n.Reason), origin, x, by)
	}

	bottom := by + 6
	for i, af := range n.afs {
		d.legend["afterfunc"] = true
		ay := by + 11 + float64(i)*dgAfterGap
		x0 := d.x(af.Registered)
		endAt := d.span
		switch {
		case af.Ran != nil:
			endAt = *af.Ran
		case af.Stopped != nil:
			endAt = *af.Stopped
		}
		x1 := d.x(endAt)
		if x1 > x0 {
			d.el(layerEdges, "line", "class", "sw-afline sw-c-af", "x1", num(x0), "y1", num(ay), "x2", num(x1), "y2", num(ay))
		}
		d.el(layerMarks, "path", "class", "sw-hollow sw-c-af", "d", triangle(x0, ay, 3.5))
		switch {
		case af.Ran != nil:
			d.el(layerMarks, "path", "class", "sw-fill sw-c-af", "d", triangle(x1, ay, 4))
		case af.Stopped != nil:
			d.legend["afterfunc-stop"] = true
			d.el(layerMarks, "rect", "class", "sw-fill sw-c-af", "x", num(x1-3), "y", num(ay-3), "width", "6", "height", "6")
		}
		bottom = ay + 4
	}
	d.rowTitle(by, n.ref()+": "+m.rowDescription(n))
	return bottom + 6
}

// rowDescription is what a row's tooltip says beyond its label.
func (m *traceModel) rowDescription(n *ctxNode) string {
	return strings.Join(n.appendFacts([]string{"made at " + fmtDuration(n.Created)}), ", ")
}

// appendFacts appends what happened to the context: how it ended, its
// cause, and its AfterFuncs.
func (n *ctxNode) appendFacts(parts []string) []string {
	if s := n.status(); s != "" {
		parts = append(parts, s)
	}
	if s := n.cause(); s != "" {
		parts = append(parts, s)
	}
	for _, af := range n.afs {
		parts = append(parts, afterFuncStatus(&af))
	}
	return parts
}

// rowTitle gives the row around y a tooltip: a transparent band with a
// title.
func (d *drawing) rowTitle(y float64, title string) {
	fmt.Fprintf(&d.layers[layerText], "<rect class=\"sw-hit\" fill-opacity=\"0\" x=\"0\" y=\"%s\" width=\"%s\" height=\"16\"><title>%s</title></rect>\n",
		num(y-8), num(d.w), xmlEscape(title))
}

// drawGoroutine draws a goroutine's lane from y and returns the y below it.
func (m *traceModel) drawGoroutine(d *drawing, g *runner.TraceGoroutine, y float64) float64 {
	x := dgRootX - 4
	label := []span{{"sw-label", goName(g)}}
	if g.Line > 0 {
		label = append(label, span{"sw-muted", fmt.Sprintf(" · line %d", g.Line)})
	}
	class := "sw-muted"
	if g.Leaked {
		class = "sw-status sw-c-leak"
	}
	lines := d.lines(x, label, []span{{class, goStatus(g)}})
	for i, l := range lines {
		d.text(x, y+12+float64(i)*dgLine, dgFont, "", l...)
	}
	by := y + float64(len(lines))*dgLine + 6
	start := d.x(g.Started)
	stop := d.span
	if g.Ended != nil {
		stop = *g.Ended
	}
	d.legend["go"] = true
	d.el(layerBars, "rect", "class", "sw-bar sw-c-go", "x", num(start), "y", num(by-3), "width", num(max(d.x(stop)-start, 2)), "height", "6", "rx", "1.5")
	switch {
	case g.Ended != nil:
		e := d.x(*g.Ended)
		d.el(layerMarks, "line", "class", "sw-cap sw-c-go", "x1", num(e), "y1", num(by-6), "x2", num(e), "y2", num(by+6))
	case g.Leaked:
		d.legend["leak"] = true
		d.el(layerMarks, "rect", "class", "sw-fill sw-c-leak", "x", num(d.x1-2), "y", num(by-7), "width", "4", "height", "14")
	}
	d.rowTitle(by, fmt.Sprintf("%s: started at %s, %s", goName(g), fmtDuration(g.Started), goStatus(g)))
	return by + 12
}

// mark draws the marker of where a signal reached a context, shaped by
// why and coloured by where the signal started.
func mark(d *drawing, layer int, reason, origin string, x, y float64) {
	c := "sw-c-" + origin
	switch reason {
	case "cancel":
		p := fmt.Sprintf("M%s %sl8 8m0 -8l-8 8", num(x-4), num(y-4))
		d.el(layer, "path", "class", "sw-halo", "d", p)
		d.el(layer, "path", "class", "sw-cross "+c, "d", p)
	case "deadline":
		d.el(layer, "path", "class", "sw-mark "+c, "d", fmt.Sprintf("M%s %sl5.5 5.5l-5.5 5.5l-5.5 -5.5z", num(x), num(y-5.5)))
	case "parent":
		d.el(layer, "circle", "class", "sw-mark "+c, "cx", num(x), "cy", num(y), "r", "4.5")
	case "signal":
		d.el(layer, "path", "class", "sw-mark "+c, "d", fmt.Sprintf("M%s %sl5 9h-10z", num(x), num(y-5.5)))
	case "stop":
		d.el(layer, "rect", "class", "sw-mark "+c, "x", num(x-4), "y", num(y-4), "width", "8", "height", "8")
	default:
		d.el(layer, "circle", "class", "sw-hollow "+c, "cx", num(x), "cy", num(y), "r", "4")
	}
}

// triangle is the path of an upward triangle centred on x, y.
func triangle(x, y, r float64) string {
	return fmt.Sprintf("M%s %sl%s %sh%sz", num(x), num(y-r), num(r), num(2*r), num(-2*r))
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
		case "flow":
			d.el(layerEdges, "line", "class", "sw-flow sw-c-parent", "x1", num(gx), "y1", num(gy-7), "x2", num(gx), "y2", num(gy))
			d.el(layerEdges, "path", "class", "sw-fill sw-c-parent", "d", fmt.Sprintf("M%s %sl3.5 -5h-7z", num(gx), num(gy+3)))
			mark(d, layerMarks, "parent", "parent", gx, gy+7)
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

// Limits of the diagram: a trace with more contexts or goroutines than
// this (a loop that derives a context a thousand times) is not drawn, since
// no reader could follow it.
const (
	maxDiagramContexts   = 40
	maxDiagramGoroutines = 40
)

// DiagramShown reports whether a chapter page draws the diagram of t: it
// recorded something, and not too much.
func DiagramShown(t *runner.Trace) bool {
	return t != nil && len(t.Contexts)+len(t.Goroutines) > 0 &&
		len(t.Contexts) <= maxDiagramContexts && len(t.Goroutines) <= maxDiagramGoroutines
}
