package diagram

import (
	"fmt"

	"signalwire/runner/harness"
)

// drawGoroutine draws a goroutine's lane from y and returns the y below it.
// A goroutine that returned because the context it waited on was
// cancelled gets an arrow from where the signal reached that context.
func (m *traceModel) drawGoroutine(d *drawing, g *harness.TraceGoroutine, y float64, barY map[*ctxNode]float64) float64 {
	x := dgRootX - 4
	label := []span{{"sw-label", goName(g)}}
	if g.Line > 0 {
		label = append(label, span{"sw-muted", fmt.Sprintf(" · line\u00a0%d", g.Line)})
	}
	class := "sw-muted"
	if g.Leaked {
		class = "sw-status sw-c-leak"
	}
	lines := d.lines(x, label, []span{{class, m.goStatus(g)}})
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
	if n := m.waited(g); n != nil {
		if top, ok := barY[n]; ok {
			x, bottom := d.x(*n.Done), by-7
			origin := n.origin()
			d.legend["woke"] = true
			d.el(layerEdges, "line", "class", "sw-flow sw-c-"+origin, "x1", num(x), "y1", num(top+6), "x2", num(x), "y2", num(bottom-3))
			d.el(layerEdges, "path", "class", "sw-fill sw-c-"+origin, "d", fmt.Sprintf("M%s %sl3.5 -5h-7z", num(x), num(bottom)))
		}
	}
	switch {
	case g.Ended != nil:
		e := d.x(*g.Ended)
		d.el(layerMarks, "line", "class", "sw-cap sw-c-go", "x1", num(e), "y1", num(by-6), "x2", num(e), "y2", num(by+6))
	case g.Leaked:
		d.legend["leak"] = true
		d.el(layerMarks, "rect", "class", "sw-fill sw-c-leak", "x", num(d.x1-2), "y", num(by-7), "width", "4", "height", "14")
	}
	d.rowTitle(by, fmt.Sprintf("%s: started at %s, %s", goName(g), fmtDuration(g.Started), m.goStatus(g)))
	return by + 12
}
