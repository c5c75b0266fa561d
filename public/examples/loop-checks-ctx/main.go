package main

import (
	"context"
	"fmt"
	"time"
)

// resize can be interrupted half-way.
func resize(ctx context.Context, image string) error {
	select {
	case <-time.After(100 * time.Millisecond):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func resizeAll(ctx context.Context, images []string) (int, error) {
	done := 0
	for _, img := range images {
		if err := ctx.Err(); err != nil { // check before starting the next item
			return done, err
		}
		if err := resize(ctx, img); err != nil { // and let the item itself stop
			return done, err
		}
		done++
	}
	return done, nil
}

func main() {
	images := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
	defer cancel()

	n, err := resizeAll(ctx, images)
	fmt.Printf("resized %d of %d images; returned at %v: %v\n",
		n, len(images), time.Since(start), err)
}
