package main

import (
	"context"
	"fmt"
	"time"
)

func main() {
	start := time.Now()
	parent, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()

	longer, cancel1 := context.WithTimeout(parent, 5*time.Second) // asks for more
	defer cancel1()
	shorter, cancel2 := context.WithTimeout(parent, 200*time.Millisecond) // asks for less
	defer cancel2()

	for _, c := range []struct {
		name string
		ctx  context.Context
	}{{"parent (1s)", parent}, {"child asking 5s", longer}, {"child asking 200ms", shorter}} {
		d, _ := c.ctx.Deadline()
		fmt.Printf("%-19s deadline at +%v\n", c.name, d.Sub(start))
	}

	<-longer.Done()
	fmt.Println("the 5s child ended at", time.Since(start), "with", longer.Err())
}
