package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

const reportCost = 800 * time.Millisecond // how long a report usually takes

var errNoTime = errors.New("not enough time left")

func buildReport(ctx context.Context) error {
	if deadline, ok := ctx.Deadline(); ok {
		if left := time.Until(deadline); left < reportCost {
			return fmt.Errorf("%w: need %v, have %v", errNoTime, reportCost, left)
		}
	}
	select {
	case <-time.After(reportCost):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func try(budget time.Duration) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()
	err := buildReport(ctx)
	fmt.Printf("budget %v: returned after %v, err = %v\n", budget, time.Since(start), err)
}

func main() {
	try(2 * time.Second)
	try(500 * time.Millisecond)
}
