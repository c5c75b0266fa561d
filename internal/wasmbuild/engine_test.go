package wasmbuild

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"signalwire/internal/browser"
	"signalwire/runner"
)

func TestMain(m *testing.M) {
	if runner.IsChild() {
		runner.ChildMain()
	}
	os.Exit(m.Run())
}

// repoRoot is the module's root, where the engine's package and the book's
// examples are.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// builtEngine builds the engine (cached beside the runner's results) and
// returns its assets.
func builtEngine(t testing.TB) map[string][]byte {
	t.Helper()
	r := &runner.Runner{}
	b := &Builder{Dir: repoRoot(t), CacheDir: r.CacheRoot()}
	files, err := b.Build(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// answer is the engine's answer to a run.
type answer struct {
	Result  *runner.Result `json:"result"`
	Diagram *struct {
		SVG         string `json:"svg"`
		Description string `json:"description"`
	} `json:"diagram"`
	Error string `json:"error"`
}

// TestEngineMatchesNative runs book examples in the browser's engine under
// Node and in the native interpreter engine: the same output, exit status,
// virtual time, leaks and error, and a diagram when the run recorded one.
func TestEngineMatchesNative(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the engine for js/wasm")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node installed")
	}
	files := builtEngine(t)
	zr, err := gzip.NewReader(bytes.NewReader(files[Engine]))
	if err != nil {
		t.Fatal(err)
	}
	wasm, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	root := repoRoot(t)
	names := []string{"timeout", "manual-cancel", "leak-never-listens", "cancel-cause", "nil-parent", "afterfunc", "virtual-clock"}
	type input struct {
		File   string `json:"file"`
		Source string `json:"source"`
	}
	var in []input
	sources := map[string][]byte{}
	for _, n := range names {
		file := "examples/" + n + "/main.go"
		src, err := os.ReadFile(filepath.Join(root, file))
		if err != nil {
			t.Fatal(err)
		}
		sources[n] = src
		in = append(in, input{file, string(src)})
	}
	// A refusal, a compile error and an edited program too.
	in = append(in,
		input{"examples/x/main.go", "package main\n\nimport \"os/exec\"\n\nfunc main() { exec.Command(\"ls\") }\n"},
		input{"examples/x/main.go", "package main\n\nfunc main() { x := 1 }\n"},
		// Long lines: a write costs more in the browser, and the wall-clock
		// limit must not come before the output limit on a busy machine.
		input{"examples/x/main.go", "package main\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n)\n\nfunc main() {\n\tline := strings.Repeat(\"flood \", 700)\n\tfor {\n\t\tfmt.Println(line)\n\t}\n}\n"},
	)
	inJSON, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	goroot, err := exec.CommandContext(t.Context(), "go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	wasmExec := filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js")
	runEngine := filepath.Join(root, "site", "assets", "run-engine.js")
	// A comparison that passed before with the same engine, scripts,
	// inputs, Node and native side (this test binary, which holds the
	// native runner and interpreter) is not made again (browser.Verdicts).
	version, err := exec.CommandContext(t.Context(), node, "--version").Output()
	if err != nil {
		t.Fatalf("node --version: %v", err)
	}
	parts := [][]byte{files[Engine], inJSON}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{exe, wasmExec, runEngine, "testdata/engine.js"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, b)
	}
	verdicts := browser.OpenVerdictsOf(t, "TestEngineMatchesNative", "node "+string(version))
	if verdicts.PassedBefore(t, verdicts.Key(parts...), "the comparison with the native runner") {
		return
	}
	cmd := exec.CommandContext(t.Context(), node, "testdata/engine.js",
		wasmExec, runEngine, write("engine.wasm", wasm), filepath.Join(dir, "answers.json"))
	cmd.Stdin = bytes.NewReader(inJSON)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node: %v", err)
	}
	out, err := os.ReadFile(filepath.Join(dir, "answers.json"))
	if err != nil {
		t.Fatal(err)
	}
	var answers []answer
	if err := json.Unmarshal(out, &answers); err != nil {
		t.Fatalf("node's answers: %v", err)
	}
	if len(answers) != len(in) {
		t.Fatalf("%d answers to %d runs", len(answers), len(in))
	}
	// The browser has no OS sandbox: compare with the native runner
	// without one, under the same allowlist.
	r := &runner.Runner{NoResultCache: true, NoSandbox: true}
	for i, a := range answers {
		t.Run(in[i].File, func(t *testing.T) {
			if a.Error != "" || a.Result == nil {
				t.Fatalf("the engine failed: %s", a.Error)
			}
			want, err := r.Run(t.Context(), in[i].File, []byte(in[i].Source), runner.Options{Engine: runner.EngineYaegi})
			if err != nil {
				t.Fatal(err)
			}
			got := a.Result
			if !reflect.DeepEqual(got.Output, want.Output) {
				t.Errorf("output\n%.2000q\nnative\n%.2000q", got.Combined(), want.Combined())
			}
			if got.ExitCode != want.ExitCode || got.Elapsed != want.Elapsed || got.LeakCount != want.LeakCount || got.Truncated != want.Truncated {
				t.Errorf("exit %d, elapsed %v, leaks %d, truncated %v; native: %d, %v, %d, %v",
					got.ExitCode, got.Elapsed, got.LeakCount, got.Truncated, want.ExitCode, want.Elapsed, want.LeakCount, want.Truncated)
			}
			if (got.Err == nil) != (want.Err == nil) || got.Err != nil && (got.Err.Kind != want.Err.Kind || got.Err.Msg != want.Err.Msg || got.Err.Line != want.Err.Line) {
				t.Errorf("error %+v\nnative %+v", got.Err, want.Err)
			}
			if (a.Diagram != nil) != (want.Trace != nil && len(want.Trace.Contexts)+len(want.Trace.Goroutines) > 0) {
				t.Errorf("diagram %v, but the native trace is %+v", a.Diagram != nil, want.Trace)
			}
		})
	}
}
