package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

func fetch(ctx context.Context, d time.Duration, fail bool) error {
	select {
	case <-time.After(d):
		if fail {
			return errors.New("failed")
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	var wg sync.WaitGroup
	for i, fail := range []bool{true, false} {
		wg.Add(1)
		go func(i int, fail bool) {
			defer wg.Done()
			if err := fetch(ctx, time.Duration(i+1)*100*time.Millisecond, fail); err != nil {
				cancel(err)
			}
		}(i, fail)
	}
	wg.Wait()
	fmt.Println(context.Cause(ctx))
}
