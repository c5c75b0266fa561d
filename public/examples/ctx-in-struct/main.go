package main

import (
	"context"
	"fmt"
	"time"
)

// Client captured a context once, when it was built.
type Client struct {
	ctx context.Context
}

func (c *Client) Fetch(id int) error {
	select {
	case <-time.After(2 * time.Second):
		return nil
	case <-c.ctx.Done():
		return c.ctx.Err()
	}
}

func main() {
	start := time.Now()

	// 1. Built with Background: a request's deadline cannot reach Fetch.
	c := &Client{ctx: context.Background()}
	reqCtx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	err := c.Fetch(1)
	fmt.Printf("request with a 500ms budget: Fetch took %v, err=%v, request ctx: %v\n",
		time.Since(start), err, reqCtx.Err())

	// 2. Built with a startup context that has since ended: every call fails.
	startup, cancelStartup := context.WithTimeout(context.Background(), time.Second)
	defer cancelStartup()
	c = &Client{ctx: startup}
	cancelStartup() // startup is over
	start = time.Now()
	err = c.Fetch(2)
	fmt.Printf("a healthy request later: Fetch took %v, err=%v\n", time.Since(start), err)
}
