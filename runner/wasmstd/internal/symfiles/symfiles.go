// Package symfiles selects yaegi's symbol files for a set of packages.
package symfiles

import (
	"bytes"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
)

// Release is the Go release of yaegi's symbol files used: yaegi v0.16.1
// ships go1_21 and go1_22 files, and the go1_22 ones are those built with
// any later Go.
const Release = "go1_22"

var packageRE = regexp.MustCompile(`(?m)^package stdlib$`)

// Support are the files of yaegi's stdlib that the symbol files need:
// os.Exit and log.Fatal made panics, the interfaces fmt and encoding/json
// look for in interpreted values (MapTypes), and net/http's composed
// interface wrappers.
var Support = []string{"restricted.go", "maptypes.go", "wrapper-composed.go"}

// Name is the file of yaegi's stdlib directory that holds pkg's symbols.
func Name(pkg string) string {
	return Release + "_" + strings.NewReplacer("/", "_", ".", "_").Replace(pkg) + ".go"
}

// Generate returns, by file name, the symbol files of pkgs taken from
// yaegi's module (fsys is its root), each with a line saying where it came
// from and under which licence.
func Generate(fsys fs.FS, version string, pkgs []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	names := append([]string(nil), Support...)
	for _, pkg := range pkgs {
		names = append(names, Name(pkg))
	}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, "stdlib/"+name)
		if err != nil {
			return nil, fmt.Errorf("yaegi %s: %w", version, err)
		}
		var buf bytes.Buffer
		fmt.Fprintf(&buf, "// Copied by gen.go from github.com/traefik/yaegi@%s stdlib/%s\n// (Apache License 2.0, see LICENSE in this directory).\n\n", version, name)
		loc := packageRE.FindIndex(b)
		if loc == nil {
			return nil, fmt.Errorf("yaegi %s: stdlib/%s is not in package stdlib", version, name)
		}
		buf.Write(b[:loc[0]])
		buf.WriteString("package wasmstd")
		buf.Write(b[loc[1]:])
		out[name] = buf.Bytes()
	}
	return out, nil
}
