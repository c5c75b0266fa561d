//go:build ignore

package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

func fetch(parent context.Context, id int) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	if id <= 0 {
		return errors.New("bad id") // returns without calling cancel
	}
	defer cancel()
	<-ctx.Done()
	return ctx.Err()
}

func fetchQuick(parent context.Context) error {
	ctx, _ := context.WithTimeout(parent, time.Second) // cancel thrown away
	return ctx.Err()
}

func main() {
	fmt.Println(fetch(context.Background(), 0))
	fmt.Println(fetch(context.Background(), 7))
	fmt.Println(fetchQuick(context.Background()))
}
