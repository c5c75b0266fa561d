package main

import (
	"context"
	"fmt"
)

func state(ctx context.Context) string {
	if err := ctx.Err(); err != nil {
		return err.Error()
	}
	return "running"
}

func main() {
	request, cancelRequest := context.WithCancel(context.Background())
	db, cancelDB := context.WithCancel(request)
	cache, cancelCache := context.WithCancel(request)
	row, cancelRow := context.WithCancel(db) // a grandchild
	defer cancelDB()
	defer cancelRow()

	show := func(step string) {
		fmt.Println(step)
		fmt.Println("  request:", state(request))
		fmt.Println("  db:     ", state(db))
		fmt.Println("  db/row: ", state(row))
		fmt.Println("  cache:  ", state(cache))
	}

	show("start")
	cancelCache()
	show("after cancelling cache (a child)")
	cancelRequest()
	show("after cancelling request (the parent)")
}
