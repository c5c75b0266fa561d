package site

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"signalwire/runner"
)

var update = flag.Bool("update", false, "rewrite the expected parts of the golden files in testdata")

// archive is a txtar archive (golang.org/x/tools/txtar's format): a comment,
// then files, each introduced by a "-- name --" line.
type archive struct {
	Comment string
	Files   []archiveFile
}

type archiveFile struct {
	Name string
	Data string
}

func parseArchive(data string) *archive {
	a := &archive{}
	cur := &a.Comment
	for _, line := range strings.SplitAfter(data, "\n") {
		if name, ok := fileMarker(line); ok {
			a.Files = append(a.Files, archiveFile{Name: name})
			cur = &a.Files[len(a.Files)-1].Data
			continue
		}
		*cur += line
	}
	return a
}

func fileMarker(line string) (string, bool) {
	line = strings.TrimRight(line, "\r\n")
	if !strings.HasPrefix(line, "-- ") || !strings.HasSuffix(line, " --") || len(line) < 7 {
		return "", false
	}
	return strings.TrimSpace(line[3 : len(line)-3]), true
}

func (a *archive) format() []byte {
	var b bytes.Buffer
	b.WriteString(fixNL(a.Comment))
	for _, f := range a.Files {
		b.WriteString("-- " + f.Name + " --\n")
		b.WriteString(fixNL(f.Data))
	}
	return b.Bytes()
}

func fixNL(s string) string {
	if s == "" || strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

func (a *archive) file(name string) (string, bool) {
	for _, f := range a.Files {
		if f.Name == name {
			return f.Data, true
		}
	}
	return "", false
}

func (a *archive) set(name, data string) {
	for i := range a.Files {
		if a.Files[i].Name == name {
			a.Files[i].Data = data
			return
		}
	}
	a.Files = append(a.Files, archiveFile{name, data})
}

func readArchive(t *testing.T, file string) *archive {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return parseArchive(string(b))
}

// bookFS returns the files of the archive under content/ and examples/.
func (a *archive) bookFS() fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, f := range a.Files {
		if strings.HasPrefix(f.Name, "content/") || strings.HasPrefix(f.Name, "examples/") {
			fsys[f.Name] = &fstest.MapFile{Data: []byte(f.Data)}
		}
	}
	return fsys
}

// results returns the runner results of the archive's results/NAME.json
// files, as if each example had run; nil if it has none.
func (a *archive) results(t *testing.T, book *Book) *Results {
	t.Helper()
	byName := map[string]*runner.Result{}
	for _, f := range a.Files {
		name, ok := strings.CutPrefix(f.Name, "results/")
		if !ok {
			continue
		}
		var res runner.Result
		if err := json.Unmarshal([]byte(f.Data), &res); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		byName[strings.TrimSuffix(name, ".json")] = &res
	}
	if len(byName) == 0 {
		return nil
	}
	return fakeResults(book, byName)
}

// fakeResults makes Results as if each example had run with the result
// given for its name.
func fakeResults(book *Book, byName map[string]*runner.Result) *Results {
	rs := &Results{runs: map[runKey]*runner.Result{}}
	for _, u := range book.Uses() {
		if res := byName[u.Example.Name]; res != nil {
			rs.runs[keyOf(u)] = res
		}
	}
	return rs
}
