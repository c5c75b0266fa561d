package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"
)

func main() {
	handlerErr := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(10 * time.Second): // a report that takes far too long
			fmt.Fprintln(w, "report ready")
			handlerErr <- nil
		case <-r.Context().Done(): // the server cancels this when the client hangs up
			handlerErr <- r.Context().Err()
		}
	}))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/report", nil)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	fmt.Println("client: gave up waiting:", errors.Is(err, context.DeadlineExceeded))
	fmt.Println("handler: stopped with:", <-handlerErr)
}
