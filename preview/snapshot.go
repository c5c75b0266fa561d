package preview

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
)

// snapshot is the preview as one rebuild left it. It is not changed once
// published.
type snapshot struct {
	files    map[string][]byte     // the site, as Render makes it; nil before the first build
	problems []problem             // what a build would refuse
	marks    map[string]*pageMarks // by page
	stale    bool                  // the book on disk cannot be read: files are from before
	building bool                  // the first build has not finished

	// Set by seal.
	versions map[string]string      // a page's version, by name; missingPage for other paths
	layouts  map[string]*pageLayout // by page
	event    []byte                 // versions and frames as JSON
}

// pageLayout splits a page into its examples' figures, less their captions
// (which hold the buttons that the site's script brings to life), and the
// rest, its frame. When only figures change, an open page replaces them
// in place; when the frame changes, it reloads.
type pageLayout struct {
	Frame   string            `json:"frame"`   // a hash of the frame
	Figures map[string]string `json:"figures"` // a hash of each figure, by id
}

// figureStart starts an example's figure, as the example template makes it.
const figureStart = `<figure class="example" id="`

// layoutOf splits a page as pageLayout says. A figure not made as the
// template makes it stays in the frame.
func layoutOf(page []byte) *pageLayout {
	l := &pageLayout{Figures: map[string]string{}}
	frame := sha256.New()
	hash := func(b []byte) string {
		sum := sha256.Sum256(b)
		return hex.EncodeToString(sum[:8])
	}
	rest := page
	for {
		i := bytes.Index(rest, []byte(figureStart))
		if i < 0 {
			break
		}
		id, _, ok := bytes.Cut(rest[i+len(figureStart):], []byte(`"`))
		caption := bytes.Index(rest[i:], []byte("</figcaption>"))
		end := bytes.Index(rest[i:], []byte("</figure>"))
		if !ok || caption < 0 || end < caption || l.Figures[string(id)] != "" {
			break
		}
		body := i + caption + len("</figcaption>")
		frame.Write(rest[:body])
		frame.Write([]byte{0})
		l.Figures[string(id)] = hash(rest[body : i+end])
		rest = rest[i+end:]
	}
	frame.Write(rest)
	l.Frame = hex.EncodeToString(frame.Sum(nil)[:8])
	return l
}

// missingPage is the key of versions for the page served for a path the
// site does not have. It cannot be the name of a page.
const missingPage = "*missing"

// pageMarks are a page's examples that need a mark: those showing the
// interpreter's preview, and those whose verified run found the
// interpreter disagreeing.
type pageMarks struct {
	Pending   []string `json:"pending,omitempty"`
	Divergent []string `json:"divergent,omitempty"`
}

func sealed(s *snapshot) *snapshot {
	s.seal()
	return s
}

// seal computes the versions of the pages: a hash of what the page shows,
// overlay and marks included.
func (s *snapshot) seal() {
	h := sha256.New()
	json.NewEncoder(h).Encode(struct {
		Problems        []problem
		Stale, Building bool
	}{s.problems, s.stale, s.building})
	common := h.Sum(nil)
	version := func(parts ...[]byte) string {
		h := sha256.New()
		h.Write(common)
		for _, p := range parts {
			fmt.Fprintf(h, "%d:", len(p))
			h.Write(p)
		}
		return hex.EncodeToString(h.Sum(nil)[:8])
	}
	s.versions = map[string]string{}
	s.layouts = map[string]*pageLayout{}
	frames := map[string]string{}
	for name, b := range s.files {
		if strings.HasSuffix(name, ".html") {
			m, _ := json.Marshal(s.marks[name])
			s.versions[name] = version(b, m)
			s.layouts[name] = layoutOf(b)
			frames[name] = s.layouts[name].Frame
		}
	}
	if v, ok := s.versions["404.html"]; ok {
		s.versions[missingPage] = v
	} else {
		s.versions[missingPage] = version(stubPage(s))
	}
	s.event, _ = json.Marshal(struct {
		Versions map[string]string `json:"versions"`
		Frames   map[string]string `json:"frames"`
	}{s.versions, frames})
}
