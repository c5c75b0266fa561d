package main

import (
	"context"
	"fmt"
	"time"
)

type Client struct{} // configuration lives here; the context does not

// Fetch takes the caller's context on every call.
func (c *Client) Fetch(ctx context.Context, id int) error {
	select {
	case <-time.After(2 * time.Second):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func main() {
	c := &Client{}

	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	err := c.Fetch(ctx, 1)
	fmt.Printf("request with a 500ms budget: Fetch took %v, err=%v\n", time.Since(start), err)

	start = time.Now()
	err = c.Fetch(context.Background(), 2)
	fmt.Printf("a patient request:           Fetch took %v, err=%v\n", time.Since(start), err)
}
