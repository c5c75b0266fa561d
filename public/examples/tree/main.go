package main

import (
	"context"
	"fmt"
	"time"
)

func state(ctx context.Context) string {
	if err := ctx.Err(); err != nil {
		return err.Error()
	}
	return "running"
}

func main() {
	start := time.Now()
	request, cancelRequest := context.WithCancel(context.Background())
	defer cancelRequest()
	db, cancelDB := context.WithCancel(request)
	defer cancelDB()
	cache, cancelCache := context.WithTimeout(request, 100*time.Millisecond) // an impatient child
	defer cancelCache()

	time.Sleep(50 * time.Millisecond)
	row, cancelRow := context.WithCancel(db) // a grandchild, made later
	defer cancelRow()

	show := func() {
		fmt.Println("at", time.Since(start))
		fmt.Println("  request:", state(request))
		fmt.Println("  db:     ", state(db))
		fmt.Println("  db/row: ", state(row))
		fmt.Println("  cache:  ", state(cache))
	}

	show()
	time.Sleep(100 * time.Millisecond) // the cache's deadline passes at 100ms
	show()
	time.Sleep(150 * time.Millisecond)
	cancelRequest() // at 300ms the client goes away
	show()
}
