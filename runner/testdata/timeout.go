package main

import (
	"context"
	"fmt"
	"time"
)

func main() {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	select {
	case <-ctx.Done():
		fmt.Println("stopped after", time.Since(start), "at", time.Now().Format(time.RFC3339Nano), ctx.Err())
	case <-time.After(2 * time.Second):
		fmt.Println("finished")
	}
}
