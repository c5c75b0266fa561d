package main

import (
	"context"
	"fmt"
)

// worker waits for a job or for the signal, whichever comes first.
func worker(ctx context.Context, jobs <-chan string, done chan<- struct{}) {
	defer close(done)
	for {
		select {
		case job := <-jobs:
			fmt.Println("worker: processed", job)
		case <-ctx.Done():
			fmt.Println("worker: exiting:", ctx.Err())
			return
		}
	}
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	jobs := make(chan string)
	done := make(chan struct{})
	go worker(ctx, jobs, done)

	jobs <- "invoice-1"
	jobs <- "invoice-2"
	cancel()
	<-done
	fmt.Println("main: worker is gone, returning")
}
