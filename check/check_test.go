package check

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"signalwire/runner"
	"signalwire/site"
)

// testRunner shares the user's runner cache: fixtures are tiny and their
// results are keyed by content.
var testRunner = &runner.Runner{}

// archive is a fixture book: a txtar archive's files by name.
type archive struct {
	files map[string]string
}

func readArchive(t *testing.T, path string) archive {
	t.Helper()
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(ar.Files) == 0 {
		t.Fatalf("%s: no files", path)
	}
	a := archive{files: map[string]string{}}
	for _, f := range ar.Files {
		if _, dup := a.files[f.Name]; dup {
			t.Fatalf("%s: two files named %s", path, f.Name)
		}
		a.files[f.Name] = string(f.Data)
	}
	return a
}

// materialize writes the archive's files, less "want", into a directory.
func materialize(t *testing.T, a archive) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range a.files {
		if name == "want" {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func newChecker(dir string, out *bytes.Buffer) *Checker {
	return &Checker{
		Root: dir,
		Site: &site.Site{Runner: testRunner, Limits: runner.Options{Timeout: time.Second}},
		Out:  out,
	}
}

func build(t *testing.T, dir string) {
	t.Helper()
	s := &site.Site{Runner: testRunner}
	if err := s.Build(t.Context(), os.DirFS(dir), filepath.Join(dir, "public")); err != nil {
		t.Fatalf("build: %v", err)
	}
}

// TestDefects runs the check on one fixture book per kind of defect and
// asserts that it fails with the right file:line and message.
func TestDefects(t *testing.T) {
	fixtures, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(fixtures) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range fixtures {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txtar"), func(t *testing.T) {
			t.Parallel()
			a := readArchive(t, f)
			want, ok := a.files["want"]
			if !ok {
				t.Fatal("no want section")
			}
			dir := materialize(t, a)
			var out bytes.Buffer
			err := newChecker(dir, &out).Check(t.Context())
			if err == nil {
				t.Fatalf("check passed; want it to fail with\n%s", want)
			}
			for _, line := range strings.Split(strings.TrimSpace(want), "\n") {
				if !strings.Contains(err.Error(), line) {
					t.Errorf("error does not contain %q:\n%v", line, err)
				}
			}
		})
	}
}

func TestUpdateFixesStaleGolden(t *testing.T) {
	dir := materialize(t, readArchive(t, "testdata/golden-mismatch.txtar"))
	var out bytes.Buffer
	c := newChecker(dir, &out)
	c.Update = true
	c.Pattern = regexp.MustCompile("hello")
	if err := c.Check(t.Context()); err != nil {
		t.Fatalf("check -update: %v", err)
	}
	for _, want := range []string{"updated examples/hello/output.txt:", "-hello, world", "+hello, gopher"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report does not say %q:\n%s", want, out.String())
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "examples/hello/output.txt"))
	if err != nil || string(b) != "hello, gopher\n" {
		t.Fatalf("golden file: %q, %v", b, err)
	}
	build(t, dir)
	out.Reset()
	if err := newChecker(dir, &out).Check(t.Context()); err != nil {
		t.Fatalf("second check: %v", err)
	}
	if !strings.HasPrefix(out.String(), "ok: 1 example in 1 chapter") {
		t.Errorf("report %q", out.String())
	}
}

func TestUpdateCreatesGolden(t *testing.T) {
	dir := materialize(t, readArchive(t, "testdata/golden-missing.txtar"))
	var out bytes.Buffer
	c := newChecker(dir, &out)
	c.Update = true
	c.Pattern = regexp.MustCompile(".")
	if err := c.Check(t.Context()); err != nil {
		t.Fatalf("check -update: %v", err)
	}
	if !strings.Contains(out.String(), "created examples/hello/output.txt") {
		t.Errorf("report %q", out.String())
	}
}

func TestUpdateRefusesFailedRun(t *testing.T) {
	a := readArchive(t, "testdata/panic-unexpected.txtar")
	a.files["examples/boom/output.txt"] = "stale\n"
	dir := materialize(t, a)
	var out bytes.Buffer
	c := newChecker(dir, &out)
	c.Update = true
	err := c.Check(t.Context())
	if err == nil || !strings.Contains(err.Error(), `content/01-a.md:6: example "boom" panicked`) || !strings.Contains(err.Error(), "not updating examples/boom/output.txt") {
		t.Fatalf("got %v, want a refusal at the directive", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "examples/boom/output.txt")); string(b) != "stale\n" {
		t.Errorf("golden file was rewritten: %q", b)
	}
}

func passingBook(t *testing.T) string {
	t.Helper()
	a := readArchive(t, "testdata/golden-mismatch.txtar")
	a.files["examples/hello/output.txt"] = "hello, gopher\n"
	dir := materialize(t, a)
	build(t, dir)
	return dir
}

func TestPassingBook(t *testing.T) {
	dir := passingBook(t)
	var out bytes.Buffer
	if err := newChecker(dir, &out).Check(t.Context()); err != nil {
		t.Fatal(err)
	}
	if want := "ok: 1 example in 1 chapter: both engines agree, outputs match and are stable, go vet is clean, site sound and current\n"; out.String() != want {
		t.Errorf("report %q, want %q", out.String(), want)
	}
}

func TestUnusedGoldenWarns(t *testing.T) {
	dir := passingBook(t)
	orphan := filepath.Join(dir, "examples/orphan")
	if err := os.MkdirAll(orphan, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(orphan, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644)
	os.WriteFile(filepath.Join(orphan, "output.txt"), nil, 0o644)
	build(t, dir) // the orphan's source is part of the site
	var out bytes.Buffer
	if err := newChecker(dir, &out).Check(t.Context()); err != nil {
		t.Fatal(err)
	}
	if want := `warning: examples/orphan/output.txt: no chapter uses example "orphan"`; !strings.Contains(out.String(), want) {
		t.Errorf("report %q does not warn %q", out.String(), want)
	}
}

func TestStaleSite(t *testing.T) {
	dir := passingBook(t)
	p := filepath.Join(dir, "content/01-a.md")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, append(b, "\nOne more sentence.\n"...), 0o644)
	os.Remove(filepath.Join(dir, "public/404.html"))
	var out bytes.Buffer
	err := newChecker(dir, &out).Check(t.Context())
	if err == nil {
		t.Fatal("check passed with a stale site")
	}
	for _, want := range []string{
		`public/ is stale: 4 files differ from a fresh build (run "go run . build")`, "404.html (missing)", "a.html (changed)",
		"print.html (changed)", "assets/search-index.js (changed)", // the whole book on one page, and the search index
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
}

func TestRunPattern(t *testing.T) {
	a := readArchive(t, "testdata/golden-mismatch.txtar")
	a.files["content/01-a.md"] += "\n.example boom\n"
	a.files["examples/boom/main.go"] = "package main\n\nfunc main() {\n\tpanic(\"boom\")\n}\n"
	a.files["examples/boom/output.txt"] = ""
	a.files["examples/hello/output.txt"] = "hello, gopher\n"
	dir := materialize(t, a)
	var out bytes.Buffer
	c := newChecker(dir, &out)
	c.Pattern = regexp.MustCompile("^hello$")
	if err := c.Check(t.Context()); err != nil {
		t.Fatalf("-run hello: %v", err)
	}
	c.Pattern = regexp.MustCompile("^boom$")
	if err := c.Check(t.Context()); err == nil || !strings.Contains(err.Error(), `content/01-a.md:8: example "boom" panicked`) {
		t.Fatalf("-run boom: %v", err)
	}
	c.Pattern = regexp.MustCompile("^nothing$")
	if err := c.Check(t.Context()); err == nil || !strings.Contains(err.Error(), "no example matches") {
		t.Fatalf("-run nothing: %v", err)
	}
}

// TestUpdateLeavesSiteCurrent: adding an example takes one command. The
// build names it, and check -update writes the golden file and rebuilds the
// site, after which the book passes its check.
func TestUpdateLeavesSiteCurrent(t *testing.T) {
	dir := materialize(t, readArchive(t, "testdata/golden-missing.txtar"))
	s := &site.Site{Runner: testRunner}
	err := s.Build(t.Context(), os.DirFS(dir), filepath.Join(dir, "public"))
	if want := `(run "go run . check -update": it creates it and rebuilds the site)`; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("build: %v; want it to name the next command, %s", err, want)
	}
	var out bytes.Buffer
	c := newChecker(dir, &out)
	c.Update = true
	if err := c.Check(t.Context()); err != nil {
		t.Fatalf("check -update: %v\n%s", err, out.String())
	}
	for _, want := range []string{"created examples/hello/output.txt\n", "rebuilt public/: "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := newChecker(dir, &out).Check(t.Context()); err != nil {
		t.Fatalf("check after check -update: %v", err)
	}
	if want := "ok: 1 example in 1 chapter"; !strings.HasPrefix(out.String(), want) {
		t.Errorf("report %q, want %q", out.String(), want)
	}
}

// TestCompileErrorAsBuild: check reports an example that does not compile
// with the same located message as the build, not with go vet's raw output.
func TestCompileErrorAsBuild(t *testing.T) {
	dir := materialize(t, readArchive(t, "testdata/compile-error-undeclared.txtar"))
	s := &site.Site{Runner: testRunner}
	buildErr := s.Build(t.Context(), os.DirFS(dir), filepath.Join(dir, "public"))
	if buildErr == nil {
		t.Fatal("build passed")
	}
	var out bytes.Buffer
	c := newChecker(dir, &out)
	c.Pattern = regexp.MustCompile("broken") // the site is not checked
	err := c.Check(t.Context())
	if err == nil {
		t.Fatal("check passed")
	}
	if err.Error() != buildErr.Error() {
		t.Errorf("check says\n%v\nbuild says\n%v", err, buildErr)
	}
}

// TestVetUsesRunnersGo: go vet runs with the runner's go command, so that
// a checker and its runner cannot use different toolchains.
func TestVetUsesRunnersGo(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds an example with an empty cache")
	}
	real, err := exec.LookPath("go")
	if err != nil {
		t.Skip(err)
	}
	bin := t.TempDir()
	log := filepath.Join(bin, "log")
	script := "#!/bin/sh\necho \"$1\" >> '" + log + "'\nexec '" + real + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	a := readArchive(t, "testdata/golden-mismatch.txtar")
	a.files["examples/hello/output.txt"] = "hello, gopher\n"
	dir := materialize(t, a)
	var out bytes.Buffer
	c := &Checker{
		Root:    dir,
		Site:    &site.Site{Runner: &runner.Runner{Go: filepath.Join(bin, "go"), CacheDir: t.TempDir()}},
		Out:     &out,
		Pattern: regexp.MustCompile("hello"),
	}
	if err := c.Check(t.Context()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "vet\n") {
		t.Errorf("the runner's go command did not run go vet; it ran %q", b)
	}
}

// TestVetStopsAtFirstFailure: when go vet cannot run for one example, the
// check fails with that error and the other go vet runs are cancelled,
// not waited for. The fake go vet of "slow" never ends unless killed.
func TestVetStopsAtFirstFailure(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds examples with an empty cache")
	}
	real, err := exec.LookPath("go")
	if err != nil {
		t.Skip(err)
	}
	bin := t.TempDir()
	script := `#!/bin/sh
if [ "$1" = vet ]; then
	case "$3" in
	*slow*) exec sleep 3600 ;;
	*bad*) echo "go vet: cannot run here" >&2; exit 2 ;;
	esac
fi
exec '` + real + `' "$@"
`
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	a := readArchive(t, "testdata/golden-mismatch.txtar")
	a.files["content/01-a.md"] += "\n.example slow\n\n.example bad\n"
	for _, name := range []string{"hello", "slow", "bad"} {
		a.files["examples/"+name+"/main.go"] = "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hello, gopher\")\n}\n"
		a.files["examples/"+name+"/output.txt"] = "hello, gopher\n"
	}
	dir := materialize(t, a)
	var out bytes.Buffer
	c := &Checker{
		Root:    dir,
		Site:    &site.Site{Runner: &runner.Runner{Go: filepath.Join(bin, "go"), CacheDir: t.TempDir()}},
		Out:     &out,
		Pattern: regexp.MustCompile("."),
	}
	done := make(chan error, 1)
	go func() { done <- c.Check(t.Context()) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "go vet examples/bad/main.go") || !strings.Contains(err.Error(), "cannot run here") {
			t.Errorf("check: %v; want go vet's failure for bad", err)
		}
	case <-t.Context().Done():
		t.Fatal("the check waited for a go vet run after another had failed")
	}
}
