package site

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// benchChapters is the size of the generated book of the benchmarks.
const benchChapters = 100

// benchBook generates a book of n chapters, each with prose, a table, a
// list and ten distinct Go code blocks, and no examples.
func benchBook(n int) fstest.MapFS {
	fsys := fstest.MapFS{}
	for c := range n {
		var b strings.Builder
		fmt.Fprintf(&b, "---\ntitle: Chapter %d\nsummary: What chapter %d is about, in one line.\n---\n\n", c, c)
		for s := range 10 {
			fmt.Fprintf(&b, "## Section %d.%d\n\n", c, s)
			fmt.Fprintf(&b, "A *context* carries a deadline, a cancellation signal and request-scoped values "+
				"across API boundaries; see [the next chapter](%02[1]d-chapter-%[1]d.md) and `ctx.Done()` for the details of step %d. "+
				"**Always** call `cancel`, even on the happy path, or the timer lives on.[^%d]\n\n", (c+1)%n, s, s)
			if s%3 == 0 {
				b.WriteString("| Call | Ends when |\n|------|-----------|\n| `WithCancel` | you call cancel |\n| `WithTimeout` | the time is up |\n\n")
				b.WriteString("- one thing\n- another thing, with `code`\n- [x] a task\n\n")
			}
			fmt.Fprintf(&b, "```go\n// worker%[1]d_%[2]d stops when ctx is done.\nfunc worker%[1]d_%[2]d(ctx context.Context, jobs <-chan int) error {\n"+
				"\tfor {\n\t\tselect {\n\t\tcase <-ctx.Done():\n\t\t\treturn fmt.Errorf(\"worker %[2]d: %%w\", ctx.Err())\n"+
				"\t\tcase j := <-jobs:\n\t\t\tfmt.Println(\"job\", j, \"of\", %[1]d*%[2]d+1)\n\t\t}\n\t}\n}\n```\n\n", c, s)
			fmt.Fprintf(&b, "[^%d]: Footnote %d of chapter %d.\n\n", s, s, c)
		}
		fsys[fmt.Sprintf("content/%02[1]d-chapter-%[1]d.md", c)] = &fstest.MapFile{Data: []byte(b.String())}
	}
	return fsys
}

// BenchmarkLoad parses the chapters of a generated book; ns/page is the
// cost of one chapter.
func BenchmarkLoad(b *testing.B) {
	fsys := benchBook(benchChapters)
	s := &Site{}
	for b.Loop() {
		if _, err := s.Load(fsys); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchChapters), "ns/page")
}

// BenchmarkRender renders a generated book, parsed once, into its pages;
// ns/page is the cost of one chapter's page, index and assets included.
func BenchmarkRender(b *testing.B) {
	s := &Site{}
	book, err := s.Load(benchBook(benchChapters))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Render(book, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchChapters), "ns/page")
}

// BenchmarkLoadRender is the whole of a build without examples: parse and
// render. ns/page is what a page costs.
func BenchmarkLoadRender(b *testing.B) {
	fsys := benchBook(benchChapters)
	s := &Site{}
	for b.Loop() {
		book, err := s.Load(fsys)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Render(book, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchChapters), "ns/page")
}

// BenchmarkLoadRenderScaling builds generated books of growing size: a
// steady ns/page shows that the cost grows linearly with the pages.
func BenchmarkLoadRenderScaling(b *testing.B) {
	for _, n := range []int{10, 100, 400} {
		b.Run(fmt.Sprintf("chapters=%d", n), func(b *testing.B) {
			fsys := benchBook(n)
			s := &Site{}
			for b.Loop() {
				book, err := s.Load(fsys)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.Render(book, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/page")
		})
	}
}
