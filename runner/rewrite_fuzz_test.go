package runner

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRewrites feeds the rewrites every example's source goes through
// before it is compiled (dropBuildConstraints, bubbleInits, instrument,
// linkable) with source nobody planned: none may panic, and a file that
// parses must still parse once rewritten, or an author would get a
// compiler error about code they never wrote.
func FuzzRewrites(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "examples", "*", "*.go"))
	more, _ := filepath.Glob(filepath.Join("testdata", "*.go"))
	for _, name := range append(seeds, more...) {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		const base = "main.go"
		linkable(base, src)
		bubbled, _ := bubbleInits(base, dropBuildConstraints(src))
		out := instrument(base, bubbled)
		if _, err := parser.ParseFile(token.NewFileSet(), base, src, parser.SkipObjectResolution); err != nil {
			return
		}
		if _, err := parser.ParseFile(token.NewFileSet(), base, out, parser.SkipObjectResolution); err != nil {
			t.Fatalf("the source parses, its rewrite does not: %v\n--- source:\n%s\n--- rewritten:\n%s", err, src, out)
		}
	})
}
