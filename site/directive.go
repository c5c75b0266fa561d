package site

import (
	"fmt"
	"html"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Directive is a parsed .example line.
type Directive struct {
	Name    string // the example: examples/Name/main.go
	Address string // the part of the file shown, as written ("/start/,/end/"); "" shows the whole file

	HideOutput   bool   // output=hide
	Exit         int    // exit=N: the expected exit status (0 by default)
	Panic        bool   // panic: a panic is expected (exit status 2)
	Leaks        int    // leaks=N: that many goroutines are expected to leak
	CompileError bool   // compile-error: the example must not compile
	Unordered    bool   // unordered: output is compared as sorted lines
	Realtime     bool   // realtime: run on the real clock
	Vet          string // vet=NAME: the go vet analyzer the example exists to show
	Divergence   string // divergence="REASON": why the interpreter disagrees with the compiled program
	HideDiagram  bool   // diagram=hide: no diagram of the run's contexts

	start, end *regexp.Regexp // the compiled address; end is nil for a single line
}

// The regular expressions of the grammar documented at ParseDirective.
var (
	directiveRE = regexp.MustCompile(`^\.([a-z][a-z-]*)(?:[\s\v\p{Z}\x{85}]|$)`)
	nameRE      = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	addressRE   = regexp.MustCompile(`^/((?:[^/\\]|\\.)+)/(?:,/((?:[^/\\]|\\.)+)/)?(?:\s|$)`)
	optionRE    = regexp.MustCompile(`^([a-z][a-z-]*)(?:=("(?:[^"\\]|\\.)*"|[^\s"]*))?(?:\s|$)`)
	omitRE      = regexp.MustCompile(`\bOMIT\b`)
	vetRE       = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// directiveName is the only directive there is.
const directiveName = "example"

// optionSyntax lists the options for messages.
const optionSyntax = `output=hide, exit=N, panic, leaks=N, compile-error, unordered, realtime, vet=NAME, divergence="REASON" or diagram=hide`

// isDirective reports whether line is meant as a directive: .example, or a
// dotted word close enough to it to be a typo, which is better reported than
// printed as prose.
func isDirective(line []byte) bool {
	m := directiveRE.FindSubmatch(line)
	return m != nil && editDistance(string(m[1]), directiveName) <= 2
}

// ParseDirective parses a directive line (without its newline). A
// directive is a line of its own that starts at column 0, outside any list
// or quote (directiveRE):
//
//	.example NAME [ADDRESS] [OPTION...]
//
// NAME (nameRE) names the directory examples/NAME, which holds main.go and
// output.txt.
//
// ADDRESS (addressRE) selects the lines of main.go shown on the page, in the
// manner of golang.org/x/tools/present's .code; the whole program still
// runs. Each REGEXP is a Go regular expression matched against one line at a
// time, so ^ and $ anchor at the line's ends; a "/" inside it is written
// "\/".
//
//	/REGEXP/               the first line that matches
//	/START/,/END/          the first line matching START through the next
//	                       line after it matching END
//
// Without an address the whole file is shown, less a leading //go:build
// line. Either way, lines containing the word OMIT are never shown, nor
// blank lines at the end of what is shown.
//
// OPTION (optionRE) is KEY, KEY=VALUE or KEY="VALUE", the quoted form being
// a Go string literal, so it may hold spaces. Each option is given at most
// once:
//
//	output=hide            run and verify the example, but show no output
//	exit=N                 the program exits with status N: os.Exit(N), or
//	                       a fatal error such as a deadlock (exit=2)
//	panic                  the program panics (exit status 2)
//	leaks=N                N goroutines are still blocked when main returns
//	compile-error          the program does not compile; the golden file
//	                       holds the compiler's messages
//	unordered              compare the output with the golden file as sorted
//	                       lines, for programs whose goroutines print in any
//	                       order
//	realtime               run on the real clock, not the virtual one (for
//	                       real network I/O, such as httptest servers)
//	vet=NAME               the example shows the go vet finding NAME (for
//	                       instance lostcancel); recorded for the check
//	                       command
//	divergence="REASON"    the yaegi interpreter is known to disagree with
//	                       the compiled program, for REASON; the compiled
//	                       output stays the truth
//	diagram=hide           do not draw the diagram of the run's contexts and
//	                       goroutines under its output, where it adds
//	                       nothing
//
// compile-error excludes panic, exit, leaks and realtime, since the program
// never runs; panic excludes exit.
//
// A line at column 0 that starts with a dotted word within two typos of
// .example (.exmaple) is taken as a misspelt directive and reported, not
// printed as prose.
//
// The fields of a directive are separated by spaces and tabs only. Any
// other white space in the line, such as a no-break space (U+00A0), a
// vertical tab or a form feed, is an error naming it and its column, even
// at the end of the line or inside a quoted value: it looks like a space
// in an editor but is not one, so the line would not mean what it shows.
// A dotted word followed by such a character is still taken as a
// directive, so that it is reported rather than printed as prose.
func ParseDirective(line string) (*Directive, error) {
	m := directiveRE.FindStringSubmatch(line)
	if m == nil {
		return nil, fmt.Errorf("not a directive: %q", line)
	}
	if m[1] != directiveName {
		return nil, fmt.Errorf("unknown directive .%s (did you mean .%s?)", m[1], directiveName)
	}
	if err := checkSpaces(line); err != nil {
		return nil, fmt.Errorf(".%s: %v", directiveName, err)
	}
	rest := strings.TrimLeft(line[len(m[0]):], " \t")
	name := rest
	if i := strings.IndexAny(rest, " \t"); i >= 0 {
		name, rest = rest[:i], strings.TrimLeft(rest[i:], " \t")
	} else {
		rest = ""
	}
	if name == "" {
		return nil, fmt.Errorf(".example needs an example name: .example NAME [/start/,/end/] [OPTION...]")
	}
	if !nameRE.MatchString(name) {
		return nil, fmt.Errorf(".example %s: bad example name %q (want lower-case letters, digits, - and _)", name, name)
	}
	d := &Directive{Name: name}
	fail := func(format string, args ...any) (*Directive, error) {
		return nil, fmt.Errorf(".example %s: "+format, append([]any{name}, args...)...)
	}
	if strings.HasPrefix(rest, "/") {
		m := addressRE.FindStringSubmatch(rest)
		if m == nil {
			return fail("bad address %q (want /regexp/ or /start/,/end/, with / in a regexp written \\/)", rest)
		}
		d.Address = strings.TrimRight(m[0], " \t")
		var err error
		if d.start, err = regexp.Compile(m[1]); err != nil {
			return fail("bad address %s: %v", d.Address, err)
		}
		if m[2] != "" {
			if d.end, err = regexp.Compile(m[2]); err != nil {
				return fail("bad address %s: %v", d.Address, err)
			}
		}
		rest = strings.TrimLeft(rest[len(m[0]):], " \t")
	}
	seen := map[string]bool{}
	for rest != "" {
		m := optionRE.FindStringSubmatch(rest)
		if m == nil {
			return fail("bad option %q (want %s)", strings.Fields(rest)[0], optionSyntax)
		}
		rest = strings.TrimLeft(rest[len(m[0]):], " \t")
		key, value, hasValue := m[1], m[2], strings.Contains(m[0], "=")
		if strings.HasPrefix(value, `"`) {
			v, err := strconv.Unquote(value)
			if err != nil {
				return fail("option %s: bad quoted value %s", key, value)
			}
			value = v
		}
		if seen[key] {
			return fail("option %s given twice", key)
		}
		seen[key] = true
		if err := d.setOption(key, value, hasValue); err != nil {
			return fail("%v", err)
		}
	}
	switch {
	case d.CompileError && (d.Panic || d.Exit != 0 || d.Leaks != 0 || d.Realtime):
		return fail("compile-error cannot be combined with panic, exit, leaks or realtime: the program never runs")
	case d.Panic && d.Exit != 0:
		return fail("panic already means exit status 2; drop exit=%d", d.Exit)
	}
	return d, nil
}

// spaceNames name the white space characters met most often where a
// space was meant.
var spaceNames = map[rune]string{
	'\v':   "a vertical tab",
	'\f':   "a form feed",
	'\r':   "a carriage return",
	'\n':   "a newline",
	0x85:   "a next-line character",
	0xa0:   "a no-break space",
	0x2007: "a figure space",
	0x202f: "a narrow no-break space",
	0x3000: "an ideographic space",
	0x2028: "a line separator",
	0x2029: "a paragraph separator",
	0x1680: "an ogham space mark",
	0x205f: "a medium mathematical space",
	0x200a: "a hair space",
	0x2009: "a thin space",
}

// checkSpaces reports the first white space character of line that is not
// a space or a tab.
func checkSpaces(line string) error {
	col := 0
	for _, r := range line {
		col++
		if r == ' ' || r == '\t' || !unicode.IsSpace(r) {
			continue
		}
		name := spaceNames[r]
		if name == "" {
			name = "a space character"
		}
		return fmt.Errorf("column %d: %s (%U) where only spaces and tabs may separate fields", col, name, r)
	}
	return nil
}

// options are the keys setOption knows, for suggestions.
var options = []string{"output", "exit", "panic", "leaks", "compile-error", "unordered", "realtime", "vet", "divergence", "diagram"}

func (d *Directive) setOption(key, value string, hasValue bool) error {
	flag := func(p *bool) error {
		if hasValue {
			return fmt.Errorf("option %s takes no value", key)
		}
		*p = true
		return nil
	}
	count := func(p *int) error {
		n, err := strconv.Atoi(value)
		if err != nil || n < 0 || (key == "exit" && n > 255) {
			return fmt.Errorf("option %s=%s: want a number (%s=N)", key, value, key)
		}
		*p = n
		return nil
	}
	word := func(p *bool, want string) error {
		if value != want {
			return fmt.Errorf("option %s=%s: want %s=%s", key, value, key, want)
		}
		*p = true
		return nil
	}
	switch key {
	case "output":
		if value == "show" {
			return nil
		}
		return word(&d.HideOutput, "hide")
	case "exit":
		return count(&d.Exit)
	case "panic":
		return flag(&d.Panic)
	case "leaks":
		return count(&d.Leaks)
	case "compile-error":
		return flag(&d.CompileError)
	case "unordered":
		return flag(&d.Unordered)
	case "realtime":
		return flag(&d.Realtime)
	case "vet":
		if !vetRE.MatchString(value) {
			return fmt.Errorf("option vet=%s: want the name of a go vet analyzer (vet=lostcancel)", value)
		}
		d.Vet = value
		return nil
	case "divergence":
		if strings.TrimSpace(value) == "" {
			return fmt.Errorf(`option divergence needs a reason: divergence="REASON"`)
		}
		d.Divergence = value
		return nil
	case "diagram":
		return word(&d.HideDiagram, "hide")
	}
	if s := suggest(key, options); s != "" {
		return fmt.Errorf("unknown option %q (did you mean %q?)", key, s)
	}
	return fmt.Errorf("unknown option %q (want %s)", key, optionSyntax)
}

// String returns the directive in its canonical form.
func (d *Directive) String() string {
	parts := []string{"." + directiveName, d.Name}
	if d.Address != "" {
		parts = append(parts, d.Address)
	}
	add := func(ok bool, s string) {
		if ok {
			parts = append(parts, s)
		}
	}
	add(d.HideOutput, "output=hide")
	add(d.Exit != 0, fmt.Sprintf("exit=%d", d.Exit))
	add(d.Panic, "panic")
	add(d.Leaks != 0, fmt.Sprintf("leaks=%d", d.Leaks))
	add(d.CompileError, "compile-error")
	add(d.Unordered, "unordered")
	add(d.Realtime, "realtime")
	add(d.Vet != "", "vet="+d.Vet)
	add(d.Divergence != "", "divergence="+strconv.Quote(d.Divergence))
	add(d.HideDiagram, "diagram=hide")
	return strings.Join(parts, " ")
}

// selectLines returns the 1-based numbers of the lines of src that the
// directive shows.
func (d *Directive) selectLines(src []byte) ([]int, error) {
	lines := strings.Split(strings.TrimSuffix(string(src), "\n"), "\n")
	first, last := 1, len(lines)
	if d.start != nil {
		first = slices.IndexFunc(lines, d.start.MatchString) + 1
		if first == 0 {
			return nil, fmt.Errorf("address %s: no line matches /%s/", d.Address, d.start)
		}
		last = first
		if d.end != nil {
			i := slices.IndexFunc(lines[first:], d.end.MatchString)
			if i < 0 {
				return nil, fmt.Errorf("address %s: no line after line %d matches /%s/", d.Address, first, d.end)
			}
			last = first + 1 + i
		}
	} else if strings.HasPrefix(lines[0], "//go:build ") {
		// The constraint is how compile-error examples stay out of go vet;
		// it says nothing to a reader.
		for first < len(lines) && (first == 1 || strings.TrimSpace(lines[first-1]) == "") {
			first++
		}
	}
	var shown []int
	for n := first; n <= last; n++ {
		if !omitRE.MatchString(lines[n-1]) {
			shown = append(shown, n)
		}
	}
	if len(shown) == 0 {
		return nil, fmt.Errorf("address %s selects only OMIT lines", d.Address)
	}
	// Blank lines at the end say nothing: an OMIT line that ends a range
	// comes after one, since gofmt separates it from the function before.
	for len(shown) > 0 && strings.TrimSpace(lines[shown[len(shown)-1]-1]) == "" {
		shown = shown[:len(shown)-1]
	}
	if len(shown) == 0 {
		return nil, fmt.Errorf("address %s selects only blank lines", d.Address)
	}
	return shown, nil
}

// exampleNode is a directive in a chapter's syntax tree.
type exampleNode struct {
	ast.BaseBlock
	text      string // the directive line
	offset    int    // of the line in the source
	misplaced string // why the line cannot be a directive here, or ""
	use       *Use   // set by Load
}

// kindExample is the kind of an exampleNode.
var kindExample = ast.NewNodeKind("Example")

func (n *exampleNode) Kind() ast.NodeKind { return kindExample }

func (n *exampleNode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Text": n.text}, nil)
}

// directiveParser is a goldmark block parser for directive lines.
type directiveParser struct{}

func (directiveParser) Trigger() []byte { return []byte{'.'} }

func (directiveParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	pos := pc.BlockOffset()
	if pos < 0 || !isDirective(line[pos:]) {
		return nil, parser.NoChildren
	}
	src := reader.Source()
	start := seg.Start + pos
	n := &exampleNode{text: strings.TrimRight(string(line[pos:]), " \t\r\n"), offset: start}
	switch {
	case parent.Kind() != ast.KindDocument:
		n.misplaced = "a directive must be a paragraph of its own, not inside a list or quote"
	case start > 0 && src[start-1] != '\n':
		n.misplaced = "a directive must start at column 0"
	}
	reader.AdvanceToEOL()
	return n, parser.NoChildren
}

func (directiveParser) Continue(ast.Node, text.Reader, parser.Context) parser.State {
	return parser.Close
}

func (directiveParser) Close(ast.Node, text.Reader, parser.Context) {}
func (directiveParser) CanInterruptParagraph() bool                 { return true }
func (directiveParser) CanAcceptIndentedLine() bool                 { return false }

// directiveHTMLRenderer renders a directive met outside a chapter page's
// layout, where there is no example to show, as the line it is.
type directiveHTMLRenderer struct{}

func (directiveHTMLRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindExample, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			w.WriteString(`<pre class="directive">`)
			w.WriteString(html.EscapeString(n.(*exampleNode).text))
			w.WriteString("</pre>\n")
		}
		return ast.WalkSkipChildren, nil
	})
}

// directiveExtension adds .example directives to goldmark.
type directiveExtension struct{}

func (directiveExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithBlockParsers(util.Prioritized(directiveParser{}, 50)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(directiveHTMLRenderer{}, 50)))
}
