package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"
)

var outcome = make(chan string, 1) // how the background work ended

// handleRequest starts work in a goroutine and returns at once.
func handleRequest(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	go func() {
		if err := ctx.Err(); err != nil { // check before starting...
			outcome <- "cut short: " + err.Error()
			return
		}
		select { // ...and while working
		case <-ctx.Done():
			outcome <- "cut short: " + ctx.Err().Error()
		case <-time.After(time.Second):
			outcome <- "work done"
		}
	}()
	w.WriteHeader(http.StatusOK)
}

func main() {
	srv := httptest.NewServer(http.HandlerFunc(handleRequest))
	defer srv.Close()

	resp, err := http.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println("client got:", resp.Status)
	fmt.Println("background work:", <-outcome)
}
