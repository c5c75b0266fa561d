package main

import (
	"context"
	"fmt"
	"time"
)

func main() {
	start := time.Now()
	ctx := context.Background()

	fmt.Println("Done() == nil:", ctx.Done() == nil)
	fmt.Println("Err():", ctx.Err())
	_, ok := ctx.Deadline()
	fmt.Println("has a deadline:", ok)

	// A receive from a nil channel blocks forever, so this case never fires.
	select {
	case <-ctx.Done():
		fmt.Println("Background was cancelled?!")
	case <-time.After(time.Hour):
		fmt.Println("waited", time.Since(start), "and Background is still not done")
	}
}
