package linkcheck

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestCheck(t *testing.T) {
	site := fstest.MapFS{
		"index.html": {Data: []byte(`<!doctype html>
<html><head><link rel="stylesheet" href="assets/style.css"></head>
<body>
<h2 id="intro">Intro</h2>
<a href="#intro">ok</a>
<a href="#missing">bad anchor</a>
<a href="values.html#keys">ok</a>
<a href="values.html#nokey">bad anchor elsewhere</a>
<a href="gone.html">broken</a>
<a href="https://go.dev/">external link is fine</a>
<script src="https://cdn.example.com/x.js"></script>
<img src="/abs.png">
<ul><li>one<li>two</ul>
<p>para
<div><span>bad nesting</div></span>
</body></html>
`)},
		"values.html":      {Data: []byte(`<html><body><h2 id="keys">Keys</h2><p>done</p></body></html>`)},
		"assets/style.css": {Data: []byte("body { font-family: sans-serif }\n@font-face { src: url(https://fonts.example.com/f.woff2) }\n")},
	}
	problems, err := Check(site)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	want := []string{
		`assets/style.css:2: external resource "https://fonts.example.com/f.woff2": the site must work offline`,
		`index.html:6: broken anchor "#missing": index.html has no id "missing"`,
		`index.html:8: broken anchor "values.html#nokey": values.html has no id "nokey"`,
		`index.html:9: broken link "gone.html": gone.html does not exist`,
		`index.html:11: external resource "https://cdn.example.com/x.js": the site must work offline`,
		`index.html:12: absolute path "/abs.png": links must be relative so the site works from a folder`,
		`index.html:15: <span> (line 15) is not closed before </div>`,
		`index.html:15: </span> has no open <span>`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCleanSite(t *testing.T) {
	site := fstest.MapFS{
		"index.html": {Data: []byte(`<!doctype html><html><head><meta charset="utf-8"><title>x</title></head><body><a href="a.html#x">a</a><br></body></html>`)},
		"a.html":     {Data: []byte(`<p id="x">x`)},
	}
	problems, err := Check(site)
	if err != nil || len(problems) != 0 {
		t.Fatalf("problems %v, err %v", problems, err)
	}
}
