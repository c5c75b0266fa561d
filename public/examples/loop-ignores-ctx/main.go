package main

import (
	"context"
	"fmt"
	"time"
)

func resize(image string) { time.Sleep(100 * time.Millisecond) }

// resizeAll takes a ctx, which promises it can be stopped. It can't.
func resizeAll(ctx context.Context, images []string) int {
	done := 0
	for _, img := range images {
		resize(img)
		done++
	}
	return done
}

func main() {
	images := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
	defer cancel()

	n := resizeAll(ctx, images)
	fmt.Printf("resized %d of %d images; returned at %v (deadline was 250ms)\n",
		n, len(images), time.Since(start))
}
