//go:build ignore

// modules_gen copies into _modules the packages outside the standard
// library that examples may import (modules.go), from the module cache at
// the version the tool's go.mod requires, with each module's LICENSE and
// the manifest _modules/modules.txt. Run it with go generate ./runner after
// changing the list below or a version in go.mod; TestModulesCurrent fails
// until then.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// packages are the carried packages, by module.
var packages = map[string][]string{
	"golang.org/x/sync": {"golang.org/x/sync/errgroup"},
}

func main() {
	if err := os.RemoveAll("_modules"); err != nil {
		log.Fatal(err)
	}
	var manifest bytes.Buffer
	var mods []string
	for m := range packages {
		mods = append(mods, m)
	}
	sort.Strings(mods)
	for _, m := range mods {
		out, err := exec.Command("go", "list", "-m", "-json", m).Output()
		if err != nil {
			log.Fatalf("finding module %s (is it required in go.mod?): %v", m, err)
		}
		var info struct{ Path, Version, Dir, GoVersion string }
		if err := json.Unmarshal(out, &info); err != nil {
			log.Fatal(err)
		}
		if info.Dir == "" {
			log.Fatalf("module %s %s is not in the module cache: go mod download %s", m, info.Version, m)
		}
		fmt.Fprintf(&manifest, "# %s %s\n## explicit; go %s\n", info.Path, info.Version, info.GoVersion)
		copyFile(filepath.Join(info.Dir, "LICENSE"), filepath.Join("_modules", "src", m, "LICENSE"))
		pkgs := append([]string(nil), packages[m]...)
		sort.Strings(pkgs)
		for _, p := range pkgs {
			manifest.WriteString(p + "\n")
			dir := filepath.Join(info.Dir, strings.TrimPrefix(p, m))
			names, err := filepath.Glob(filepath.Join(dir, "*.go"))
			if err != nil {
				log.Fatal(err)
			}
			for _, name := range names {
				if strings.HasSuffix(name, "_test.go") {
					continue
				}
				copyFile(name, filepath.Join("_modules", "src", p, filepath.Base(name)))
			}
		}
		fmt.Printf("copied %s from %s %s\n", strings.Join(pkgs, ", "), m, info.Version)
	}
	if err := os.WriteFile(filepath.Join("_modules", "modules.txt"), manifest.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}

func copyFile(from, to string) {
	b, err := os.ReadFile(from)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		log.Fatal(err)
	}
}
