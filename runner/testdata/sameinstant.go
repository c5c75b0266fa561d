package main

import (
	"context"
	"fmt"
)

func main() {
	root, cancelRoot := context.WithCancel(context.Background())
	defer cancelRoot()
	a, cancelA := context.WithCancel(root)
	b, cancelB := context.WithCancel(a)
	c, cancelC := context.WithCancel(root)
	d, cancelD := context.WithCancel(c)
	cancelB()
	cancelC()
	cancelRoot()
	cancelA()
	cancelD()
	fmt.Println(a.Err(), b.Err(), c.Err(), d.Err())
}
