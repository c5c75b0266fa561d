package main

import (
	"context"
	"fmt"
	"sync"
	"time"
)

func main() {
	start := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var wg sync.WaitGroup
	saw := make([]time.Duration, 4)
	for i := 1; i <= 4; i++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			<-ctx.Done() // every worker waits on the same channel
			saw[id-1] = time.Since(start)
		}(i)
	}

	time.Sleep(300 * time.Millisecond)
	cancel() // one call...
	wg.Wait()
	for i, d := range saw {
		fmt.Printf("worker %d saw the signal at %v\n", i+1, d) // ...every worker hears it
	}
}
