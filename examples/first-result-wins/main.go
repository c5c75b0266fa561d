package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

type replica struct {
	name    string
	latency time.Duration
	err     error // what it answers with after latency; nil means success
}

type result struct {
	answer string
	err    error
}

var (
	start   time.Time
	wg      sync.WaitGroup // OMIT
	stopped []string       // OMIT
)

func ask(ctx context.Context, r replica) (string, error) {
	select {
	case <-time.After(r.latency):
		if r.err != nil {
			return "", r.err
		}
		return "answer from " + r.name, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// first asks every replica at once and returns the first success. It returns
// an error only when every replica has failed: it never waits for a result
// that cannot come.
func first(ctx context.Context, replicas []replica) (string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // however first returns, the others are told to stop

	results := make(chan result, len(replicas)) // room for all: no sender can get stuck
	stopped = make([]string, len(replicas))     // OMIT
	for i, r := range replicas {
		wg.Add(1) // OMIT
		go func(i int, r replica) {
			defer wg.Done() // OMIT
			a, err := ask(ctx, r)
			stopped[i] = fmt.Sprintf("  %s returned at %v: %v", r.name, time.Since(start), err) // OMIT
			results <- result{a, err}                                                           // every goroutine sends exactly once
		}(i, r)
	}
	var errs []error
	for range replicas { // one receive per replica, and every replica sends: no wait for ever
		res := <-results
		if res.err == nil {
			return res.answer, nil
		}
		errs = append(errs, res.err)
	}
	return "", fmt.Errorf("all %d replicas failed: %w", len(replicas), errors.Join(errs...))
}

func run(title string, replicas []replica) {
	start = time.Now()
	answer, err := first(context.Background(), replicas)
	fmt.Println(title)
	if err != nil {
		// errors.Join puts one error per line; one line reads better here.
		fmt.Printf("  error at %v: %s\n", time.Since(start), strings.ReplaceAll(err.Error(), "\n", "; "))
	} else {
		fmt.Printf("  %s at %v\n", answer, time.Since(start))
	}
	wg.Wait()                   // only so that this program can show when each replica stopped // OMIT
	for _, s := range stopped { // OMIT
		fmt.Println(s) // OMIT
	} // OMIT
}

func main() {
	unavailable := errors.New("503 unavailable")
	run("one fails, the next answer wins", []replica{
		{"eu-1", 900 * time.Millisecond, nil},
		{"eu-2", 250 * time.Millisecond, unavailable},
		{"us-1", 600 * time.Millisecond, nil},
	})
	run("all fail", []replica{
		{"eu-1", 900 * time.Millisecond, unavailable},
		{"eu-2", 250 * time.Millisecond, unavailable},
		{"us-1", 600 * time.Millisecond, errors.New("connection refused")},
	})
}
