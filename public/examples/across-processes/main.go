package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"
)

type traceKey struct{}

var start time.Time

// wire plays the network between two processes: the request is written out
// as bytes and parsed back on the other side, so only what is in those bytes
// crosses. The server's context starts from nothing, as in a real server.
type wire struct{ server http.Handler }

func (w *wire) RoundTrip(req *http.Request) (*http.Response, error) {
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		return nil, err
	}
	srvReq, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		return nil, err
	}
	done := make(chan *http.Response, 1)
	go func() { // the server process, which does not stop when the client does
		rec := httptest.NewRecorder()
		w.server.ServeHTTP(rec, srvReq)
		done <- rec.Result()
	}()
	select {
	case resp := <-done:
		// An answer that comes at the very instant of the client's
		// deadline is too late: the client's timer and the answer are
		// ready together, and a select would pick either at random.
		if deadline, ok := req.Context().Deadline(); ok && !time.Now().Before(deadline) {
			resp.Body.Close()
			return nil, context.DeadlineExceeded
		}
		return resp, nil
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
}

// inject is the client's half: it writes the deadline and the trace onto
// the request, as gRPC (grpc-timeout) and W3C Trace Context (traceparent) do.
func inject(ctx context.Context, req *http.Request) {
	if deadline, ok := ctx.Deadline(); ok {
		// The time left, not the instant: the two machines' clocks differ.
		req.Header.Set("Request-Timeout", time.Until(deadline).String())
	}
	if trace, ok := ctx.Value(traceKey{}).(string); ok {
		req.Header.Set("Traceparent", "00-"+trace+"-00f067aa0ba902b7-01")
	}
}

// extract is the server's half: it rebuilds the context from the headers.
func extract(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if d, err := time.ParseDuration(r.Header.Get("Request-Timeout")); err == nil {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, d)
			defer cancel()
		}
		if parts := strings.Split(r.Header.Get("Traceparent"), "-"); len(parts) == 4 {
			ctx = context.WithValue(ctx, traceKey{}, parts[1]) // same trace, new span below
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

var serverSaw chan string // what the server saw; made in main, inside the virtual clock

// report needs one second of work and stops if its context ends.
func report(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	_, hasDeadline := ctx.Deadline()
	trace, _ := ctx.Value(traceKey{}).(string)
	outcome := "finished"
	select {
	case <-time.After(time.Second):
		fmt.Fprintln(w, "report")
	case <-ctx.Done():
		outcome = "stopped: " + ctx.Err().Error()
	}
	serverSaw <- fmt.Sprintf("deadline: %v, trace: %q, %s at %v", hasDeadline, trace, outcome, time.Since(start))
}

func call(title string, server http.Handler, propagate bool) {
	start = time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	ctx = context.WithValue(ctx, traceKey{}, "4bf92f3577b34da6a3ce929d0e0e4736")

	req, err := http.NewRequestWithContext(ctx, "GET", "http://reports.internal/report", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	if propagate {
		inject(ctx, req)
	}
	var transport http.RoundTripper = &wire{server}
	client := &http.Client{Transport: transport}
	resp, err := client.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	fmt.Println(title)
	fmt.Printf("  client: gave up at %v: %v\n", time.Since(start), errors.Is(err, context.DeadlineExceeded))
	fmt.Println("  server:", <-serverSaw)
}

func main() {
	serverSaw = make(chan string, 1)
	call("nothing carried:", http.HandlerFunc(report), false)
	call("deadline and trace carried as headers:", extract(http.HandlerFunc(report)), true)
}
