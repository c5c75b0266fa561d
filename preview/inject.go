package preview

import (
	"bytes"
	_ "embed"
	"encoding/json"
)

// liveState is what the preview's script in a page knows.
type liveState struct {
	Page    string `json:"page"`    // the key of the page's version
	Version string `json:"version"` // the version served
	Events  string `json:"events"`  // the URL of the event stream
	pageMarks
	*pageLayout // nil for a page served for a missing path: it reloads
}

//go:embed serve.js
var liveScript string

//go:embed serve.css
var liveStyle string

// inject adds the preview's style, state, script and overlay to a page
// served as name.
func (s *snapshot) inject(doc []byte, name string) []byte {
	v, ok := s.versions[name]
	if !ok {
		v = s.versions[missingPage]
	}
	st := liveState{Page: name, Version: v, Events: eventsPath}
	if ok {
		st.pageLayout = s.layouts[name]
	}
	if m := s.marks[name]; m != nil {
		st.pageMarks = *m
	}
	state, err := json.Marshal(st) // escapes <, > and &, so it cannot end the script
	if err != nil {
		panic(err) // strings only
	}
	var head bytes.Buffer
	head.WriteString("<style>")
	head.WriteString(liveStyle)
	head.WriteString("</style>\n<script id=\"serve-state\" type=\"application/json\">")
	head.Write(state)
	head.WriteString("</script>\n<script>")
	head.WriteString(liveScript)
	head.WriteString("</script>\n")
	var overlay bytes.Buffer
	if err := overlayTemplate.Execute(&overlay, s); err != nil {
		panic(err) // the template is ours, and its data plain
	}

	out := make([]byte, 0, len(doc)+head.Len()+overlay.Len())
	i := bytes.Index(doc, []byte("</head>"))
	if i < 0 {
		i = 0
	}
	out = append(out, doc[:i]...)
	out = append(out, head.Bytes()...)
	rest := doc[i:]
	j := bytes.Index(rest, []byte("<body"))
	if j >= 0 {
		if k := bytes.IndexByte(rest[j:], '>'); k >= 0 {
			j += k + 1
		}
	} else {
		j = 0
	}
	out = append(out, rest[:j]...)
	out = append(out, overlay.Bytes()...)
	return append(out, rest[j:]...)
}
