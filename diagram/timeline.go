package diagram

import (
	"fmt"
	"strings"
	"time"

	"signalwire/runner/harness"
)

func fmtDuration(d harness.Duration) string {
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
var tickSteps = func() []harness.Duration {
	var steps []harness.Duration
	for p := harness.Duration(1); p <= harness.Duration(10*time.Second); p *= 10 {
		steps = append(steps, p, 2*p)
		if p >= 10 {
			steps = append(steps, p*5/2)
		}
		steps = append(steps, 5*p)
	}
	for _, d := range []time.Duration{time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour} {
		steps = append(steps, harness.Duration(d))
	}
	return steps
}()

// ticks returns where an axis from 0 to span shows its times, at most
// maxTicks of them: a step that ends on span if one gives three ticks or
// more, else the smallest step that fits.
func ticks(span harness.Duration, maxTicks int) []harness.Duration {
	if span <= 0 {
		return []harness.Duration{0}
	}
	count := func(step harness.Duration) int64 { return int64(span/step) + 1 }
	var step harness.Duration
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
	var out []harness.Duration
	for t := harness.Duration(0); t <= span; t += step {
		out = append(out, t)
	}
	return out
}

// drawing is an SVG being written, in layers.

func (m *traceModel) drawContext(d *drawing, n *ctxNode, y float64, barY map[*ctxNode]float64) float64 {
	nx := dgRootX + float64(n.depth)*dgIndent
	label := []span{{"sw-label", n.name()}}
	if n.Name != "" { // the variable, then what made it
		label = []span{{"sw-label", n.Name}, {"sw-muted", " · " + n.name()}}
	}
	if n.Line > 0 {
		label = append(label, span{"sw-muted", fmt.Sprintf(" · line\u00a0%d", n.Line)})
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
