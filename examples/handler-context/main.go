package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"
)

func slowQuery(ctx context.Context) (string, error) {
	select {
	case <-time.After(3 * time.Second):
		return "1204 rows", nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func report(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rows, err := slowQuery(r.Context()) // the request's context, not Background
	if err != nil {
		fmt.Println("  handler gave up after", time.Since(start), "with", err)
		http.Error(w, "request cancelled", http.StatusServiceUnavailable)
		return
	}
	fmt.Println("  handler finished after", time.Since(start))
	fmt.Fprintln(w, rows)
}

func main() {
	fmt.Println("a patient client:")
	rec := httptest.NewRecorder()
	report(rec, httptest.NewRequest("GET", "/report", nil))
	fmt.Println("  status", rec.Code)

	fmt.Println("a client that leaves after 1s:")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(time.Second, cancel) // what the server does when the connection drops
	rec = httptest.NewRecorder()
	report(rec, httptest.NewRequest("GET", "/report", nil).WithContext(ctx))
	fmt.Println("  status", rec.Code)
}
