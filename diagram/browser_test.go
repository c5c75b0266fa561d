//go:build !js

package diagram_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chromedp/chromedp"

	"signalwire/diagram"
	"signalwire/internal/browser"
	"signalwire/runner"
	"signalwire/site"
)

// diagramBook is a book of one chapter, diagrams.html, with body, and the
// given programs, which print nothing.
func diagramBook(programs map[string]string, body string) fstest.MapFS {
	fsys := fstest.MapFS{
		"content/01-diagrams.md": {Data: []byte("---\ntitle: Diagrams\nsummary: How contexts were cancelled.\n---\n\n" + body)},
	}
	for name, src := range programs {
		fsys["examples/"+name+"/main.go"] = &fstest.MapFile{Data: []byte(src)}
		fsys["examples/"+name+"/output.txt"] = &fstest.MapFile{Data: nil}
	}
	return fsys
}

var screenshots = flag.String("screenshots", "", "save screenshots of the diagrams page in `dir`")

// TestDiagramBrowser shows the diagram as the site does: it renders a
// chapter with the diagram of each trace of testdata and opens it in
// headless Chromium, at desktop and phone widths, light and dark. Text in a
// diagram must not overlap other text or leave the picture, must stay
// legible (8.5px at the least; on a phone 11.5px for labels and 10px for
// ticks and the legend) and must contrast with
// the background; neither the page nor a diagram may scroll sideways, even
// at 320px. With -screenshots DIR it saves each view.
func TestDiagramBrowser(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatal("no testdata/*.json", err)
	}
	programs := map[string]string{}
	results := map[string]*runner.Result{}
	var body strings.Builder
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		tr := diagram.ReadTrace(t, file)
		programs[name] = "package main\n\nfunc main() {}\n"
		results[name] = &runner.Result{Elapsed: tr.End, Trace: tr}
		fmt.Fprintf(&body, "## %s\n\n.example %s\n\n", name, name)
	}
	s := &site.Site{}
	book, err := s.Load(diagramBook(programs, body.String()))
	if err != nil {
		t.Fatal(err)
	}
	rs := &site.Results{}
	for _, u := range book.Uses() {
		rs.Set(site.KeyOf(u), results[u.Example.Name])
	}
	out, err := s.Render(book, rs)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := site.Write(filepath.Join(dir, "public"), out); err != nil {
		t.Fatal(err)
	}
	url := "file://" + filepath.Join(dir, "public", "diagrams.html")

	ctx := browser.New(t)
	views := []struct {
		name          string
		width, height int64
		mobile        bool
	}{
		{"desktop", 1280, 900, false},
		{"phone", 390, 844, true},
		{"small-phone", 320, 640, true},
	}
	for _, v := range views {
		for _, scheme := range []string{"light", "dark"} {
			name := v.name + "-" + scheme
			t.Run(name, func(t *testing.T) {
				if err := chromedp.Do(ctx, browser.Viewport(v.width, v.height, scheme, v.mobile), chromedp.Navigate(url)); err != nil {
					t.Fatal(err)
				}
				n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.querySelectorAll("svg.sw-diagram")].filter(s => s.getBoundingClientRect().width > 0).length`))
				if err != nil {
					t.Fatal(err)
				}
				if n != len(files) {
					t.Fatalf("%d diagrams shown on the page, want %d", n, len(files))
				}
				labelPx, smallPx := 8.5, 8.5 // labels; ticks and legend
				if v.mobile {
					labelPx, smallPx = 11.5, 10
				}
				problems, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(diagramCheck, labelPx, smallPx)))
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range problems {
					t.Error(p)
				}
				overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
				if err != nil {
					t.Fatal(err)
				}
				if overflow {
					t.Error("the page scrolls sideways")
				}
				if *screenshots == "" {
					return
				}
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(*screenshots, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(*screenshots, "diagrams-"+name+".png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
				for _, file := range files { // and each diagram alone, to look at closely
					diagram := strings.TrimSuffix(filepath.Base(file), ".json")
					png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS("#example-"+diagram+" .diagram")))
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(*screenshots, "diagram-"+diagram+"-"+name+".png"), png, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
	}
}

// diagramCheck is a script that returns what is wrong with each diagram
// on the page.
const diagramCheck = `(() => {
	const problems = [];
	const contrast = (a, b) => {
		const lum = c => {
			const [r, g, b] = c.match(/\d+(\.\d+)?/g).slice(0, 3).map(v => {
				v /= 255;
				return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
			});
			return 0.2126 * r + 0.7152 * g + 0.0722 * b;
		};
		const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
		return (x + 0.05) / (y + 0.05);
	};
	for (const svg of document.querySelectorAll("svg.sw-diagram")) {
		if (svg.getBoundingClientRect().width == 0) continue; // the other drawing
		const name = svg.closest("figure").id + " (" + svg.getAttribute("class") + ")";
		const wrapper = svg.closest(".diagram");
		if (wrapper.scrollWidth > wrapper.clientWidth + 1) problems.push(name + ": scrolls sideways");
		const bg = getComputedStyle(svg.closest(".output")).backgroundColor;
		const vb = svg.viewBox.baseVal;
		const scale = svg.getBoundingClientRect().width / vb.width;
		const texts = [...svg.querySelectorAll("text")];
		for (const t of texts) {
			const size = parseFloat(t.getAttribute("font-size"));
			const px = size * scale;
			if (px < (size >= 13 ? %[1]g : %[2]g)) problems.push(name + ": " + JSON.stringify(t.textContent) + " is " + px.toFixed(1) + "px high");
		}
		const boxes = texts.map(t => t.getBBox());
		texts.forEach((t, i) => {
			const b = boxes[i];
			if (b.x < 0 || b.x + b.width > vb.width + 0.5 || b.y < 0 || b.y + b.height > vb.height + 0.5) {
				problems.push(name + ": " + JSON.stringify(t.textContent) + " leaves the picture");
			}
			for (let j = 0; j < i; j++) {
				const c = boxes[j];
				if (b.x < c.x + c.width - 1 && c.x < b.x + b.width - 1 && b.y < c.y + c.height - 2 && c.y < b.y + b.height - 2) {
					problems.push(name + ": " + JSON.stringify(t.textContent) + " overlaps " + JSON.stringify(texts[j].textContent));
				}
			}
			for (const span of [t, ...t.querySelectorAll("tspan")]) {
				const fill = getComputedStyle(span).fill;
				const r = contrast(fill, bg);
				if (r < 4.5) problems.push(name + ": " + JSON.stringify(span.textContent) + " has contrast " + r.toFixed(2) + " (" + fill + " on " + bg + ")");
			}
		});
		for (const el of svg.querySelectorAll(".sw-bar, .sw-mark, .sw-cross, .sw-fill")) {
			const style = getComputedStyle(el);
			const colour = el.classList.contains("sw-cross") ? style.stroke : style.fill;
			const r = contrast(colour, bg);
			if (r < 3) problems.push(name + ": a " + el.getAttribute("class") + " has contrast " + r.toFixed(2));
		}
	}
	return problems;
})()`
