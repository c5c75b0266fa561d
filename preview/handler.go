package preview

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// ServeHTTP serves the preview: the files of the site as last built, with
// the preview's script in each page, and the event stream.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.init()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.URL.Path == eventsPath {
		s.events(w, r)
		return
	}
	snap := s.snap.Load()
	name := strings.TrimPrefix(r.URL.Path, "/")
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	b, ok := snap.files[name]
	if !ok || !fs.ValidPath(name) {
		s.notFound(w, r, snap, name)
		return
	}
	if strings.HasSuffix(name, ".html") {
		b = snap.inject(b, name)
	} else if v := r.URL.Query().Get("v"); v != "" && v == assetVersion(b) {
		// The pages link to their assets by content (site.css?v=HASH):
		// a reload need not ask for them again.
		w.Header().Set("Cache-Control", "max-age=31536000, immutable")
	}
	serveBytes(w, r, name, b)
}

// assetVersion is the v= query by which pages link to an asset.
func assetVersion(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:4])
}

// notFound answers a path the site does not have: with its 404 page, or
// while there is no site, with a page that says why.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request, snap *snapshot, name string) {
	if !strings.HasSuffix(name, ".html") && path.Ext(name) != "" {
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	status := http.StatusNotFound
	b, ok := snap.files["404.html"]
	if !ok {
		status = http.StatusServiceUnavailable
		b = stubPage(snap)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(snap.inject(b, name))
	}
}

func serveBytes(w http.ResponseWriter, r *http.Request, name string, b []byte) {
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" || path.Ext(name) == ".go" {
		ctype = "text/plain; charset=utf-8"
	}
	w.Header().Set("Content-Type", ctype)
	sum := sha256.Sum256(b)
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}
