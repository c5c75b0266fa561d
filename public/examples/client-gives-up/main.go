package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

func main() {
	start := time.Now()
	stopped := make(chan error, 1) // how the handler ended
	report := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(10 * time.Second): // a report that takes far too long
			fmt.Fprintln(w, "report ready")
			stopped <- nil
		case <-r.Context().Done(): // cancelled when the client hangs up
			took := time.Since(start)
			stopped <- fmt.Errorf("at %v: %w", took, r.Context().Err())
		}
	}
	srv, client := newPipeServer(http.HandlerFunc(report))
	defer srv.Close()

	const patience = 100 * time.Millisecond // the client's
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/report", nil)
	resp, err := client.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	fmt.Printf("client: gave up after %v, deadline exceeded: %v\n",
		time.Since(start), errors.Is(err, context.DeadlineExceeded))
	fmt.Println("handler: stopped", <-stopped)
}

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
