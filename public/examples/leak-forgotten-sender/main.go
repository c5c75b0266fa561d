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
	ch := make(chan string) // unbuffered: a send needs a receiver
	go func() {
		v := slowLookup()
		fmt.Println("sender: offering", v, "at", time.Since(start))
		ch <- v // after a timeout, nobody will ever receive this
		fmt.Println("sender: delivered")
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
	time.Sleep(3 * time.Second) // long after the lookup itself finished
	fmt.Println("main: returning at", time.Since(start))
}
