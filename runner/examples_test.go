package runner

import (
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoContextExamples runs the documented examples of Go's own context
// package as programs and checks that the compiled engine prints exactly
// their documented output, under the virtual clock.
func TestGoContextExamples(t *testing.T) {
	r := testRunner(t)
	tc, err := r.toolchain(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	programs, err := examplePrograms(filepath.Join(tc.goroot, "src", "context", "example_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{
		"ExampleWithCancel", "ExampleWithDeadline", "ExampleWithTimeout",
		"ExampleWithValue", "ExampleAfterFunc_cond", "ExampleAfterFunc_merge",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p, ok := programs[name]
			if !ok {
				t.Fatalf("%s not found in context/example_test.go", name)
			}
			o := Options{Engine: EngineGo, Timeout: slowMachine}
			if name == "ExampleWithDeadline" || name == "ExampleWithTimeout" {
				// These select on neverReady, a package-level channel:
				// created outside the synctest bubble, so blocking on it
				// is not durable and virtual time cannot advance. The
				// runner must say so, and the real clock runs them.
				res, err := r.Run(t.Context(), name+".go", p.src, o)
				if err != nil {
					t.Fatal(err)
				}
				if res.Err == nil || res.Err.Kind != KindStuck || !strings.Contains(res.Err.Msg, "package-level variable") {
					t.Fatalf("virtual clock: got %v, want a stuck error naming the package-level channel", res.Err)
				}
				o.Realtime = true
			}
			res, err := r.Run(t.Context(), name+".go", p.src, o)
			if err != nil {
				t.Fatal(err)
			}
			if res.Err != nil {
				t.Fatalf("%v\n%s", res.Err, p.src)
			}
			if got := res.Stdout(); got != p.output {
				t.Errorf("got output\n%s\nwant (documented)\n%s", got, p.output)
			}
		})
	}
}

type exampleProgram struct {
	src    []byte
	output string
}

// examplePrograms turns each Example function of a _test.go file into a
// program whose main is the example's body, with the file's other
// declarations, and reads its "// Output:" comment.
func examplePrograms(path string) (map[string]exampleProgram, error) {
	file, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, file, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	text := func(n ast.Node) string {
		return string(file[fset.Position(n.Pos()).Offset:fset.Position(n.End()).Offset])
	}
	// shortDuration is declared in the package's x_test.go.
	shared := "const shortDuration = 1 * time.Millisecond\n\n"
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && strings.HasPrefix(fd.Name.Name, "Example") {
			continue
		}
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			continue
		}
		shared += text(d) + "\n\n"
	}
	out := map[string]exampleProgram{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || !strings.HasPrefix(fd.Name.Name, "Example") {
			continue
		}
		body := text(fd.Body)
		code := shared + "func main() " + body + "\n"
		var imports []string
		for _, imp := range f.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			if strings.Contains(code, p[strings.LastIndex(p, "/")+1:]+".") {
				imports = append(imports, imp.Path.Value)
			}
		}
		src := "package main\n\nimport (\n\t" + strings.Join(imports, "\n\t") + "\n)\n\n" + code
		formatted, err := format.Source([]byte(src))
		if err != nil {
			return nil, err
		}
		out[fd.Name.Name] = exampleProgram{src: formatted, output: documentedOutput(body)}
	}
	return out, nil
}

// documentedOutput reads the lines after "// Output:" in an example body.
func documentedOutput(body string) string {
	_, after, ok := strings.Cut(body, "// Output:")
	if !ok {
		return ""
	}
	var b strings.Builder
	for i, line := range strings.Split(after, "\n") {
		line = strings.TrimSpace(line)
		if i == 0 {
			if line != "" {
				b.WriteString(line + "\n")
			}
			continue
		}
		if !strings.HasPrefix(line, "//") {
			break
		}
		b.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, "//"), " ") + "\n")
	}
	return b.String()
}
