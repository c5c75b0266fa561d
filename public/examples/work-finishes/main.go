package main

import (
	"context"
	"fmt"
	"time"
)

func doWork(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(2 * time.Second):
		return nil
	}
}

func main() {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()

	err := doWork(ctx)
	fmt.Printf("doWork returned after %v: %v\n", time.Since(start), err)
	fmt.Println("ctx.Err() now:", ctx.Err())
	cancel()
	fmt.Println("ctx.Err() after cancel:", ctx.Err())
}
