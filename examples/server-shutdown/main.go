package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

type connKey struct{}

var (
	started = make(chan struct{}, 1)
	stopped = make(chan string, 1)
)

// report is a slow handler that stops when its request's context ends.
func report(w http.ResponseWriter, r *http.Request) {
	started <- struct{}{}
	select {
	case <-time.After(10 * time.Second):
		fmt.Fprintln(w, "report ready")
		stopped <- "finished"
	case <-r.Context().Done():
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		stopped <- fmt.Sprintf("stopped: %v (on %v)", context.Cause(r.Context()), r.Context().Value(connKey{}))
	}
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	// Every request's context derives from base; Shutdown never cancels it.
	base, cancelBase := context.WithCancelCause(context.Background())
	defer cancelBase(nil)
	conns := 0
	srv := &http.Server{
		Handler:     http.HandlerFunc(report),
		BaseContext: func(net.Listener) context.Context { return base },
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			conns++ // called on the Serve goroutine, one connection at a time
			return context.WithValue(ctx, connKey{}, fmt.Sprintf("conn-%d", conns))
		},
	}
	onShutdown := make(chan string, 1)
	srv.RegisterOnShutdown(func() { onShutdown <- "RegisterOnShutdown hook ran" })
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	client := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/report")
		if err != nil {
			client <- err.Error()
			return
		}
		resp.Body.Close()
		client <- resp.Status
	}()
	<-started

	// 1. Stop accepting, and give in-flight requests 200ms to finish.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err = srv.Shutdown(ctx)
	fmt.Println("Serve returned:", <-served)
	fmt.Println(<-onShutdown)
	fmt.Println("Shutdown returned:", err)
	select {
	case s := <-stopped:
		fmt.Println("handler:", s)
	default:
		fmt.Println("handler: still running, its context not cancelled")
	}

	// 2. The grace period is over: tell the handlers, then wait for them.
	if errors.Is(err, context.DeadlineExceeded) {
		cancelBase(errors.New("server shutting down"))
		ctx2, cancel2 := context.WithTimeout(context.Background(), time.Second)
		defer cancel2()
		fmt.Println("second Shutdown returned:", srv.Shutdown(ctx2))
	}
	fmt.Println("handler:", <-stopped)
	fmt.Println("client got:", <-client)
}
