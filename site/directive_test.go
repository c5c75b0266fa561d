package site

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

func TestParseDirective(t *testing.T) {
	for _, tc := range []struct {
		line string
		want Directive
		str  string // canonical form, when not line
	}{
		{line: ".example timeout", want: Directive{Name: "timeout"}},
		{line: ".example timeout /^func main/", want: Directive{Name: "timeout", Address: "/^func main/"}},
		{line: ".example timeout /func doWork/,/^}/ output=hide", want: Directive{Name: "timeout", Address: "/func doWork/,/^}/", HideOutput: true}},
		{line: ".example a /x y/ exit=3", want: Directive{Name: "a", Address: "/x y/", Exit: 3}},
		{line: `.example a /a\/b/`, want: Directive{Name: "a", Address: `/a\/b/`}},
		{line: ".example a panic", want: Directive{Name: "a", Panic: true}},
		{line: ".example a leaks=2 unordered realtime", want: Directive{Name: "a", Leaks: 2, Unordered: true, Realtime: true}},
		{line: ".example a compile-error", want: Directive{Name: "a", CompileError: true}},
		{line: ".example a vet=lostcancel", want: Directive{Name: "a", Vet: "lostcancel"}},
		{line: `.example a divergence="yaegi says \"no\" here"`, want: Directive{Name: "a", Divergence: `yaegi says "no" here`}},
		{line: ".example a divergence=short", want: Directive{Name: "a", Divergence: "short"}, str: `.example a divergence="short"`},
		{line: ".example a diagram=hide", want: Directive{Name: "a", HideDiagram: true}},
		{line: ".example a output=show", want: Directive{Name: "a"}, str: ".example a"},
		{line: ".example\ta\t  panic  ", want: Directive{Name: "a", Panic: true}, str: ".example a panic"},
	} {
		t.Run(tc.line, func(t *testing.T) {
			d, err := ParseDirective(tc.line)
			if err != nil {
				t.Fatal(err)
			}
			got := *d
			got.start, got.end = nil, nil
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
			str := tc.str
			if str == "" {
				str = tc.line
			}
			if d.String() != str {
				t.Errorf("String() = %q, want %q", d.String(), str)
			}
		})
	}
}

func TestParseDirectiveErrors(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{".examples x", "unknown directive .examples (did you mean .example?)"},
		{".example Timeout", `.example Timeout: bad example name "Timeout" (want lower-case letters, digits, - and _)`},
		{".example a /x/junk", `.example a: bad address "/x/junk" (want /regexp/ or /start/,/end/, with / in a regexp written \/)`},
		{".example a /x/,/y", `.example a: bad address "/x/,/y" (want /regexp/ or /start/,/end/, with / in a regexp written \/)`},
		{".example a exit=-1", ".example a: option exit=-1: want a number (exit=N)"},
		{".example a exit=256", ".example a: option exit=256: want a number (exit=N)"},
		{".example a output=none", ".example a: option output=none: want output=hide"},
		{".example a diagram=show", ".example a: option diagram=show: want diagram=hide"},
		{".example a vet=", ".example a: option vet=: want the name of a go vet analyzer (vet=lostcancel)"},
		{`.example a divergence=""`, `.example a: option divergence needs a reason: divergence="REASON"`},
		{`.example a divergence="open`, `.example a: bad option "divergence=\"open" (want output=hide, exit=N, panic, leaks=N, compile-error, unordered, realtime, vet=NAME, divergence="REASON" or diagram=hide)`},
		{".example a fast", `.example a: unknown option "fast" (want output=hide, exit=N, panic, leaks=N, compile-error, unordered, realtime, vet=NAME, divergence="REASON" or diagram=hide)`},
		{".example a compile-error leaks=1", ".example a: compile-error cannot be combined with panic, exit, leaks or realtime: the program never runs"},
		// White space other than spaces and tabs, which an editor shows as
		// a space, is named with its column, wherever it is.
		{".example hello \u00a0", ".example: column 16: a no-break space (U+00A0) where only spaces and tabs may separate fields"},
		{".example hello \v", ".example: column 16: a vertical tab (U+000B) where only spaces and tabs may separate fields"},
		{".example hello \f", ".example: column 16: a form feed (U+000C) where only spaces and tabs may separate fields"},
		{".example\u00a0hello", ".example: column 9: a no-break space (U+00A0) where only spaces and tabs may separate fields"},
		{".example h\u00e9 \u2003panic", ".example: column 13: a space character (U+2003) where only spaces and tabs may separate fields"},
		{`.example a divergence="x` + "\u00a0" + `y"`, ".example: column 25: a no-break space (U+00A0) where only spaces and tabs may separate fields"},
	} {
		t.Run(tc.line, func(t *testing.T) {
			_, err := ParseDirective(tc.line)
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tc.want {
				t.Errorf("got  %s\nwant %s", err, tc.want)
			}
		})
	}
}

func TestSelectLines(t *testing.T) {
	src := []byte(`//go:build ignore

package main

import "fmt"

// START OMIT
func helper() int { return 1 } // OMIT
func main() {
	fmt.Println(helper())
}

// END OMIT
`)
	for _, tc := range []struct {
		address string
		want    []int
	}{
		{"", []int{3, 4, 5, 6, 9, 10, 11}},
		{"/^func main/", []int{9}},
		{"/^func/", []int{9}}, // the first match is an OMIT line
		{"/START OMIT/,/END OMIT/", []int{9, 10, 11}},
		{"/^import/,/^}/", []int{5, 6, 9, 10, 11}},
		{"/^$/", nil}, // only a blank line
	} {
		t.Run(tc.address, func(t *testing.T) {
			d, err := ParseDirective(strings.TrimSpace(".example x " + tc.address))
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.selectLines(src)
			if tc.address == "/^$/" {
				if err == nil || !strings.Contains(err.Error(), "selects only blank lines") {
					t.Fatalf("got %v, %v; want a blank-lines error", got, err)
				}
				return
			}
			if tc.address == "/^func/" {
				if err == nil || !strings.Contains(err.Error(), "selects only OMIT lines") {
					t.Fatalf("got %v, %v; want an OMIT error", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got lines %v, want %v", got, tc.want)
			}
		})
	}
}

// TestDirectiveParser checks where the goldmark block parser sees
// directives: at column 0 of a top-level line, interrupting a paragraph,
// and never inside code.
func TestDirectiveParser(t *testing.T) {
	src := []byte("Prose.\n.example a\n\n```\n.example b\n```\n\n    .example c\n\n.example d panic\nMore prose.\n\n.NET is not one.\n\n.example\u00a0e\n")
	doc := (&Site{}).markdown().Parser().Parse(text.NewReader(src))
	var got []string
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if e, ok := n.(*exampleNode); ok && entering {
			got = append(got, e.text)
		}
		return ast.WalkContinue, nil
	})
	want := []string{".example a", ".example d panic", ".example\u00a0e"}
	if !slices.Equal(got, want) {
		t.Errorf("directives %q, want %q", got, want)
	}
}
