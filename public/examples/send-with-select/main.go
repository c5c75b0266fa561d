package main

import (
	"context"
	"fmt"
)

// numbers produces 1, 2, 3, ... until ctx is cancelled.
func numbers(ctx context.Context, stopped chan<- int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := 1; ; i++ {
			select {
			case out <- i:
			case <-ctx.Done(): // the reader is gone: stop producing
				stopped <- i
				return
			}
		}
	}()
	return out
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopped := make(chan int, 1)
	for n := range numbers(ctx, stopped) {
		fmt.Println("got", n)
		if n == 3 {
			break
		}
	}
	cancel()
	fmt.Println("producer stopped while offering", <-stopped)
}
