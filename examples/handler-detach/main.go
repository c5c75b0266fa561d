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

type requestIDKey struct{}

// withRequestID is a middleware: it puts the request's ID in its context.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), requestIDKey{}, "req-7")
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// handleOrder saves the order (10ms), leaves the receipt to a goroutine,
// and answers.
func handleOrder(outcome chan<- string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(10 * time.Millisecond) // save the order
		// Keep the request's values, drop its cancellation.
		detached := context.WithoutCancel(r.Context())
		go sendReceipt(detached, outcome)
		w.WriteHeader(http.StatusAccepted)
	}
}

// sendReceipt must finish even after the response has gone out, but not
// wait for ever: it adds a bound of its own.
func sendReceipt(detached context.Context, outcome chan<- string) {
	ctx, cancel := context.WithTimeout(detached, 5*time.Second)
	defer cancel()
	start := time.Now()
	select {
	case <-time.After(50 * time.Millisecond): // the mail server
		id := ctx.Value(requestIDKey{})
		outcome <- fmt.Sprintf("sent after %v for %v", time.Since(start), id)
	case <-ctx.Done():
		outcome <- "lost: " + ctx.Err().Error()
	}
}

func main() {
	start := time.Now()
	outcome := make(chan string, 1) // how the receipt went
	srv, client := newPipeServer(withRequestID(handleOrder(outcome)))
	defer srv.Close()

	resp, err := client.Post(srv.URL+"/order", "text/plain", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println("client got", resp.Status, "after", time.Since(start))
	fmt.Println("receipt:", <-outcome)
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
