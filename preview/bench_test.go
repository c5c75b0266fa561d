package preview

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"signalwire/internal/browser"
	"signalwire/runner"
	"signalwire/site"

	"github.com/chromedp/chromedp"
)

// The benchmarks of the live preview time what an author waits for: from
// saving a file of the real book to Chromium showing the change. Each edit
// is new (it carries the time), so no cache answers for it. ns/op is the
// median over the edits of a run; scripts/bench.sh takes the median over
// runs and holds it to the targets:
//
//	BenchmarkServeChapter          a chapter's text          <= 150ms
//	BenchmarkServeExamplePreview   an example's yaegi output <= 100ms
//	BenchmarkServeExampleVerified  its verified output       <= 600ms

// serveBench previews a copy of the book in the repository, with the
// results the runner has cached for it (so that only the first run on a
// machine runs every example), and opens page in Chromium once every
// example is verified.
func serveBench(b *testing.B, page string) (string, context.Context) {
	b.Helper()
	if testing.Short() {
		b.Skip("runs the book's examples")
	}
	dir := b.TempDir()
	for _, d := range []string{"content", "examples"} {
		if err := os.CopyFS(filepath.Join(dir, d), os.DirFS(filepath.Join("..", d))); err != nil {
			b.Fatal(err)
		}
	}
	// The edits' binaries go to a cache that goes with the benchmark.
	cache := filepath.Join(b.TempDir(), "cache")
	if results := filepath.Join((&runner.Runner{}).CacheRoot(), "results"); dirExists(results) {
		if err := os.CopyFS(filepath.Join(cache, "results"), os.DirFS(results)); err != nil {
			b.Fatal(err)
		}
	}
	url, log := startServer(b, dir, &site.Site{Runner: &runner.Runner{CacheDir: cache}}, nil)
	deadline := time.Now().Add(10 * time.Minute) // every example, compiled on a cold cache
	for !strings.Contains(log.take(), " verified ") {
		if time.Now().After(deadline) {
			b.Fatal("the book is not verified after 10 minutes")
		}
		time.Sleep(10 * time.Millisecond)
	}
	ctx := browser.New(b)
	if err := chromedp.Do(ctx, browser.Viewport(1280, 900, "light", false), chromedp.Navigate(url+"/"+page)); err != nil {
		b.Fatal(err)
	}
	waitFor(b, ctx, "the page", `!!document.getElementById("serve-state") && !`+jsPending+` && !`+jsOverlay, time.Minute)
	return dir, ctx
}

func dirExists(name string) bool {
	fi, err := os.Stat(name)
	return err == nil && fi.IsDir()
}

// reportMedian reports the median of the latencies as ns/op.
func reportMedian(b *testing.B, latencies []time.Duration) {
	slices.Sort(latencies)
	n := len(latencies)
	median := latencies[n/2]
	if n%2 == 0 {
		median = (latencies[n/2-1] + latencies[n/2]) / 2
	}
	b.ReportMetric(float64(median.Nanoseconds()), "ns/op")
	b.ReportMetric(float64(latencies[n-1].Nanoseconds())/1e6, "max-ms")
}

// BenchmarkServeChapter edits a chapter and waits for the open page to
// show the edit.
func BenchmarkServeChapter(b *testing.B) {
	dir, ctx := serveBench(b, "values.html")
	const chapter, line = "content/06-values.md", "A request comes in with a trace ID."
	prev := line
	var latencies []time.Duration
	for b.Loop() {
		edit := fmt.Sprintf("%s Edit %d.", line, time.Now().UnixNano())
		start := time.Now()
		replaceIn(b, dir, chapter, prev, edit)
		waitFor(b, ctx, "the edit", jsText(edit), 10*time.Second)
		latencies = append(latencies, time.Since(start))
		prev = edit
	}
	reportMedian(b, latencies)
}

// BenchmarkServeExamplePreview edits an example, and its golden file to
// match, and waits for the open page to show the interpreter's output.
func BenchmarkServeExamplePreview(b *testing.B) { benchExample(b, false) }

// BenchmarkServeExampleVerified is BenchmarkServeExamplePreview waiting
// for the verified output.
func BenchmarkServeExampleVerified(b *testing.B) { benchExample(b, true) }

func benchExample(b *testing.B, verified bool) {
	dir, ctx := serveBench(b, "first-context.html")
	const (
		name   = "manual-cancel"
		id     = "example-" + name
		source = "examples/" + name + "/main.go"
		golden = "examples/" + name + "/output.txt"
		entry  = "func main() {\n"
	)
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		return string(data)
	}
	src, want := read(source), read(golden)
	var latencies []time.Duration
	for b.Loop() {
		edit := fmt.Sprintf("edit %d", time.Now().UnixNano())
		start := time.Now()
		writeFile(b, dir, golden, edit+"\n"+want)
		writeFile(b, dir, source, strings.Replace(src, entry, entry+fmt.Sprintf("\tfmt.Println(%q)\n", edit), 1))
		shown := jsOutput(id, edit)
		done := shown + ` && !` + jsPending
		if verified {
			waitFor(b, ctx, "the verified output", done, time.Minute)
			latencies = append(latencies, time.Since(start))
			continue
		}
		waitFor(b, ctx, "the preview", shown, 10*time.Second)
		latencies = append(latencies, time.Since(start))
		b.StopTimer()
		waitFor(b, ctx, "the verified output", done, time.Minute)
		b.StartTimer()
	}
	if eval[bool](b, ctx, jsOverlay) {
		b.Fatalf("the page shows problems: %s", eval[string](b, ctx, `document.getElementById("serve-overlay").textContent`))
	}
	reportMedian(b, latencies)
}
