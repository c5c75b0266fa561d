package runner

import (
	"strings"
	"testing"

	gen "github.com/traefik/yaegi/stdlib/generic"
)

func TestWithoutGenericSources(t *testing.T) {
	orig := gen.Sources
	for _, tc := range []struct {
		name, src string
		spared    bool
	}{
		{"standard library only", "package main\n\nimport (\n\t\"context\"\n\t\"fmt\"\n\tm \"math/rand/v2\"\n)\n", true},
		{"no imports", "package main\n\nfunc main() {}\n", true},
		{"slices", "package main\n\nimport (\n\t\"fmt\"\n\t\"slices\"\n)\n", false},
		{"maps", "package main\n\nimport \"maps\"\n", false},
		{"cmp, renamed", "package main\n\nimport c \"cmp\"\n", false},
		{"a module", "package main\n\nimport \"golang.org/x/sync/errgroup\"\n", false},
		{"broken", "package main\n\nimport (\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			restore := withoutGenericSources([]byte(tc.src))
			for i, s := range gen.Sources {
				empty := strings.HasPrefix(s, "package ") && !strings.Contains(s, "\n")
				if empty != tc.spared {
					t.Errorf("source %d while in use: %.40q, want it spared %v", i, s, tc.spared)
				}
			}
			restore()
			if gen.Sources != orig {
				t.Errorf("the sources are not restored")
			}
		})
	}
}

// TestInterpGenericPackages: a program that imports yaegi's generic
// packages still gets them.
func TestInterpGenericPackages(t *testing.T) {
	res := runFile(t, testRunner(t), "generic.go", Options{Engine: EngineYaegi})
	if res.Err != nil || res.Stdout() != "true 2 -1\n" {
		t.Errorf("got %q, err %v", res.Stdout(), res.Err)
	}
}
