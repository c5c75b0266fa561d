package preview

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// eventsPath is the URL path of the event stream. No file of a site can
// have it: the site's own files never start with an underscore directory,
// and a content/_serve/events file would be shadowed.
const eventsPath = "/_serve/events"

// events streams the versions of the pages: now, and after each rebuild
// that changes them.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	ch := s.hub.subscribe()
	defer s.hub.unsubscribe(ch)
	// A page retries soon after a restart of the server, and then finds
	// itself out of date.
	if _, err := io.WriteString(w, "retry: 250\n\n"); err != nil {
		return
	}
	var last []byte
	for {
		if snap := s.snap.Load(); !bytes.Equal(snap.event, last) {
			last = snap.event
			if _, err := fmt.Fprintf(w, "event: versions\ndata: %s\n\n", last); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
		}
		select {
		case <-ch:
		case <-r.Context().Done():
			return
		}
	}
}
