package runner

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"go/build/constraint"
	"go/doc"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// stdExamplePackages are the packages whose documented examples
// TestStdExamples runs.
var stdExamplePackages = []string{
	"context", "errors", "net/http/httptest", "sync", "time", "strings", "strconv", "sort",
	"slices", "maps", "fmt", "bytes", "container/heap", "container/list", "encoding/json",
	"text/template", "regexp", "math", "unicode/utf8",
}

// stdExampleMisses are the documented examples the runner does not
// reproduce, each with the reason. Those that exit 0 must print what
// `go run` prints for the same program (TestStdExamples checks it): the
// documentation was produced under go test, in another package and
// directory, with another time zone.
var stdExampleMisses = map[string]string{
	"context.ExampleAfterFunc_connection":                                      "it waits on a real TCP connection, which the virtual clock cannot wait for (reported at the line, with the advice to use the real clock)",
	"encoding/json.Example_customMarshalJSON (//go:build goexperiment.jsonv2)": "go build excludes the file, and the runner says so",
	"encoding/json.Example_textMarshalJSON (//go:build goexperiment.jsonv2)":   "go build excludes the file, and the runner says so",
	"strings.ExampleClone":              "it imports unsafe, which examples may not",
	"errors.ExampleAsType_custom_match": "%T names the type main.MyAsError in a program, errors_test.MyAsError in the test",
	"errors.ExampleAs_custom_match":     "%T names the type main.MyAsError in a program, errors_test.MyAsError in the test",
	"sync.ExampleOnceValues":            "it reads example_test.go from the package's directory; a program runs in an empty directory",
	"time.ExampleDate":                  "time's tests force time.Local to US Pacific; a program runs with TZ=UTC",
	"time.ExampleParse":                 "time's tests force time.Local to US Pacific; a program runs with TZ=UTC",
	"time.ExampleTime_Format":           "time's tests force time.Local to US Pacific; a program runs with TZ=UTC",
}

// stdExample is one documented example as a program.
type stdExample struct {
	pkg       string // "strings"
	name      string // "strings.ExampleFields"
	src       []byte
	output    string
	unordered bool
}

// stdExamples reads the examples with an output comment of the packages
// from GOROOT; the ones go/doc cannot turn into a program (they use
// declarations of other test files, such as context's shortDuration) come
// back in noPlay.
func stdExamples(t *testing.T) (examples []stdExample, noPlay []string) {
	t.Helper()
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skipf("go env GOROOT: %v", err)
	}
	goroot := strings.TrimSpace(string(out))
	for _, pkg := range stdExamplePackages {
		dir := filepath.Join(goroot, "src", filepath.FromSlash(pkg))
		files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
		if err != nil {
			t.Fatal(err)
		}
		fset := token.NewFileSet()
		for _, file := range files {
			f, err := parser.ParseFile(fset, file, nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			// Files of a package may hold two versions of an example
			// under exclusive build constraints.
			suffix := ""
			for _, cg := range f.Comments {
				if cg.Pos() < f.Package && constraint.IsGoBuild(cg.List[0].Text) {
					suffix = " (" + cg.List[0].Text + ")"
				}
			}
			for _, ex := range doc.Examples(f) {
				if ex.Output == "" && !ex.EmptyOutput {
					continue
				}
				name := pkg + ".Example" + ex.Name + suffix
				if ex.Play == nil {
					noPlay = append(noPlay, name)
					continue
				}
				var b bytes.Buffer
				if err := format.Node(&b, fset, ex.Play); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				examples = append(examples, stdExample{pkg, name, b.Bytes(), ex.Output, ex.Unordered})
			}
		}
	}
	sort.Slice(examples, func(i, j int) bool { return examples[i].name < examples[j].name })
	sort.Strings(noPlay)
	return examples, noPlay
}

// sameOutput compares as go test compares an example's output.
func sameOutput(got, want string, unordered bool) bool {
	got, want = strings.TrimSpace(got), strings.TrimSpace(want)
	if unordered {
		g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
		slices.Sort(g)
		slices.Sort(w)
		return slices.Equal(g, w)
	}
	return got == want
}

// TestStdExamples runs Go's own documented examples of common packages
// under the compiled engine, in the sandbox, and compares their output
// with the documented one. It builds about 400 programs the first time:
// several minutes on a busy two-core machine, so -short skips it. The
// binaries stay in a cache of the runner's (stdExamplesRunner), so that
// later runs build only what changed and run every program again.
func TestStdExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("builds about 400 programs")
	}
	examples, noPlay := stdExamples(t)
	runners := map[string]*Runner{}
	for _, pkg := range stdExamplePackages {
		runners[pkg] = stdExamplesRunner(t, pkg)
	}
	began := time.Now()
	type outcome struct {
		ex  stdExample
		res *Result
	}
	outcomes := make([]outcome, len(examples))
	var wg sync.WaitGroup
	work := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				r := runners[examples[i].pkg]
				res, err := r.Run(t.Context(), "main.go", examples[i].src, Options{Engine: EngineGo, NoTrace: true})
				if err != nil {
					t.Errorf("%s: %v", examples[i].name, err)
					continue
				}
				outcomes[i] = outcome{examples[i], res}
			}
		}()
	}
	for i := range examples {
		work <- i
	}
	close(work)
	wg.Wait()

	exact := 0
	for _, o := range outcomes {
		if o.res == nil {
			continue
		}
		same := sameOutput(o.res.Stdout(), o.ex.output, o.ex.unordered)
		switch why, known := stdExampleMisses[o.ex.name]; {
		case same && o.res.Err == nil:
			exact++
			if known {
				t.Errorf("%s now matches; drop it from the misses (%s)", o.ex.name, why)
			}
		case o.res.Err == nil && o.res.ExitCode == 0:
			if !known {
				t.Errorf("%s exits 0 with other output than documented:\n%s\nwant:\n%s", o.ex.name, o.res.Stdout(), o.ex.output)
			} else if want := goRun(t, o.ex.src); o.res.Stdout() != want {
				t.Errorf("%s exits 0 with other output than go run:\n%s\ngo run:\n%s", o.ex.name, o.res.Stdout(), want)
			}
		case !known:
			t.Errorf("%s: %v\n%s", o.ex.name, o.res.Err, o.res.Combined())
		}
	}
	for _, name := range noPlay {
		t.Logf("%s: go/doc cannot make a program of it: it uses declarations of other test files", name)
	}
	t.Logf("%d of %d documented examples exact (%d more use declarations of other test files), in %s",
		exact, len(examples)+len(noPlay), len(noPlay), time.Since(began).Round(time.Second))
}

// stdExamplesRunner returns a runner for the examples of the standard
// package pkg whose cache outlives the test, as testRunner's does: a
// changed runner or Go rebuilds every program, a changed example itself;
// every program runs. Each package has a cache of its own because a
// runner's cache of binaries is bounded (BinaryCacheBound, 512 MB): the
// binaries of all the packages (about 1.3 GB) would not fit in one, and
// its least-recently-used trimming would throw each out before its next
// use; the largest package, bytes, needs about 200 MB.
func stdExamplesRunner(t *testing.T, pkg string) *Runner {
	t.Helper()
	return &Runner{CacheDir: testCacheDir(filepath.Join("stdexamples", strings.ReplaceAll(pkg, "/", "_"))), NoResultCache: true}
}

// goRun runs src with go run, with the runner's environment (TZ=UTC), and
// returns its standard output. The program is in a directory of its own,
// named by its source, that outlives the test, so that Go's cache, which
// keeps what go run links (Go 1.24), serves it again.
func goRun(t *testing.T, src []byte) string {
	t.Helper()
	sum := sha256.Sum256(src)
	dir := filepath.Join(testCacheDir("gorun"), hex.EncodeToString(sum[:8]))
	if _, err := os.Stat(filepath.Join(dir, "main.go")); err != nil {
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			t.Fatal(err)
		}
		tmp, err := os.MkdirTemp(filepath.Dir(dir), ".tmp-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(tmp) // after a successful rename, nothing is there
		if err := os.WriteFile(filepath.Join(tmp, "main.go"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, dir); err != nil {
			if _, serr := os.Stat(filepath.Join(dir, "main.go")); serr != nil {
				t.Fatal(err) // not another test's rename of the same file
			}
		}
	}
	cmd := exec.CommandContext(t.Context(), "go", "run", "main.go")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TZ=UTC", "GOFLAGS=", "GOWORK=off")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go run: %v", err)
	}
	return string(out)
}
