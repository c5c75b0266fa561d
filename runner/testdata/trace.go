package main

import (
	"context"
	"fmt"
	"time"
)

type userKey struct{}

func worker(ctx context.Context, done chan<- string) {
	<-ctx.Done()
	done <- fmt.Sprint("worker: ", context.Cause(ctx))
}

func main() {
	root := context.Background()
	ctx, cancel := context.WithTimeout(root, 500*time.Millisecond)
	defer cancel()
	ctx = context.WithValue(ctx, userKey{}, "alice")
	child, cancelChild := context.WithCancel(ctx)
	defer cancelChild()
	early, cancelEarly := context.WithCancel(ctx)
	stop := context.AfterFunc(child, func() {})
	defer stop()

	done := make(chan string)
	go worker(child, done)
	time.Sleep(100 * time.Millisecond)
	cancelEarly()
	fmt.Println(early.Err())
	fmt.Println(<-done)
}
