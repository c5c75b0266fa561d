package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"
)

type requestIDKey struct{}

var outcome = make(chan string, 1)

// sendReceipt must finish even after the response has gone out.
func sendReceipt(ctx context.Context) string {
	select {
	case <-time.After(50 * time.Millisecond):
		return fmt.Sprintf("receipt sent for %v", ctx.Value(requestIDKey{}))
	case <-ctx.Done():
		return "receipt lost: " + ctx.Err().Error()
	}
}

func handleOrder(w http.ResponseWriter, r *http.Request) {
	// Keep the request's values, drop its cancellation, add a bound of our own.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Second)
	go func() {
		defer cancel()
		outcome <- sendReceipt(ctx)
	}()
	w.WriteHeader(http.StatusAccepted)
}

func main() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), requestIDKey{}, "req-7") // a middleware
		handleOrder(w, r.WithContext(ctx))
	}))
	defer srv.Close()

	resp, err := http.Post(srv.URL, "text/plain", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println("client got:", resp.Status)
	fmt.Println("background work:", <-outcome)
}
