package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"
)

func main() {
	start := time.Now()
	inner := make(chan string, 1)
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(3 * time.Second):
			fmt.Fprintln(w, "report")
			inner <- "finished"
		case <-r.Context().Done():
			inner <- fmt.Sprintf("stopped at %v: %v", time.Since(start), r.Context().Err())
		}
	})
	h := http.TimeoutHandler(slow, time.Second, "took too long\n")

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/report", nil))
	fmt.Printf("client got %d after %v: %s", rec.Code, time.Since(start), rec.Body)
	fmt.Println("inner handler:", <-inner)
}
