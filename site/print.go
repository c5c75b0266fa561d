package site

import (
	"bytes"
	"fmt"
	"strings"
)

// The whole-book page, print.html: every chapter's article, in order, on
// one page, to read offline or print. It is made from the chapter pages
// themselves, so that it shows exactly what they do, and the live
// preview can remake it without rendering every chapter again. Ids are
// unique to a page, not to a book (two chapters may have a section
// "Summary" and show the same example), so each chapter's ids take its
// slug as a prefix, "values--keys", and the links follow: "#keys" in
// values.html and "values.html#keys" anywhere become "#values--keys", and
// "values.html" becomes "#values", the chapter's section.

// renderPrint renders print.html from the chapter pages in files.
func (s *Site) renderPrint(base page, book *Book, files map[string][]byte) ([]byte, error) {
	slugs := make(map[string]string, len(book.Chapters))
	for _, c := range book.Chapters {
		slugs[c.Page()] = c.Slug
	}
	p := base
	p.Title = "The whole book"
	p.Description = "Every chapter of " + base.Book + " on one page."
	// The page is made with a mark in the place of each article, then
	// the articles are written into it: the book is large, and this makes
	// it in one piece, once.
	const mark = "<!--signalwire:article-->"
	type span struct{ start, end int }
	articles := make([]span, len(book.Chapters))
	total := 0
	for i, c := range book.Chapters {
		html := files[c.Page()]
		start := bytes.Index(html, []byte("<article>"))
		end := bytes.LastIndex(html, []byte("</article>"))
		if start < 0 || end < start {
			return nil, fmt.Errorf("rendering the whole book: the page of %s has no <article>", c.File)
		}
		articles[i] = span{start, end + len("</article>")}
		total += articles[i].end - start
		p.Print = append(p.Print, printChapter{ID: c.Slug, Title: c.Meta.Title, Number: i + 1, Article: mark})
	}
	frame, err := s.execute("print", &p)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Grow(len(frame) + total + total/16)
	for i, c := range book.Chapters {
		k := bytes.Index(frame, []byte(mark))
		if k < 0 {
			return nil, fmt.Errorf("rendering the whole book: the print template shows %d chapters of %d", i, len(book.Chapters))
		}
		b.Write(frame[:k])
		frame = frame[k+len(mark):]
		prefixIDs(&b, files[c.Page()][articles[i].start:articles[i].end], c.Slug, slugs)
	}
	b.Write(frame)
	return b.Bytes(), nil
}

// prefixIDs returns the HTML of a chapter's article with its ids, the
// references to them and the links to other chapters made those of the
// whole-book page (see above). It reads attributes as html/template and
// goldmark write them, always in double quotes, with a quote in a value
// or in text escaped.
func prefixIDs(b *bytes.Buffer, html []byte, slug string, slugs map[string]string) {
	for {
		i := bytes.Index(html, []byte(`="`))
		if i < 0 {
			break
		}
		// Code has many attributes and no ids: what follows the <pre> tag
		// is copied as it is.
		if pre := bytes.Index(html[:i], []byte("<pre")); pre >= 0 {
			gt := bytes.IndexByte(html[pre:], '>')
			if gt < 0 {
				break
			}
			if gt += pre; i > gt {
				end := bytes.Index(html[gt:], []byte("</pre>"))
				if end < 0 {
					break
				}
				end += gt + len("</pre>")
				b.Write(html[:end])
				html = html[end:]
				continue
			}
		}
		j := bytes.IndexByte(html[i+2:], '"')
		if j < 0 {
			break
		}
		name := attrName(html[:i])
		value := html[i+2 : i+2+j]
		b.Write(html[:i+2])
		switch string(name) {
		case "id":
			b.WriteString(slug)
			b.WriteString("--")
			b.Write(value)
		case "aria-labelledby", "aria-describedby", "aria-controls", "data-copy", "for":
			for k, id := range bytes.Fields(value) {
				if k > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(slug)
				b.WriteString("--")
				b.Write(id)
			}
		case "href":
			b.WriteString(bookLink(string(value), slug, slugs))
		default:
			b.Write(value)
		}
		b.WriteByte('"')
		html = html[i+2+j+1:]
	}
	b.Write(html)
}

// attrName returns the name of the attribute whose `="` ends s.
func attrName(s []byte) []byte {
	k := len(s)
	for k > 0 {
		c := s[k-1]
		if c == '-' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			k--
			continue
		}
		break
	}
	return s[k:]
}

// bookLink returns the whole-book page's link for href, a link of the
// chapter slug.
func bookLink(href, slug string, slugs map[string]string) string {
	if frag, ok := strings.CutPrefix(href, "#"); ok {
		return "#" + slug + "--" + frag
	}
	page, frag, _ := strings.Cut(href, "#")
	target, ok := slugs[page]
	if !ok {
		return href
	}
	if frag == "" {
		return "#" + target
	}
	return "#" + target + "--" + frag
}
