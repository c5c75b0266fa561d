//go:build ignore

// gen copies from yaegi's module the symbol files of the packages examples
// may import (runner.AllowedImports), and nothing else, into this package.
// Run it with go generate after a change of the allowlist or of yaegi's
// version; TestCurrent fails until then.
package main

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"signalwire/runner"
	"signalwire/runner/wasmstd/internal/symfiles"
)

func main() {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}} {{.Version}}", "github.com/traefik/yaegi").Output()
	if err != nil {
		log.Fatalf("finding yaegi's module: %v", err)
	}
	dir, version, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	old, err := filepath.Glob("*.go")
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range old {
		if f == "gen.go" || f == "wasmstd.go" || strings.HasSuffix(f, "_test.go") {
			continue
		}
		if err := os.Remove(f); err != nil {
			log.Fatal(err)
		}
	}
	files, err := symfiles.Generate(os.DirFS(dir), version, runner.AllowedImports())
	if err != nil {
		log.Fatal(err)
	}
	for name, b := range files {
		if err := os.WriteFile(name, b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	lic, err := os.ReadFile(filepath.Join(dir, "LICENSE"))
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("LICENSE", bytes.TrimSpace(lic), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("copied %d symbol files from yaegi %s\n", len(files), version)
}
