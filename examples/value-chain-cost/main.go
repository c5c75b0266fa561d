package main

import (
	"context"
	"fmt"
	"time"
)

type key int

// counted wraps each layer of the chain so that a lookup can count the
// layers it walks through. The standard contexts walk the same way, without
// counting.
type counted struct {
	parent context.Context
	walked *int
}

func (c *counted) Deadline() (time.Time, bool) { return c.parent.Deadline() }
func (c *counted) Done() <-chan struct{}       { return c.parent.Done() }
func (c *counted) Err() error                  { return c.parent.Err() }
func (c *counted) Value(k any) any {
	*c.walked++
	return c.parent.Value(k)
}

// lookup reports what ctx.Value(k) found, and how many layers it walked.
func lookup(ctx context.Context, walked *int, k any) string {
	*walked = 0
	v := ctx.Value(k)
	return fmt.Sprintf("%v after %d layer(s)", v, *walked)
}

// chain adds the values i to n-1, one WithValue layer each. (A loop would
// do, but the yaegi interpreter mishandles this one; recursion it runs.)
func chain(ctx context.Context, i, n int, walked *int) context.Context {
	if i == n {
		return ctx
	}
	layer := context.WithValue(ctx, key(i), fmt.Sprint("value ", i))
	return chain(&counted{layer, walked}, i+1, n, walked)
}

// Request is all the request-scoped data, in one value under one key.
type Request struct {
	ID, User, Locale string
}

type requestKey struct{}

func main() {
	walked := new(int)

	// Twelve middlewares, each adding one value: a chain twelve deep.
	ctx := chain(context.Background(), 0, 12, walked)
	fmt.Println("12 values, one WithValue each:")
	fmt.Println("  the last one set: ", lookup(ctx, walked, key(11)))
	fmt.Println("  the first one set:", lookup(ctx, walked, key(0)))
	fmt.Println("  a missing key:    ", lookup(ctx, walked, key(99)))

	// The same data bundled: one layer, one lookup, one allocation.
	bundled := &counted{context.WithValue(context.Background(), requestKey{},
		&Request{ID: "req-7", User: "ada", Locale: "fr"}), walked}
	fmt.Println("one struct with everything:")
	*walked = 0
	r, _ := bundled.Value(requestKey{}).(*Request)
	fmt.Printf("  %+v after %d layer(s)\n", *r, *walked)
}
