package diagram

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// allowedDeps are the packages of this module that the diagram may import:
// the trace type and the English of its description. Anything else (the
// site, goldmark, chroma, the runner and its yaegi) would be drawn into
// the program that runs examples in the browser.
var allowedDeps = []string{
	"signalwire/diagram",
	"signalwire/internal/english",
	"signalwire/runner/harness",
}

// TestDeps checks that the diagram imports the standard library and
// allowedDeps alone, and that it builds for the browser (js/wasm).
func TestDeps(t *testing.T) {
	t.Parallel()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	cmd := exec.CommandContext(t.Context(), goCmd, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".")
	cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if !slices.Contains(allowedDeps, p) {
			t.Errorf("the diagram imports %s; it may import only the standard library and %v", p, allowedDeps)
		}
	}
	if testing.Short() {
		return
	}
	build := exec.CommandContext(t.Context(), goCmd, "build", "-o", "/dev/null", ".")
	build.Env = append(build.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("GOOS=js GOARCH=wasm go build: %v\n%s", err, out)
	}
}
