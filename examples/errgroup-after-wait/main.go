package main

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"
)

// fetch stands for a call to another service: 100ms, unless ctx ends first.
func fetch(ctx context.Context, what string) (string, error) {
	select {
	case <-time.After(100 * time.Millisecond):
		return what, nil
	case <-ctx.Done():
		return "", fmt.Errorf("%s: %w", what, ctx.Err())
	}
}

func page(parent context.Context) error {
	start := time.Now()
	g, ctx := errgroup.WithContext(parent)
	var user, orders string
	g.Go(func() (err error) {
		user, err = fetch(ctx, "user")
		return err
	})
	g.Go(func() (err error) {
		orders, err = fetch(ctx, "orders")
		return err
	})
	if err := g.Wait(); err != nil {
		return err
	}
	fmt.Printf("%-5v Wait returned nil: %s and %s fetched\n", time.Since(start), user, orders)
	fmt.Printf("%-5v the group's ctx: %v\n", time.Since(start), ctx.Err())

	// The bug: the next call still uses the group's ctx.
	_, err := fetch(ctx, "recommendations")
	fmt.Printf("%-5v with the group's ctx: %v\n", time.Since(start), err)

	// The fix: after Wait, go back to the context the group came from.
	recs, err := fetch(parent, "recommendations")
	fmt.Printf("%-5v with parent: %s, %v\n", time.Since(start), recs, err)
	return nil
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := page(ctx); err != nil {
		fmt.Println("page:", err)
	}
}
