package runner

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBuildSharesStandardLibrary: the flags and environment an example is
// built with leave the standard packages the harness and most examples
// use exactly as a plain build compiles them, so that Go's cache, filled
// by the tool's own build, serves them. `go list -export` names the cached
// export data of a package by its build's action ID: the same file means
// no second compilation. An -overlay of os, -trimpath or a -gcflags=all=
// would each give every package here a file of its own.
func TestBuildSharesStandardLibrary(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/go.mod", []byte("module "+buildModule+"\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pkgs := []string{"runtime", "os", "fmt", "time", "encoding/json", "testing", "testing/synctest", "log"}
	list := func(flags, env []string) []string {
		args := append(append([]string{"list", "-export", "-f", "{{.ImportPath}} {{.Export}}"}, flags...), pkgs...)
		cmd := exec.CommandContext(t.Context(), "go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %v: %v\n%s", args, err, out)
		}
		return strings.Fields(string(out))
	}
	plain := list(nil, []string{"GOFLAGS="})
	example := list(buildFlags, buildEnv)
	if len(plain) != 2*len(pkgs) || len(example) != len(plain) {
		t.Fatalf("go list printed %q and %q", plain, example)
	}
	for i := 0; i < len(plain); i += 2 {
		if plain[i+1] != example[i+1] {
			t.Errorf("%s: built for an example as %s, for the tool as %s: a second compilation", plain[i], example[i+1], plain[i+1])
		}
	}
}

// TestExitCallsReport: os.Exit and log.Fatal report the program's virtual
// time to the harness before it ends, however the package is named.
func TestExitCallsReport(t *testing.T) {
	tests := []struct {
		name, imports, call string
		code                int
		stderr              string
		goOnly              bool // the interpreter's log.Fatal ignores log's flags
	}{
		{"os.Exit", `"os"`, "os.Exit(3)", 3, "", false},
		{"renamed os", `sys "os"`, "sys.Exit(3)", 3, "", false},
		{"os.Exit as a value", `"os"`, "exit := os.Exit\n\texit(5)", 5, "", false},
		{"log.Fatal", `"log"`, `log.Fatal("gave up")`, 1, "2000/01/01 00:00:02 gave up\n", false},
		{"log.Fatalf", `"log"`, `log.Fatalf("gave up after %d", 2)`, 1, "2000/01/01 00:00:02 gave up after 2\n", false},
		{"log.Fatalln", `"log"`, `log.Fatalln("gave", "up")`, 1, "2000/01/01 00:00:02 gave up\n", false},
		{"log.Fatal's line", `"log"`, `log.SetFlags(log.Lshortfile); log.Fatal("gave up")`, 1, "main.go:12: gave up\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := fmt.Sprintf(`package main

import (
	"fmt"
	"time"
	%s
)

func main() {
	time.Sleep(2 * time.Second)
	fmt.Println("slept")
	%s
	fmt.Println("not reached")
}
`, tt.imports, tt.call)
			engines(t, func(t *testing.T, e Engine) {
				if tt.goOnly && e != EngineGo {
					t.Skip("the compiled engine only")
				}
				res, err := testRunner(t).Run(t.Context(), "main.go", []byte(src), Options{Engine: e, Timeout: slowMachine})
				if err != nil {
					t.Fatal(err)
				}
				wantErr(t, res, KindExit, 0)
				if res.ExitCode != tt.code || res.Stdout() != "slept\n" || res.Stderr() != tt.stderr {
					t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", res.ExitCode, res.Stdout(), res.Stderr(), tt.code, "slept\n", tt.stderr)
				}
				if res.Elapsed != Duration(2*time.Second) {
					t.Errorf("elapsed %v, want 2s", res.Elapsed)
				}
			})
		})
	}
}

// TestExitCompileErrorNamesOsExit: a compile error about a rewritten call
// names the function the example wrote, at its place.
func TestExitCompileErrorNamesOsExit(t *testing.T) {
	src := "package main\n\nimport \"os\"\n\nfunc main() {\n\tos.Exit(\"now\")\n}\n"
	res, err := testRunner(t).Run(t.Context(), "main.go", []byte(src), Options{Engine: EngineGo, Timeout: slowMachine})
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, res, KindCompile, 6)
	if !strings.Contains(res.Err.Msg, "os.Exit") || strings.Contains(res.Err.Msg, "signalwire") || res.Err.Col != 10 {
		t.Errorf("error %q at column %d, want one about os.Exit at column 10", res.Err.Msg, res.Err.Col)
	}
}

// TestOutputOfInitInOrder: what package main writes while it is
// initialized is the program's output, in order with the rest.
func TestOutputOfInitInOrder(t *testing.T) {
	src := `package main

import (
	"fmt"
	"os"
)

var greeting = say("var")

func say(s string) string { fmt.Println(s); return s }

func init() { fmt.Fprintln(os.Stderr, "init") }

func main() { fmt.Println("main") }
`
	want := []Chunk{{Stdout, "var\n"}, {Stderr, "init\n"}, {Stdout, "main\n"}}
	engines(t, func(t *testing.T, e Engine) {
		res, err := testRunner(t).Run(t.Context(), "main.go", []byte(src), Options{Engine: e, Timeout: slowMachine})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(res.Output) != fmt.Sprint(want) || res.Err != nil {
			t.Errorf("output %q, error %v; want %q", res.Output, res.Err, want)
		}
	})
}

// TestLargeWrite: one write of 300 KB to os.Stdout arrives whole (one
// datagram; the kernel's default limit is about 400 KB with the send
// buffer the runner asks for).
func TestLargeWrite(t *testing.T) {
	src := `package main

import (
	"os"
	"strings"
)

func main() {
	os.Stdout.WriteString(strings.Repeat("x", 300000))
	os.Stderr.WriteString("done\n")
}
`
	res, err := testRunner(t).Run(t.Context(), "main.go", []byte(src), Options{Engine: EngineGo, Timeout: slowMachine})
	if err != nil {
		t.Fatal(err)
	}
	if res.Err != nil || len(res.Stdout()) != 300000 || res.Stderr() != "done\n" {
		t.Errorf("error %v, %d bytes of stdout, stderr %q", res.Err, len(res.Stdout()), res.Stderr())
	}
}

// TestModuleDirPruned: making the module directory of a new runner
// removes those of others idle for a day, and keeps the rest.
func TestModuleDirPruned(t *testing.T) {
	r := &Runner{CacheDir: t.TempDir(), NoResultCache: true}
	tc, err := r.toolchain(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	build := filepath.Join(r.CacheDir, "build")
	old, recent := filepath.Join(build, "old"), filepath.Join(build, "recent")
	for _, d := range []string{old, recent} {
		if err := os.MkdirAll(filepath.Join(d, "internal"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().Add(-2 * moduleIdle)
	if err := os.Chtimes(old, long, long); err != nil {
		t.Fatal(err)
	}
	mod, err := r.moduleDir(tc)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]bool{old: false, recent: true, filepath.Join(mod, "go.mod"): true} {
		if _, err := os.Stat(path); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", path, err == nil, want)
		}
	}
}
