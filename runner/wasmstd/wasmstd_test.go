//go:build !js

package wasmstd

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"signalwire/runner"
	"signalwire/runner/wasmstd/internal/symfiles"
)

// TestCurrent: this package holds the symbols of exactly the packages
// examples may import, and yaegi's support files; after a change of the
// allowlist, run go generate ./runner/wasmstd.
func TestCurrent(t *testing.T) {
	var want []string
	for _, p := range runner.AllowedImports() {
		want = append(want, symfiles.Name(p))
		name := filepath.Base(p)
		if dir := filepath.Dir(p); len(name) > 1 && name[0] == 'v' && name[1] >= '0' && name[1] <= '9' && dir != "." {
			name = filepath.Base(dir) // math/rand/v2 is package rand
		}
		if _, ok := Symbols[p+"/"+name]; !ok {
			t.Errorf("no symbols for %s", p)
		}
	}
	want = append(want, symfiles.Support...)
	slices.Sort(want)
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		switch n := e.Name(); {
		case n == "gen.go" || n == "wasmstd.go" || filepath.Ext(n) != ".go" || len(n) > 8 && n[len(n)-8:] == "_test.go":
		default:
			got = append(got, n)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("files %v\nwant %v\n(run go generate ./runner/wasmstd)", got, want)
	}
}
