package main

import (
	"context"
	"fmt"
	"time"
)

// worker was handed ctx, but it never looks at it.
func worker(ctx context.Context, jobs <-chan string) {
	for {
		job, ok := <-jobs // waits for the next job, forever
		if !ok {
			fmt.Println("worker: exiting") // never printed: nobody closes jobs
			return
		}
		fmt.Println("worker: processed", job)
	}
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	jobs := make(chan string)
	go worker(ctx, jobs)

	jobs <- "invoice-1"
	jobs <- "invoice-2"
	cancel()
	time.Sleep(time.Second)
	fmt.Println("main: cancelled a second ago, returning")
}
