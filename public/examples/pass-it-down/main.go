package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// The store is the bottom layer: it is the one that actually waits.
func queryStore(ctx context.Context, id int) (string, error) {
	select {
	case <-time.After(3 * time.Second):
		return fmt.Sprintf("profile %d", id), nil
	case <-ctx.Done():
		return "", fmt.Errorf("querying store: %w", ctx.Err())
	}
}

// The service layer does not wait itself; it just passes ctx along.
func loadProfile(ctx context.Context, id int) (string, error) {
	p, err := queryStore(ctx, id)
	if err != nil {
		return "", fmt.Errorf("loading profile %d: %w", id, err)
	}
	return p, nil
}

func main() {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()

	_, err := loadProfile(ctx, 7)
	fmt.Println("after", time.Since(start), "->", err)
	fmt.Println("is a deadline error:", errors.Is(err, context.DeadlineExceeded))
}
