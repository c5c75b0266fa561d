package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"
)

// attempt sends a POST with the given body and gives up after 100ms. The handler
// either reads the body first or not, then waits up to one second for its
// context to end, and reports what it saw.
func attempt(body []byte, readBody bool) string {
	srv := httptest.NewServer(handler(readBody))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", srv.URL, bytes.NewReader(body))
	if err != nil {
		return err.Error()
	}
	resp, err := http.DefaultClient.Do(req) // fails: the client gives up
	if err == nil {
		resp.Body.Close()
	}
	what := <-seen
	return what
}

var seen = make(chan string, 1) // what the handler saw

func handler(readBody bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if readBody {
			if _, err := io.Copy(io.Discard, r.Body); err != nil {
				seen <- "reading body: " + err.Error()
				return
			}
		}
		select {
		case <-r.Context().Done():
			seen <- "handler saw: " + r.Context().Err().Error()
		case <-time.After(time.Second):
			seen <- "handler ran to completion, never told"
		}
	}
}

func main() {
	big := make([]byte, 100<<10) // 100 KB
	fmt.Println("empty body:              ", attempt(nil, false))
	fmt.Println("100 KB body, never read: ", attempt(big, false))
	fmt.Println("100 KB body, read to EOF:", attempt(big, true))
}
