package main

import (
	"context"
	"fmt"
	"time"
)

// query is the same slow call, but it listens to ctx and stops when told.
func query(ctx context.Context) (string, error) {
	select {
	case <-time.After(5 * time.Second):
		return "1204 rows", nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func main() {
	start := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(2*time.Second, func() {
		fmt.Println("user closed the tab at", time.Since(start))
		cancel()
	})

	rows, err := query(ctx)
	if err != nil {
		fmt.Println("query stopped at", time.Since(start), "with", err)
		return
	}
	fmt.Println("query finished with", rows)
}
