package runner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestModulesCurrent: the carried sources are those of the module versions
// the tool's go.mod requires, file for file, with nothing missing: run go
// generate ./runner when it fails.
func TestModulesCurrent(t *testing.T) {
	mods := carried()
	if len(mods) == 0 {
		t.Fatal("no carried module in _modules/modules.txt")
	}
	for _, m := range mods {
		out, err := exec.CommandContext(t.Context(), "go", "list", "-m", "-json", m.Path).Output()
		if err != nil {
			t.Fatalf("go list -m %s: %v", m.Path, err)
		}
		var info struct{ Version, Dir string }
		if err := json.Unmarshal(out, &info); err != nil {
			t.Fatal(err)
		}
		if info.Version != m.Version {
			t.Errorf("go.mod requires %s %s, the runner carries %s: go generate ./runner", m.Path, info.Version, m.Version)
			continue
		}
		if info.Dir == "" {
			t.Fatalf("%s %s is not in the module cache", m.Path, m.Version)
		}
		want := []string{"LICENSE"}
		for _, p := range m.Packages {
			names, err := filepath.Glob(filepath.Join(info.Dir, strings.TrimPrefix(p, m.Path), "*.go"))
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range names {
				if !strings.HasSuffix(n, "_test.go") {
					rel, _ := filepath.Rel(info.Dir, n)
					want = append(want, filepath.ToSlash(rel))
				}
			}
		}
		root := path.Join(modulesDir, "src", m.Path)
		var have []string
		fs.WalkDir(carriedFS, root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				have = append(have, strings.TrimPrefix(p, root+"/"))
			}
			return err
		})
		if strings.Join(have, " ") != strings.Join(sorted(want), " ") {
			t.Errorf("%s: the runner carries %q, want %q: go generate ./runner", m.Path, have, sorted(want))
		}
		for _, name := range want {
			a, err := carriedFS.ReadFile(path.Join(root, name))
			if err != nil {
				continue // reported above
			}
			b, err := os.ReadFile(filepath.Join(info.Dir, filepath.FromSlash(name)))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Errorf("%s/%s differs from %s %s in the module cache: go generate ./runner", m.Path, name, m.Path, m.Version)
			}
		}
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestParseManifest: a manifest that does not read is an error that
// names the line.
func TestParseManifest(t *testing.T) {
	mods, err := parseManifest([]byte("# golang.org/x/sync v0.25.0\n## explicit; go 1.26.0\ngolang.org/x/sync/errgroup\n"))
	if err != nil || len(mods) != 1 || mods[0].Version != "v0.25.0" || len(mods[0].Packages) != 1 {
		t.Fatalf("got %+v, %v", mods, err)
	}
	for _, bad := range []string{"golang.org/x/sync/errgroup\n", "# golang.org/x/sync\n"} {
		if _, err := parseManifest([]byte(bad)); err == nil || !strings.Contains(err.Error(), "modules.txt:1:") {
			t.Errorf("%q: error %v, want one at modules.txt:1", bad, err)
		}
	}
}

// errgroupProgram uses every part of errgroup a reader meets: the group's
// context, its cause, a limit, and Wait cancelling the context.
const errgroupProgram = `package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"
)

func main() {
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(2)
	for i := 0; i < 3; i++ {
		i := i
		g.Go(func() error {
			time.Sleep(time.Duration(i+1) * time.Second)
			if i == 1 {
				return errors.New("task 1 failed")
			}
			return nil
		})
	}
	fmt.Println(g.Wait(), ctx.Err(), context.Cause(ctx))
}
`

// TestCarriedPackage: an example imports errgroup under both engines, with
// and without the OS sandbox, and the context errgroup makes is in the
// trace of each, cancelled with its cause.
func TestCarriedPackage(t *testing.T) {
	for name, r := range map[string]*Runner{"sandbox": testRunner(t), "allowlist": noSandboxRunner(t)} {
		t.Run(name, func(t *testing.T) {
			engines(t, func(t *testing.T, e Engine) {
				res, err := r.Run(t.Context(), "main.go", []byte(errgroupProgram), Options{Engine: e, Timeout: slowMachine})
				if err != nil {
					t.Fatal(err)
				}
				if res.Err != nil {
					t.Fatalf("%v\n%s", res.Err, res.Combined())
				}
				if got, want := res.Combined(), "task 1 failed context canceled task 1 failed\n"; got != want {
					t.Errorf("output %q, want %q", got, want)
				}
				if time.Duration(res.Elapsed) != 4*time.Second {
					t.Errorf("virtual time %v, want 4s (two at a time: the third, 3s long, starts when the first ends at 1s)", res.Elapsed)
				}
				var group *TraceContext
				for i, c := range res.Trace.Contexts {
					if c.Kind == "WithCancelCause" {
						group = &res.Trace.Contexts[i]
					}
				}
				if group == nil {
					t.Fatalf("no context of errgroup.WithContext in the trace: %+v", res.Trace.Contexts)
				}
				if group.Cause != "task 1 failed" || group.Done == nil || time.Duration(*group.Done) != 2*time.Second {
					t.Errorf("errgroup's context: cause %q done %v, want %q at 2s", group.Cause, group.Done, "task 1 failed")
				}
			})
		})
	}
}

// TestCarriedContextInTrace: the compiled trace says where the example
// called errgroup.WithContext and Wait, and names the variable, as for a
// context the example makes itself.
func TestCarriedContextInTrace(t *testing.T) {
	src := `package main

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"
)

func main() {
	g, ctx := errgroup.WithContext(context.Background())
	g.Go(func() error { return nil })
	err := g.Wait()
	fmt.Println(err, ctx.Err(), context.Cause(ctx))
}
`
	res, err := testRunner(t).Run(t.Context(), "main.go", []byte(src), Options{Engine: EngineGo, Timeout: slowMachine})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Combined(), "<nil> context canceled context canceled\n"; got != want {
		t.Fatalf("output %q, want %q", got, want)
	}
	for _, c := range res.Trace.Contexts {
		if c.Kind != "WithCancelCause" {
			continue
		}
		if c.Name != "ctx" || c.Line != 11 || c.Reason != "cancel" || c.CancelLine != 13 {
			t.Errorf("errgroup's context: %+v, want ctx made at line 11, cancelled by Wait at line 13", c)
		}
		return
	}
	t.Fatalf("no context of errgroup.WithContext in the trace: %+v", res.Trace.Contexts)
}

// TestCarriedImportsAllowed: a carried package runs unfenced in allowlist
// mode and in the browser, so it may import only what an example may
// import there.
func TestCarriedImportsAllowed(t *testing.T) {
	err := fs.WalkDir(carriedFS, modulesDir+"/src", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return err
		}
		b, err := carriedFS.ReadFile(p)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, b, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if why := importRefusal(path, IsolationAllowlist); why != "" {
				t.Errorf("%s imports %q, which examples may not import without the sandbox: %s", p, path, why)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCarriedGoroutinesInTrace: under the compiled engine, the goroutines
// errgroup starts are in the trace at the example's g.Go line, labelled by
// the function g.Go was given, with their times; the last one, which returned before Wait
// cancelled the group's context, is not said to have been ended by it,
// though it was waiting on its Done.
func TestCarriedGoroutinesInTrace(t *testing.T) {
	src := `package main

import (
	"context"
	"time"

	"golang.org/x/sync/errgroup"
)

func work(ctx context.Context, d time.Duration) func() error {
	return func() error {
		select {
		case <-time.After(d):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func main() {
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(1)
	for _, d := range []time.Duration{time.Second, 2 * time.Second} {
		g.Go(work(ctx, d))
	}
	g.Wait()
}
`
	res, err := testRunner(t).Run(t.Context(), "main.go", []byte(src), Options{Engine: EngineGo, Timeout: slowMachine})
	if err != nil {
		t.Fatal(err)
	}
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	var got []string
	for _, g := range res.Trace.Goroutines {
		ended := "never"
		if g.Ended != nil {
			ended = time.Duration(*g.Ended).String()
		}
		got = append(got, fmt.Sprintf("%s line %d from %v to %s waited on %d", g.Label, g.Line, time.Duration(g.Started), ended, g.WaitedOn))
	}
	want := []string{
		"work(ctx, d) #1 line 25 from 0s to 1s waited on 0",
		"work(ctx, d) #2 line 25 from 1s to 3s waited on 0",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("goroutines:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
