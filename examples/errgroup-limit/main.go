package main

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

type photo struct {
	name  string
	takes time.Duration
}

// event is a task starting or ending, at a moment of the run.
type event struct {
	at    time.Duration
	photo int
	done  bool
}

type journal struct {
	start  time.Time
	mu     sync.Mutex
	events []event
}

func (j *journal) note(photo int, done bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.events = append(j.events, event{time.Since(j.start), photo, done})
}

func resize(ctx context.Context, p photo) error {
	select {
	case <-time.After(p.takes):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// task is the group's task for photos[i].
func task(ctx context.Context, photos []photo, i int, j *journal) func() error {
	return func() error {
		j.note(i, false)
		defer j.note(i, true)
		return resize(ctx, photos[i])
	}
}

func main() {
	photos := []photo{
		{"beach.jpg", 300 * time.Millisecond},
		{"cat.jpg", 100 * time.Millisecond},
		{"dunes.jpg", 250 * time.Millisecond},
		{"fog.jpg", 150 * time.Millisecond},
		{"gulls.jpg", 50 * time.Millisecond},
	}
	j := &journal{start: time.Now()}
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(2)
	for i := range photos {
		g.Go(task(ctx, photos, i, j)) // blocks while two are running
	}
	if err := g.Wait(); err != nil {
		fmt.Println("resize:", err)
	}

	// Events at the same instant: an end before the start it made room for.
	sort.Slice(j.events, func(a, b int) bool {
		x, y := j.events[a], j.events[b]
		if x.at != y.at {
			return x.at < y.at
		}
		if x.done != y.done {
			return x.done
		}
		return x.photo < y.photo
	})
	running, most := 0, 0
	for _, e := range j.events {
		what := "start"
		if e.done {
			what = "done "
			running--
		} else {
			running++
		}
		if running > most {
			most = running
		}
		fmt.Printf("%-5v %s %-9s running: %d\n", e.at, what, photos[e.photo].name, running)
	}
	fmt.Println("at most", most, "at once; all done at", time.Since(j.start))
}
