package site

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBookErrors loads and verifies each book of testdata/errors, whose
// comment is the exact error the build must stop with. Books with
// results/NAME.json files verify against those results, as if the example
// had run so.
func TestBookErrors(t *testing.T) {
	files, err := filepath.Glob("testdata/errors/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatal("no testdata/errors/*.txtar", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			a := readArchive(t, file)
			s := &Site{}
			book, err := s.Load(a.bookFS())
			if err == nil {
				err = Verify(book, a.results(t, book))
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, e := range unjoin(err) {
				var located *Error
				if !errors.As(e, &located) || located.File == "" {
					t.Errorf("error %q is not located", e)
				}
			}
			got := err.Error() + "\n"
			if *update {
				a.Comment = got
				if err := os.WriteFile(file, a.format(), 0o666); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != a.Comment {
				t.Errorf("got error:\n%s\nwant:\n%s", got, a.Comment)
			}
		})
	}
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func TestErrorString(t *testing.T) {
	inner := errors.New("boom")
	for _, tc := range []struct {
		name string
		err  *Error
		want string
	}{
		{"line", &Error{File: "content/01-a.md", Line: 3, Err: inner}, "content/01-a.md:3: boom"},
		{"file", &Error{File: "examples/x", Err: inner}, "examples/x: boom"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if !errors.Is(tc.err, inner) {
				t.Error("Unwrap does not reach the cause")
			}
		})
	}
}

func TestLineIndex(t *testing.T) {
	src := []byte("ab\ncd\n\nef")
	idx := newLineIndex(src)
	for off, want := range map[int]int{0: 1, 1: 1, 2: 1, 3: 2, 5: 2, 6: 3, 7: 4, 8: 4, 9: 4} {
		if got := idx.line(off); got != want {
			t.Errorf("line(%d) = %d, want %d", off, got, want)
		}
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"timeout", "leak", "with-value", "cancel"}
	for _, tc := range []struct{ word, want string }{
		{"timout", "timeout"},
		{"timeuot", "timeout"},
		{"lek", "leak"},
		{"withvalue", "with-value"},
		{"deadline", ""},
		{"x", ""},
	} {
		if got := suggest(tc.word, names); got != tc.want {
			t.Errorf("suggest(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}
