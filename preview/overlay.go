package preview

import (
	"bytes"
	"html/template"
	"strings"
)

var overlayTemplate = template.Must(template.New("overlay").Funcs(template.FuncMap{
	"lines": func(s string) []string { return strings.Split(s, "\n") },
	"diffClass": func(i int, line string) string {
		switch {
		case i == 0:
			return "serve-first"
		case strings.HasPrefix(line, "+++"), strings.HasPrefix(line, "---"):
			return "serve-file"
		case strings.HasPrefix(line, "+"):
			return "serve-add"
		case strings.HasPrefix(line, "-"):
			return "serve-del"
		case strings.HasPrefix(line, "@@"):
			return "serve-hunk"
		}
		return ""
	},
}).Parse(`
{{- if .Problems}}
<div id="serve-overlay" class="serve-overlay" role="alert" aria-labelledby="serve-overlay-title">
<div class="serve-box">
<div class="serve-head">
<h2 id="serve-overlay-title">{{len .Problems}} problem{{if gt (len .Problems) 1}}s{{end}} in the book</h2>
<button type="button" class="serve-close" aria-label="Hide until the next rebuild">×</button>
</div>
{{- if .Stale}}
<p class="serve-note">The book cannot be read: the pages are the last version that could.</p>
{{- end}}
<ol class="serve-problems">
{{- range .Problems}}
<li>{{with .Pos}}<code class="serve-pos">{{.}}</code>{{end}}
<pre class="serve-msg">{{range $i, $l := lines .Msg}}{{if $i}}
{{end}}<span class="{{diffClass $i $l}}">{{$l}}</span>{{end}}</pre></li>
{{- end}}
</ol>
</div>
</div>
{{- end}}
`))

// Problems and Stale are for the overlay template.
func (s *snapshot) Problems() []problem { return s.problems }
func (s *snapshot) Stale() bool         { return s.stale }

var stubTemplate = template.Must(template.New("stub").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{if .Building}}Building…{{else}}The book cannot be built{{end}}</title>
</head>
<body>
<main class="serve-stub">
<h1>{{if .Building}}Building the book…{{else}}The book cannot be built{{end}}</h1>
<p>{{if .Building}}This page reloads when it is ready.{{else}}Fix the problems above; this page reloads when the book builds.{{end}}</p>
</main>
</body>
</html>
`))

// stubPage is the page served while there is no site.
func stubPage(s *snapshot) []byte {
	var buf bytes.Buffer
	if err := stubTemplate.Execute(&buf, struct{ Building bool }{s.building}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
