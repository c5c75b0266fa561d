// Package linkcheck checks a static site the way a reader's browser meets
// it: every HTML page is well formed, every internal link and #anchor
// resolves, and no page loads anything from another host.
package linkcheck

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Problem is one defect, at a line of a file of the site.
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg) }

// ref is a reference from a page to a URL.
type ref struct {
	file, url string
	line      int
	resource  bool // loaded by the browser (src, stylesheet), not followed
}

// Check checks every .html and .css file of site.
func Check(site fs.FS) ([]Problem, error) {
	var (
		problems []Problem
		refs     []ref
		ids      = map[string]map[string]bool{} // file -> ids
	)
	err := fs.WalkDir(site, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch path.Ext(p) {
		case ".html":
			b, err := fs.ReadFile(site, p)
			if err != nil {
				return err
			}
			pageIDs, pageRefs, pageProblems := scanHTML(p, b)
			ids[p] = pageIDs
			refs = append(refs, pageRefs...)
			problems = append(problems, pageProblems...)
		case ".css":
			b, err := fs.ReadFile(site, p)
			if err != nil {
				return err
			}
			refs = append(refs, scanCSS(p, b)...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, r := range refs {
		if msg := resolve(site, ids, r); msg != "" {
			problems = append(problems, Problem{r.file, r.line, msg})
		}
	}
	sort.SliceStable(problems, func(i, j int) bool {
		if problems[i].File != problems[j].File {
			return problems[i].File < problems[j].File
		}
		return problems[i].Line < problems[j].Line
	})
	return problems, nil
}

// resourceAttrs are the attributes whose URL the browser loads by itself.
var resourceAttrs = map[atom.Atom]string{
	atom.Script: "src", atom.Img: "src", atom.Iframe: "src", atom.Source: "src",
	atom.Audio: "src", atom.Video: "src", atom.Embed: "src", atom.Track: "src",
	atom.Object: "data", atom.Input: "src",
}

// scanHTML tokenizes a page, checking that elements nest, and collects its
// ids and references.
func scanHTML(file string, b []byte) (ids map[string]bool, refs []ref, problems []Problem) {
	ids = map[string]bool{}
	z := html.NewTokenizer(bytes.NewReader(b))
	line := 1
	type open struct {
		name string
		line int
	}
	var stack []open
	for {
		tt := z.Next()
		raw := z.Raw()
		tokLine := line
		line += bytes.Count(raw, []byte("\n"))
		switch tt {
		case html.ErrorToken:
			for _, o := range stack {
				if !optionalEnd[o.name] {
					problems = append(problems, Problem{file, o.line, fmt.Sprintf("<%s> is never closed", o.name)})
				}
			}
			return ids, refs, problems
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			for _, a := range tok.Attr {
				switch {
				case a.Key == "id":
					if ids[a.Val] {
						problems = append(problems, Problem{file, tokLine, fmt.Sprintf("duplicate id %q", a.Val)})
					}
					ids[a.Val] = true
				case a.Key == "href" && tok.DataAtom == atom.A:
					refs = append(refs, ref{file: file, url: a.Val, line: tokLine})
				case a.Key == "href" && tok.DataAtom == atom.Link:
					refs = append(refs, ref{file: file, url: a.Val, line: tokLine, resource: true})
				case a.Key == resourceAttrs[tok.DataAtom]:
					refs = append(refs, ref{file: file, url: a.Val, line: tokLine, resource: true})
				case a.Key == "style":
					for _, u := range cssURLs(a.Val) {
						refs = append(refs, ref{file: file, url: u, line: tokLine, resource: true})
					}
				}
				if tok.DataAtom == atom.A && a.Key == "name" {
					ids[a.Val] = true
				}
			}
			if tt == html.StartTagToken && !voidElements[tok.Data] {
				stack = append(stack, open{tok.Data, tokLine})
			}
		case html.EndTagToken:
			tok := z.Token()
			i := len(stack) - 1
			for i >= 0 && stack[i].name != tok.Data {
				i--
			}
			if i < 0 {
				problems = append(problems, Problem{file, tokLine, fmt.Sprintf("</%s> has no open <%s>", tok.Data, tok.Data)})
				continue
			}
			for _, o := range stack[i+1:] {
				if !optionalEnd[o.name] {
					problems = append(problems, Problem{file, tokLine, fmt.Sprintf("<%s> (line %d) is not closed before </%s>", o.name, o.line, tok.Data)})
				}
			}
			stack = stack[:i]
		case html.TextToken:
			if n := len(stack); n > 0 && stack[n-1].name == "style" {
				for _, u := range cssURLs(string(raw)) {
					refs = append(refs, ref{file: file, url: u, line: tokLine, resource: true})
				}
			}
		}
	}
}

var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
}

// optionalEnd lists elements whose end tag HTML lets an author omit.
var optionalEnd = map[string]bool{
	"li": true, "p": true, "dt": true, "dd": true, "tr": true, "td": true, "th": true,
	"thead": true, "tbody": true, "tfoot": true, "option": true,
}

var cssURLRE = regexp.MustCompile(`url\(\s*['"]?([^'")\s]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]`)

func cssURLs(s string) []string {
	var out []string
	for _, m := range cssURLRE.FindAllStringSubmatch(s, -1) {
		if m[1] != "" {
			out = append(out, m[1])
		} else {
			out = append(out, m[2])
		}
	}
	return out
}

func scanCSS(file string, b []byte) []ref {
	var refs []ref
	for i, line := range strings.Split(string(b), "\n") {
		for _, u := range cssURLs(line) {
			refs = append(refs, ref{file: file, url: u, line: i + 1, resource: true})
		}
	}
	return refs
}

// resolve returns what is wrong with r, or "".
func resolve(site fs.FS, ids map[string]map[string]bool, r ref) string {
	u, err := url.Parse(r.url)
	if err != nil {
		return fmt.Sprintf("bad URL %q: %v", r.url, err)
	}
	if u.Scheme != "" || u.Host != "" || strings.HasPrefix(r.url, "//") {
		switch {
		case u.Scheme == "data" || u.Scheme == "mailto":
			return ""
		case r.resource:
			return fmt.Sprintf("external resource %q: the site must work offline", r.url)
		case u.Scheme == "javascript":
			return fmt.Sprintf("javascript: URL %q", r.url)
		}
		return "" // a link to another site is followed only by choice
	}
	target := r.file
	if u.Path != "" {
		if strings.HasPrefix(u.Path, "/") {
			return fmt.Sprintf("absolute path %q: links must be relative so the site works from a folder", r.url)
		}
		target = path.Join(path.Dir(r.file), u.Path)
		if strings.HasSuffix(u.Path, "/") || isDir(site, target) {
			target = path.Join(target, "index.html")
		}
		if _, err := fs.Stat(site, target); err != nil {
			return fmt.Sprintf("broken link %q: %s does not exist", r.url, target)
		}
	}
	if u.Fragment != "" && path.Ext(target) == ".html" {
		if !ids[target][u.Fragment] {
			return fmt.Sprintf("broken anchor %q: %s has no id %q", r.url, target, u.Fragment)
		}
	}
	return ""
}

func isDir(site fs.FS, p string) bool {
	st, err := fs.Stat(site, p)
	return err == nil && st.IsDir()
}
