package main

import (
	"context"
	"fmt"
	"time"
)

func worker(ctx context.Context, n int, out chan<- int) {
	select {
	case <-ctx.Done():
	case <-time.After(time.Duration(n) * 60 * time.Millisecond):
		out <- n
	}
}

func attempt(parent context.Context) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	time.Sleep(50 * time.Millisecond)
	_ = ctx
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	attempt(ctx)
	out := make(chan int, 4)
	for i := 1; i <= 4; i++ {
		go worker(ctx, i, out)
	}
	for range 2 {
		go func() {
			<-ctx.Done()
		}()
	}
	time.Sleep(300 * time.Millisecond)
	fmt.Println(len(out))
}
