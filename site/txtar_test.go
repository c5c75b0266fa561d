package site

import (
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"signalwire/runner"
)

var update = flag.Bool("update", false, "rewrite the expected parts of the golden files in testdata")

// archive is a txtar archive, with string contents for convenient
// comparison.
type archive struct {
	Comment string
	Files   []archiveFile
}

type archiveFile struct {
	Name string
	Data string
}

func parseArchive(data string) *archive {
	ta := txtar.Parse([]byte(data))
	a := &archive{Comment: string(ta.Comment)}
	for _, f := range ta.Files {
		a.Files = append(a.Files, archiveFile{f.Name, string(f.Data)})
	}
	return a
}

func (a *archive) format() []byte {
	ta := &txtar.Archive{Comment: []byte(a.Comment)}
	for _, f := range a.Files {
		ta.Files = append(ta.Files, txtar.File{Name: f.Name, Data: []byte(f.Data)})
	}
	return txtar.Format(ta)
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
