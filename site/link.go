package site

import (
	"fmt"
	"html"
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// A link in a chapter is written for the sources, so that it works on a
// forge's view of content/ as well as in the site, and checked when the
// book loads, at the chapter's line:
//
//	04-values.md                 another chapter: its page, values.html
//	04-values.md#keys            a section of it: a heading's id (or an
//	                             example's, #example-NAME)
//	#keys                        a section of this chapter
//	../examples/NAME/main.go     an example's program, copied into the site
//	img/wire.svg                 another file under content/
//	index.html                   the table of contents
//	https://go.dev/              another site: not checked
//
// A link to a chapter, section, example or file that does not exist is an
// error, as is a link to a chapter's page (values.html), which would not
// work in the sources, and a link whose URL can run a script (javascript:,
// vbscript:, data:).

// linkRef is a link or image of a chapter, resolved once every chapter is
// parsed, since it may point at a section of a later one.
type linkRef struct {
	line  int
	node  ast.Node // *ast.Link, *ast.Image or *ast.AutoLink
	dest  string
	image bool
	auto  bool // an autolink: a URL, which only needs a safe scheme
	raw   bool // in raw HTML: written for the site; only its scheme is checked
}

// scriptSchemes are the URL schemes whose links run code in the page.
var scriptSchemes = []string{"javascript", "vbscript", "data"}

// urlScheme returns the scheme of dest as a browser sees it, in lower case:
// a browser drops leading control characters and spaces and every tab and
// newline before it reads the scheme ("java\tscript:").
//
// The scheme is what ^([A-Za-z][A-Za-z0-9+.-]*): matches, read by hand:
// this runs for every link of the book.
func urlScheme(dest string) string {
	dest = strings.TrimLeft(dest, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	if strings.ContainsAny(dest, "\t\n\r") {
		dest = tabsAndNewlines.Replace(dest)
	}
	for i := 0; i < len(dest); i++ {
		c := dest[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '.' || c == '-'):
		case i > 0 && c == ':':
			return strings.ToLower(dest[:i])
		default:
			return ""
		}
	}
	return ""
}

// tabsAndNewlines drops what a browser drops from a URL.
var tabsAndNewlines = strings.NewReplacer("\t", "", "\n", "", "\r", "")

// scanHTML notes what raw HTML in a chapter gives its page and links to:
// its ids, as anchors, and the URLs of its attributes that a browser
// follows or loads, whose scheme must not run a script. Raw HTML is
// written for the site, so its paths are not rewritten or checked here.
func scanHTML(c *Chapter, n ast.Node, src []byte, lines lineIndex) {
	var segs *text.Segments
	switch n := n.(type) {
	case *ast.RawHTML:
		segs = n.Segments
	case *ast.HTMLBlock:
		segs = n.Lines()
	default:
		return
	}
	for i := range segs.Len() {
		seg := segs.At(i)
		b := seg.Value(src)
		for _, m := range htmlIDRE.FindAllSubmatch(b, -1) {
			c.anchors[string(m[1])+string(m[2])+string(m[3])] = true
		}
		for _, m := range htmlURLRE.FindAllSubmatchIndex(b, -1) {
			v := b[max(m[4], m[6], m[8]):max(m[5], m[7], m[9])]
			line := lines.line(seg.Start + m[0])
			c.links = append(c.links, linkRef{line: line, node: n, dest: string(v), raw: true})
		}
	}
}

var (
	htmlIDRE  = regexp.MustCompile(`(?i)\sid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))`)
	htmlURLRE = regexp.MustCompile(`(?i)\s(href|action|formaction)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))`)
)

// layoutIDs are the ids the layout gives every chapter page.
var layoutIDs = []string{"main", "outline", "pager", "theme"}

// resolveLinks checks the links of every chapter of book and rewrites
// those to chapters and examples into links to their pages and files in
// the site.
func resolveLinks(book *Book, errs *errorList) {
	for _, c := range book.Chapters {
		for _, l := range c.links {
			dest, err := linkTarget(book, c, l)
			if err != nil {
				what := "link to"
				switch {
				case l.image:
					what = "image"
				case l.raw:
					what = "HTML link to"
				}
				errs.addf(c.File, l.line, "%s %q: %v", what, l.dest, err)
				continue
			}
			if n, ok := l.node.(*ast.Link); ok {
				n.Destination = []byte(dest)
			}
		}
		c.links = nil
	}
}

// linkTarget checks a link of chapter c written for the sources
// (04-values.md#keys, ../examples/timeout/main.go) and returns the page or
// file of the site it means (values.html#keys, examples/timeout/main.go).
func linkTarget(book *Book, c *Chapter, l linkRef) (string, error) {
	dest := l.dest
	// An HTML attribute's entities are decoded before the browser reads
	// the URL (javascript&#58;).
	if s := urlScheme(html.UnescapeString(dest)); s != "" || l.auto || l.raw {
		if s == "data" && l.image {
			return dest, nil // an image cannot run a script
		}
		for _, bad := range scriptSchemes {
			if s == bad {
				return "", fmt.Errorf("a %s: URL can run a script in the reader's browser; links must not", s)
			}
		}
		return dest, nil // another site: followed only by the reader's choice
	}
	if strings.HasPrefix(dest, "//") {
		return dest, nil
	}
	u, err := url.Parse(dest)
	if err != nil {
		return "", fmt.Errorf("bad URL: %v", err)
	}
	if m := chapterLinkRE.FindStringSubmatch(dest); m != nil {
		for _, t := range book.Chapters {
			if t.File == "content/"+m[1] {
				if err := hasAnchor(t, u.Fragment); err != nil {
					return "", err
				}
				return t.Page() + m[2], nil
			}
		}
		return "", fmt.Errorf("no such chapter%s", didYouMean(m[1], chapterFiles(book)))
	}
	if m := exampleLinkRE.FindStringSubmatch(dest); m != nil {
		if book.Example(m[1]) == nil {
			return "", fmt.Errorf("no such example")
		}
		return "examples/" + m[1] + "/main.go", nil
	}
	switch {
	case u.Path == "":
		if err := hasAnchor(c, u.Fragment); err != nil {
			return "", err
		}
		return dest, nil
	case strings.HasPrefix(u.Path, "/"):
		return "", fmt.Errorf("absolute path: links must be relative, so that the site works from a folder")
	}
	p := path.Join("content", u.Path)
	rel, ok := strings.CutPrefix(p, "content/")
	if !ok {
		return "", fmt.Errorf("%s is not in content/: only content/ and the examples are in the site", p)
	}
	if _, ok := book.Files[rel]; ok || rel == "index.html" {
		return dest, nil // index.html: the table of contents, which has no source
	}
	for _, t := range book.Chapters {
		if t.Page() == rel {
			return "", fmt.Errorf("write the chapter's file, %s, which works in the sources too", path.Base(t.File))
		}
	}
	if slug, ok := strings.CutSuffix(rel, ".html"); ok {
		return "", fmt.Errorf("no such page: a chapter is linked by its file (04-values.md)%s", suggestChapter(book, slug))
	}
	return "", fmt.Errorf("no such file %s", p)
}

// hasAnchor reports whether the page of chapter c has the id fragment.
func hasAnchor(c *Chapter, fragment string) error {
	if fragment == "" || c.anchors[fragment] {
		return nil
	}
	for _, id := range layoutIDs {
		if id == fragment {
			return nil
		}
	}
	for _, u := range c.Uses {
		if u.ID == fragment {
			return nil
		}
	}
	return fmt.Errorf("no heading %q in %s", fragment, c.File)
}

// suggestChapter suggests the chapter whose slug is closest to slug, as
// " (did you mean "04-values.md"?)", or "".
func suggestChapter(book *Book, slug string) string {
	slugs := make([]string, len(book.Chapters))
	for i, c := range book.Chapters {
		slugs[i] = c.Slug
	}
	best := suggest(slug, slugs)
	for _, c := range book.Chapters {
		if best != "" && c.Slug == best {
			return fmt.Sprintf(" (did you mean %q?)", path.Base(c.File))
		}
	}
	return ""
}

// chapterFiles returns the file names of the book's chapters, for
// suggestions.
func chapterFiles(book *Book) []string {
	names := make([]string, len(book.Chapters))
	for i, c := range book.Chapters {
		names[i] = path.Base(c.File)
	}
	return names
}
