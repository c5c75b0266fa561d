package wasmbuild

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKeyFollowsSources: the key changes with a source file of the
// engine and with nothing else.
func TestKeyFollowsSources(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module scratch\n\ngo 1.22\n")
	write("cmd/wasmengine/main.go", "package main\n\nimport \"scratch/lib\"\n\nfunc main() { lib.F() }\n")
	write("lib/lib.go", "package lib\n\nfunc F() {}\n")
	write("other/other.go", "package other\n")
	b := &Builder{Dir: dir}
	key := func() string {
		t.Helper()
		k, err := b.Key(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	k1 := key()
	write("other/other.go", "package other\n\nvar X = 1\n")
	if k := key(); k != k1 {
		t.Errorf("a package the engine does not use changed its key")
	}
	write("lib/lib.go", "package lib\n\nfunc F() { println() }\n")
	if k := key(); k == k1 {
		t.Errorf("a change of a package the engine uses kept its key")
	}
}

// TestCompressIsDeterministic: the same bytes compress to the same bytes.
func TestCompressIsDeterministic(t *testing.T) {
	in := strings.Repeat("signalwire ", 1000)
	a, err := Compress(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Compress(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) || len(a) >= len(in) {
		t.Errorf("compressed %d bytes to %d and %d bytes, not equal", len(in), len(a), len(b))
	}
}
