package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// job is background work that needs one second.
func job(ctx context.Context, outcome chan<- string) {
	start := time.Now()
	select {
	case <-ctx.Done():
		took := time.Since(start)
		outcome <- fmt.Sprintf("cut short after %v: %v", took, ctx.Err())
	case <-time.After(time.Second):
		outcome <- "done after " + time.Since(start).String()
	}
}

// handleRequest starts the job in a goroutine, spends 10ms on its own
// part, and answers.
func handleRequest(outcome chan<- string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		go job(r.Context(), outcome)
		time.Sleep(10 * time.Millisecond) // the handler's own work
		w.WriteHeader(http.StatusOK)
	}
}

func main() {
	start := time.Now()
	outcome := make(chan string, 1) // how the job ended
	srv, client := newPipeServer(handleRequest(outcome))
	defer srv.Close()

	resp, err := client.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println("client got", resp.Status, "after", time.Since(start))
	fmt.Println("background job:", <-outcome)
}

// The in-memory network, as in client-gives-up. OMIT

// pipeNet is an in-memory network: each dial makes a net.Pipe and hands
// one end to the server's Accept. Everything in it is channels, which the
// virtual clock can wait on.
type pipeNet struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func (n *pipeNet) Accept() (net.Conn, error) {
	select {
	case c := <-n.conns:
		return c, nil
	case <-n.done:
		return nil, net.ErrClosed
	}
}

func (n *pipeNet) Close() error {
	n.once.Do(func() { close(n.done) })
	return nil
}

func (n *pipeNet) Addr() net.Addr { return pipeAddr{} }

func (n *pipeNet) DialContext(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case n.conns <- server:
		return client, nil
	case <-n.done:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }

// newPipeServer starts an httptest.Server on a new in-memory network and
// returns it with a client whose connections go to it.
func newPipeServer(h http.Handler) (*httptest.Server, *http.Client) {
	n := &pipeNet{conns: make(chan net.Conn), done: make(chan struct{})}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close() // serve on the in-memory network, not on a TCP port
	srv.Listener = n
	srv.Start()
	return srv, &http.Client{Transport: &http.Transport{DialContext: n.DialContext}}
}
