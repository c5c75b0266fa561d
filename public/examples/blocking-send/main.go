package main

import (
	"context"
	"fmt"
)

// numbers produces 1, 2, 3, ... for as long as someone reads.
func numbers(ctx context.Context) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := 1; ; i++ {
			out <- i // a bare send: blocks forever once the reader is gone
		}
	}()
	return out
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for n := range numbers(ctx) {
		fmt.Println("got", n)
		if n == 3 {
			break // we have enough
		}
	}
	cancel()
	fmt.Println("main: done")
}
