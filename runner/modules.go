package runner

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
)

//go:generate go run modules_gen.go

// Modules outside the standard library that examples may import are
// carried by the runner as source, embedded in carriedFS (and part of the
// runner's Version): _modules/modules.txt is their manifest, in the format of a
// vendor/modules.txt, and _modules/src holds each listed package's files
// and its module's LICENSE, copied from the module cache at the version the
// tool's go.mod requires by modules_gen.go (go generate ./runner);
// TestModulesCurrent fails when the copy and go.mod disagree. Nothing is
// fetched when an example runs:
//
//   - the compiled engine builds the example in vendor mode, the manifest
//     as vendor/modules.txt and the sources in vendor/ (moduleDir);
//   - the interpreter, and the browser's engine with it, interprets the same
//     sources, _modules being its GOPATH (yaegi's SourcecodeFilesystem).
//
// Under both engines a carried package's import "context" is the recording
// wrapper, as the example's own is, so that a context made inside it
// (errgroup.WithContext) is in the trace. Under the compiled engine its go
// statements are recorded too, as the example's are, at the example's line
// that called into the package (g.Go(...)).
//
// To let examples import another package: require its module in go.mod,
// add the package to modules_gen.go's list, run go generate ./runner, and
// check that yaegi interprets it (go run . check).

// modulesDir is the directory of the carried modules in carriedFS.
const modulesDir = "_modules"

// carriedFS holds the carried modules. It is apart from the runner's own
// embedded sources, which the browser's engine does not link.
//
//go:embed _modules
var carriedFS embed.FS

// carriedContext is the import path of the recording wrapper of context
// for the carried packages in the compiled build: the example's wrapper
// is internal to the build module, which a vendored package may not
// import, so the build module holds a second copy outside internal/.
const carriedContext = buildModule + "/tracedcontext"

// carriedModule is one module of the manifest.
type carriedModule struct {
	Path, Version string
	Packages      []string
}

// carried reads the manifest once.
var carried = sync.OnceValue(func() []carriedModule {
	b, err := carriedFS.ReadFile(modulesDir + "/modules.txt")
	if err != nil {
		panic(err) // embedded: go generate ./runner writes it
	}
	mods, err := parseManifest(b)
	if err != nil {
		panic(err)
	}
	return mods
})

// parseManifest reads a vendor/modules.txt: "# path version" opens a
// module, "## ..." lines annotate it, other lines name its packages.
func parseManifest(b []byte) ([]carriedModule, error) {
	var mods []carriedModule
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "## "):
		case strings.HasPrefix(line, "# "):
			f := strings.Fields(line[2:])
			if len(f) != 2 {
				return nil, fmt.Errorf("modules.txt:%d: want \"# module version\", have %q", n, line)
			}
			mods = append(mods, carriedModule{Path: f[0], Version: f[1]})
		case len(mods) == 0:
			return nil, fmt.Errorf("modules.txt:%d: package %s before any module", n, line)
		default:
			m := &mods[len(mods)-1]
			m.Packages = append(m.Packages, line)
		}
	}
	return mods, sc.Err()
}

// carriedImport reports whether path is a package examples may import
// from a carried module.
func carriedImport(path string) bool {
	for _, m := range carried() {
		for _, p := range m.Packages {
			if p == path {
				return true
			}
		}
	}
	return false
}

// ModuleImports returns the packages outside the standard library that
// examples may import, under every isolation, sorted: "path (module
// version)".
func ModuleImports() []string {
	var out []string
	for _, m := range carried() {
		for _, p := range m.Packages {
			out = append(out, fmt.Sprintf("%s (%s %s)", p, m.Path, m.Version))
		}
	}
	sort.Strings(out)
	return out
}

// carriedRefusal is why an import from outside the standard library that
// the runner does not carry is refused.
func carriedRefusal() string {
	var pkgs []string
	for _, m := range carried() {
		pkgs = append(pkgs, m.Packages...)
	}
	sort.Strings(pkgs)
	return "examples use only the standard library and the packages the runner carries (" +
		strings.Join(pkgs, ", ") + "; README.md says how to add one)"
}

// carriedSources is the file system the interpreter reads the carried
// packages from, as a GOPATH: src/golang.org/x/sync/errgroup/...
func carriedSources() fs.FS {
	sub, err := fs.Sub(carriedFS, modulesDir)
	if err != nil {
		panic(err) // an embedded file system cannot fail
	}
	return sub
}

// addCarried adds to the files of the build module (moduleDir) the
// require lines its go.mod needs, vendor/ with the carried packages, and
// the copy of the recording wrapper they import, taken from the harness's
// files already in files.
func addCarried(files map[string][]byte) error {
	mods := carried()
	if len(mods) == 0 {
		return nil
	}
	var req bytes.Buffer
	req.WriteString("\nrequire (\n")
	for _, m := range mods {
		fmt.Fprintf(&req, "\t%s %s\n", m.Path, m.Version)
	}
	req.WriteString(")\n")
	files["go.mod"] = append(files["go.mod"], req.Bytes()...)
	manifest, err := carriedFS.ReadFile(modulesDir + "/modules.txt")
	if err != nil {
		return err
	}
	files["vendor/modules.txt"] = manifest
	src := modulesDir + "/src"
	err = fs.WalkDir(carriedFS, src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := carriedFS.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, ".go") {
			if b, err = traceCarried(p, b, carriedContext); err != nil {
				return err
			}
		}
		files["vendor/"+strings.TrimPrefix(p, src+"/")] = b
		return nil
	})
	if err != nil {
		return err
	}
	const wrapper = "internal/harness/swcontext/"
	found := false
	for name, b := range files {
		if rest, ok := strings.CutPrefix(name, wrapper); ok {
			files[path.Join(strings.TrimPrefix(carriedContext, buildModule+"/"), rest)] = b
			found = true
		}
	}
	if !found {
		return fmt.Errorf("the build module has no %s to copy for the carried packages", wrapper)
	}
	files[path.Join(strings.TrimPrefix(carriedContext, buildModule+"/"), "zz_signalwire_go.go")] = []byte(carriedGo)
	return nil
}

// carriedGo is added to the carried packages' copy of the recording
// wrapper: the wrapper of their go statements (traceCarried).
const carriedGo = `package context

import "` + buildModule + `/internal/harness"

// SignalwireGo records a goroutine a carried package starts, at the
// example's line that called into the package.
func SignalwireGo[F any](f F) F { return harness.Go(harness.CallerLine(1), f) }
`

// traceCarried rewrites the Go file name of a carried package for the
// compiled build: import "context" imports the recording wrapper at to,
// which is also package context, and, where that import has its own name,
// "go f(x)" becomes "go context.SignalwireGo(f)(x)". The edits keep every
// line where it was.
func traceCarried(name string, src []byte, to string) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	type edit struct {
		at, end int
		text    string
	}
	var edits []edit
	named := false // the file says context.X for the wrapper
	for _, imp := range f.Imports {
		if imp.Path.Value != `"context"` {
			continue
		}
		named = imp.Name == nil
		at := fset.Position(imp.Path.Pos()).Offset
		edits = append(edits, edit{at, fset.Position(imp.Path.End()).Offset, strconv.Quote(to)})
	}
	if named {
		ast.Inspect(f, func(n ast.Node) bool {
			g, ok := n.(*ast.GoStmt)
			if !ok {
				return true
			}
			at := fset.Position(g.Call.Fun.Pos()).Offset
			end := fset.Position(g.Call.Fun.End()).Offset
			edits = append(edits, edit{at, at, "context.SignalwireGo("}, edit{end, end, ")"})
			return true
		})
	}
	// From the end, so that offsets stay valid.
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].at > edits[j].at })
	out := append([]byte(nil), src...)
	for _, e := range edits {
		out = append(out[:e.at:e.at], append([]byte(e.text), out[e.end:]...)...)
	}
	return out, nil
}
