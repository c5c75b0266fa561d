package main

import (
	"context"
	"fmt"
	"time"
)

func main() {
	// A deadline in the past is allowed: the context is born already ended.
	late, cancelLate := context.WithDeadline(context.Background(), time.Date(1999, 12, 31, 23, 0, 0, 0, time.UTC))
	defer cancelLate()
	fmt.Println("deadline already passed:", late.Err())

	// The nightly batch must stop at 00:00:03 sharp, however long it has run.
	cutoff := time.Date(2000, 1, 1, 0, 0, 3, 0, time.UTC)
	ctx, cancel := context.WithDeadline(context.Background(), cutoff)
	defer cancel()

	done := 0
	for done < 10 {
		select {
		case <-ctx.Done():
			fmt.Printf("stopped at %s after %d items: %v\n",
				time.Now().Format("15:04:05.000"), done, ctx.Err())
			return
		case <-time.After(700 * time.Millisecond): // one item
			done++
		}
	}
	fmt.Println("all items done")
}
