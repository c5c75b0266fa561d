package runner

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bookPrograms are examples of what a linked book must run exactly as a
// binary of their own: init functions and their output, leaks, panics with
// type names, goroutines named in the trace, exits, a value key's type; one
// that does not compile, and one whose package-level initializer calls a
// function (built alone).
var bookPrograms = map[string]string{
	"init.go": `package main

import "fmt"

var greeting = "hello"

func init() { fmt.Println("init", greeting) }

func main() { fmt.Println("main") }
`,
	"leak.go": `package main

import (
	"context"
	"fmt"
	"time"
)

type key struct{}

func worker(ctx context.Context, out chan<- int) {
	time.Sleep(time.Second)
	out <- 1
}

func main() {
	ctx := context.WithValue(context.Background(), key{}, 1)
	ctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	out := make(chan int)
	go worker(ctx, out)
	go func() { <-ctx.Done() }()
	<-ctx.Done()
	fmt.Println(ctx.Err())
}
`,
	"panic.go": `package main

import "fmt"

type T struct{ A int }

func main() {
	fmt.Printf("%T %v\n", T{1}, T{2})
	panic(fmt.Sprintf("%T", &T{}))
}
`,
	"exit.go": `package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("bye")
	os.Exit(3)
}
`,
	"broken.go": `package main

import "fmt"

func main() {
	fmt.Println(undefined)
}
`,
	"alone.go": `package main

import (
	"fmt"
	"strings"
)

var loud = strings.ToUpper("alone")

func main() { fmt.Println(loud) }
`,
	"group.go": `package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"
)

func main() {
	g, ctx := errgroup.WithContext(context.Background())
	g.Go(func() error { time.Sleep(time.Second); return errors.New("first") })
	g.Go(func() error { <-ctx.Done(); return ctx.Err() })
	fmt.Println(g.Wait(), context.Cause(ctx))
}
`,
	"main.go": `package main

import "fmt"

func main() { fmt.Println("one of many main.go files") }
`,
}

// resultJSON is what a run gives a reader, without its wall-clock time.
func resultJSON(t *testing.T, res *Result) string {
	t.Helper()
	c := *res
	c.Wall = 0
	b, err := json.MarshalIndent(&c, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPrepareLinksBook: the examples Prepare links into one binary run
// exactly as each does built alone by the go command (the reference),
// down to their trace and leaks; one that does not compile is reported as
// before, and one that calls a function to initialize a package-level
// variable is built alone.
func TestPrepareLinksBook(t *testing.T) {
	dir := t.TempDir()
	book := &Runner{CacheDir: filepath.Join(dir, "book"), NoResultCache: true}
	alone := &Runner{CacheDir: filepath.Join(dir, "alone"), NoResultCache: true, GoCommandBuilds: true}
	o := Options{Engine: EngineGo, Timeout: slowMachine}
	var jobs []Job
	for name, src := range bookPrograms {
		jobs = append(jobs, Job{File: name, Src: []byte(src), Options: o})
	}
	if err := book.Prepare(t.Context(), jobs); err != nil {
		t.Fatal(err)
	}
	tc, err := book.toolchain(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range bookPrograms {
		b := book.builtBinary(binKey(tc, name, []byte(src)))
		switch linked := b != nil && b.pkg != ""; {
		case name == "broken.go" || name == "alone.go":
			if b != nil {
				t.Errorf("%s: prepared as %+v, want nothing", name, b)
			}
		case !linked:
			t.Errorf("%s: not linked into the book (%+v)", name, b)
		}
		got, err := book.Run(t.Context(), name, []byte(src), o)
		if err != nil {
			t.Fatal(err)
		}
		want, err := alone.Run(t.Context(), name, []byte(src), o)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := resultJSON(t, got), resultJSON(t, want); g != w {
			t.Errorf("%s: linked into a book:\n%s\nbuilt alone by go build:\n%s", name, g, w)
		}
	}
	if res, err := book.Run(t.Context(), "leak.go", []byte(bookPrograms["leak.go"]), o); err != nil {
		t.Fatal(err)
	} else if res.Trace == nil || len(res.Trace.Goroutines) != 2 || res.Trace.Goroutines[0].Func != "main.worker" || len(res.Leaks) != 1 || res.Leaks[0].Func != "main.worker" {
		t.Errorf("trace %+v, leaks %+v: want goroutines main.worker and main.main.func1, a leak in main.worker", res.Trace, res.Leaks)
	}
}

// TestDirectBuildWithoutGoCommand: once the packages an example imports
// are listed, building another runs the compiler and the linker only,
// not the go command.
func TestDirectBuildWithoutGoCommand(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "log")
	gocmd := filepath.Join(dir, "go")
	script := "#!/bin/sh\necho \"$1\" >> " + log + "\nexec go \"$@\"\n"
	if err := os.WriteFile(gocmd, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	r := &Runner{CacheDir: filepath.Join(dir, "cache"), NoResultCache: true, Go: gocmd}
	o := Options{Engine: EngineGo, Timeout: slowMachine}
	run := func(src string) {
		t.Helper()
		res, err := r.Run(t.Context(), "main.go", []byte(src), o)
		if err != nil {
			t.Fatal(err)
		}
		if res.Err != nil || res.Stdout() != "edited\n" && res.Stdout() != "first\n" {
			t.Fatalf("result %+v, output %q", res.Err, res.Stdout())
		}
	}
	run("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"first\") }\n")
	before, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	run("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"edited\") }\n")
	after, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if more := strings.TrimPrefix(string(after), string(before)); more != "" {
		t.Errorf("the second build ran the go command: %q", more)
	}
}

// TestDirectCompileErrors: the compiler run directly reports an example's
// compile errors exactly as go build does.
func TestDirectCompileErrors(t *testing.T) {
	srcs := []string{
		"package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(x)\n}\n",
		"package main\n\nimport (\n\t\"context\"\n\t\"fmt\"\n)\n\nfunc main() {\n\tvar ctx context.Context = 3\n\tfmt.Println(ctx)\n}\n",
		"package main\n\nimport \"os\"\n\nfunc main() {\n\tos.Exit(\"now\")\n}\n",
		"package main\n\nimport \"fmt\"\n\nfunc f()\n\nfunc main() {\n\tf()\n\tfmt.Println(1, 2\n}\n",
		"package main\n\nimport \"fmt\"\n\nfunc main() {\n\ta, b := 1\n\tfmt.Println(a, b, c, d, e, f, g, h, i, j, k, l, m)\n}\n",
		"package main\n\nimport \"nosuch/pkg\"\n\nfunc main() { pkg.F() }\n",
	}
	dir := t.TempDir()
	direct := &Runner{CacheDir: filepath.Join(dir, "direct"), NoResultCache: true, NoSandbox: true}
	gobuild := &Runner{CacheDir: filepath.Join(dir, "gobuild"), NoResultCache: true, NoSandbox: true, GoCommandBuilds: true}
	o := Options{Engine: EngineGo, Timeout: slowMachine}
	for _, src := range srcs {
		got, err := direct.Run(t.Context(), "main.go", []byte(src), o)
		if err != nil {
			t.Fatal(err)
		}
		want, err := gobuild.Run(t.Context(), "main.go", []byte(src), o)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := resultJSON(t, got), resultJSON(t, want); g != w {
			t.Errorf("%s\ndirect:\n%s\ngo build:\n%s", src, g, w)
		}
	}
}

// TestLinkable: what keeps an example out of a linked book.
func TestLinkable(t *testing.T) {
	tests := []struct {
		decls string
		want  bool
	}{
		{`var x = 1`, true},
		{`var ch = make(chan int)`, true},
		{`var buf = make([]byte, 64)`, true},
		{`var errGone = errors.New("gone")`, true},
		{`var f = func() int { return 1 }`, true},
		{`var p = new(int)`, true},
		{`var a [16]int`, true},
		{`var big = make([]byte, 1<<30)`, false},
		{`var n = len(os.Args)`, false},
		{`var v = <-make(chan int)`, false},
		{`var a [1 << 28]byte`, false},
		{`var s = strings.ToUpper("x")`, false},
		{`var n = func() int { return 1 }()`, false},
		{`var _ = http.HandleFunc`, true},
		{`import _ "expvar"`, false},
		{`import "runtime"`, false},
		{`import "golang.org/x/sync/errgroup"`, true},
		{`import "golang.org/x/net/html"`, false},
		{`func init() { fmt.Println(strings.ToUpper("init")) }`, true},
	}
	for _, tt := range tests {
		src := "package main\n\n" + tt.decls + "\n\nfunc main() {}\n"
		if strings.HasPrefix(tt.decls, "import") {
			src = "package main\n\n" + tt.decls + "\n\nfunc main() {}\n"
		}
		if got := linkable("main.go", []byte(src)); got != tt.want {
			t.Errorf("%s: linkable %v, want %v", tt.decls, got, tt.want)
		}
	}
}

// TestExportsListForgetsVanishedArchive: a list naming an archive that
// Go's cache no longer has is made again.
func TestExportsListForgetsVanishedArchive(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "fmt.a")
	if err := os.WriteFile(real, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	list := filepath.Join(dir, exportsFile)
	if err := os.WriteFile(list, []byte("fmt\t"+real+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := readExports(list); got["fmt"] != real {
		t.Fatalf("read %v", got)
	}
	if err := os.WriteFile(list, []byte("fmt\t"+real+"\nos\t"+filepath.Join(dir, "gone.a")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := readExports(list); len(got) != 0 {
		t.Errorf("read %v, want nothing: os's archive is gone", got)
	}
}

// TestUnlinkNamesMain: the functions of a linked example are named as in
// a binary of its own wherever a result names them, so that a stuck
// loop is still placed by its function (spin.go).
func TestUnlinkNamesMain(t *testing.T) {
	pkg := bookPackage("0123456789abcdef0123456789abcdef")
	res := &Result{
		Output: []Chunk{{Stream: Stderr, Text: "goroutine 1 [running]:\n" + pkg + ".spin()\n"}},
		Leaks:  []Leak{{Func: pkg + ".worker"}},
		Err:    &Error{Kind: KindTimeout, Msg: "in " + pkg + ".spin", Blocked: []Leak{{Func: pkg + ".(*T).run"}}},
		Trace:  &Trace{Goroutines: []TraceGoroutine{{Func: pkg + ".main.func1"}}},
	}
	unlink(res, pkg)
	if got := res.Output[0].Text; got != "goroutine 1 [running]:\nmain.spin()\n" {
		t.Errorf("output %q", got)
	}
	if res.Leaks[0].Func != "main.worker" || res.Err.Msg != "in main.spin" || res.Trace.Goroutines[0].Func != "main.main.func1" {
		t.Errorf("leaks %+v, error %q, trace %+v", res.Leaks, res.Err.Msg, res.Trace.Goroutines)
	}
	if got := topFunc(res.Err.Blocked[0].Func); got != "run" {
		t.Errorf("topFunc(%q) = %q, want run", res.Err.Blocked[0].Func, got)
	}
}

// TestDirectBuildVanishedArchive: an archive the list names that can no
// longer be read (go clean -cache) is not the example's compile error:
// the build falls back to go build, and the list is read again.
func TestDirectBuildVanishedArchive(t *testing.T) {
	r := &Runner{CacheDir: t.TempDir(), NoResultCache: true}
	o := Options{Engine: EngineGo, Timeout: slowMachine}
	src := "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"%s\") }\n"
	if res, err := r.Run(t.Context(), "main.go", []byte(fmt.Sprintf(src, "first")), o); err != nil || res.Err != nil {
		t.Fatalf("%v %+v", err, res)
	}
	tc, err := r.toolchain(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	mod, err := r.moduleDir(tc)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := exportSets.Load(mod)
	if !ok {
		t.Fatal("no list of archives in memory after a direct build")
	}
	set := v.(*exportSet)
	set.lock <- struct{}{}
	set.files["fmt"] = filepath.Join(t.TempDir(), "gone.a")
	<-set.lock
	res, err := r.Run(t.Context(), "main.go", []byte(fmt.Sprintf(src, "second")), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Err != nil || res.Stdout() != "second\n" {
		t.Fatalf("error %v, output %q; want the program's output", res.Err, res.Stdout())
	}
	if v, ok := exportSets.Load(mod); ok && v.(*exportSet) == set {
		t.Error("the list naming a vanished archive is still in memory")
	}
}
