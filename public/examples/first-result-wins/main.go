package main

import (
	"context"
	"fmt"
	"sync"
	"time"
)

var latency = map[string]time.Duration{
	"eu-1": 900 * time.Millisecond,
	"eu-2": 250 * time.Millisecond,
	"us-1": 600 * time.Millisecond,
}

func ask(ctx context.Context, replica string) (string, error) {
	select {
	case <-time.After(latency[replica]):
		return "answer from " + replica, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func main() {
	start := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	replicas := []string{"eu-1", "eu-2", "us-1"}
	answers := make(chan string, len(replicas)) // room for all: no sender can get stuck
	lines := make([]string, len(replicas))
	var wg sync.WaitGroup
	for i, r := range replicas {
		wg.Add(1)
		go func(i int, r string) {
			defer wg.Done()
			a, err := ask(ctx, r)
			if err == nil {
				answers <- a
			}
			lines[i] = fmt.Sprintf("%s returned at %v, err=%v", r, time.Since(start), err)
		}(i, r)
	}

	fmt.Println("first:", <-answers, "at", time.Since(start))
	cancel() // we have what we need: stop the others
	wg.Wait()
	for _, l := range lines {
		fmt.Println(l)
	}
}
