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
	case <-time.After(time.Second):
		return nil
	}
}

func main() {
	fmt.Println("this program compiled; now calling doWork(nil)")
	err := doWork(nil)
	fmt.Println("never printed", err)
}
