package site

import (
	"bytes"
	"fmt"
	"html/template"
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
	for i, c := range book.Chapters {
		html := files[c.Page()]
		start := bytes.Index(html, []byte("<article>"))
		end := bytes.LastIndex(html, []byte("</article>"))
		if start < 0 || end < start {
			return nil, fmt.Errorf("rendering the whole book: the page of %s has no <article>", c.File)
		}
		article := string(html[start : end+len("</article>")])
		p.Print = append(p.Print, printChapter{
			ID: c.Slug, Title: c.Meta.Title, Number: i + 1,
			Article: template.HTML(prefixIDs(article, c.Slug, slugs)),
		})
	}
	return s.execute("print", &p)
}

// prefixIDs returns the HTML of a chapter's article with its ids, the
// references to them and the links to other chapters made those of the
// whole-book page (see above). It reads attributes as html/template and
// goldmark write them, always in double quotes, with a quote in a value
// or in text escaped.
func prefixIDs(html, slug string, slugs map[string]string) string {
	var b strings.Builder
	b.Grow(len(html) + len(html)/20)
	for {
		i := strings.Index(html, `="`)
		if i < 0 {
			break
		}
		j := strings.IndexByte(html[i+2:], '"')
		if j < 0 {
			break
		}
		name := attrName(html[:i])
		value := html[i+2 : i+2+j]
		b.WriteString(html[:i+2])
		switch name {
		case "id":
			b.WriteString(slug + "--" + value)
		case "aria-labelledby", "aria-describedby", "aria-controls", "data-copy", "for":
			for k, id := range strings.Fields(value) {
				if k > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(slug + "--" + id)
			}
		case "href":
			b.WriteString(bookLink(value, slug, slugs))
		default:
			b.WriteString(value)
		}
		b.WriteByte('"')
		html = html[i+2+j+1:]
	}
	b.WriteString(html)
	return b.String()
}

// attrName returns the name of the attribute whose `="` ends s.
func attrName(s string) string {
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
