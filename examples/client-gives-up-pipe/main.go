package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// pipeNet is an in-memory network: each dial makes a net.Pipe and hands
// one end to the server's Accept. Everything in it is channels, which the
// virtual clock can wait on.
type pipeNet struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newPipeNet() *pipeNet {
	return &pipeNet{conns: make(chan net.Conn), done: make(chan struct{})}
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

func main() {
	start := time.Now()
	handlerErr := make(chan error, 1)
	network := newPipeNet()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(10 * time.Second): // a report that takes far too long
			fmt.Fprintln(w, "report ready")
			handlerErr <- nil
		case <-r.Context().Done(): // the server cancels this when the client hangs up
			handlerErr <- fmt.Errorf("at %v: %w", time.Since(start), r.Context().Err())
		}
	})}
	go srv.Serve(network)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{DialContext: network.DialContext}}

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://pipe/report", nil)
	resp, err := client.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	fmt.Println("client: gave up after", time.Since(start), errors.Is(err, context.DeadlineExceeded))
	fmt.Println("handler: stopped", <-handlerErr)
}
