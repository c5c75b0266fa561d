package main

import (
	"context"
	"fmt"
	"time"
)

var start time.Time

func slowLookup() string {
	time.Sleep(2 * time.Second)
	return "42"
}

func lookup(ctx context.Context) (string, error) {
	ch := make(chan string, 1) // room for the one result: the send never blocks
	go func() {
		v := slowLookup()
		fmt.Println("sender: offering", v, "at", time.Since(start))
		ch <- v
		fmt.Println("sender: stored in the buffer; goroutine exits at", time.Since(start))
	}()
	select {
	case v := <-ch:
		return v, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func main() {
	start = time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := lookup(ctx)
	fmt.Println("lookup returned after", time.Since(start), "with", err)
	time.Sleep(3 * time.Second)
	fmt.Println("main: returning at", time.Since(start))
}
