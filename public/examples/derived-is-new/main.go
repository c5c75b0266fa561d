package main

import (
	"context"
	"fmt"
	"time"
)

type key int

const (
	userKey key = iota
	traceKey
)

func describe(name string, ctx context.Context) {
	_, hasDeadline := ctx.Deadline()
	fmt.Printf("%-7s deadline: %-5v user: %v  trace: %v  Err: %v\n",
		name, hasDeadline, ctx.Value(userKey), ctx.Value(traceKey), ctx.Err())
}

func main() {
	parent, cancelParent := context.WithCancel(context.Background())
	defer cancelParent()
	parent = context.WithValue(parent, userKey, "ada")

	child, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	child = context.WithValue(child, traceKey, "trace-81")

	describe("parent", parent)
	describe("child", child)

	cancel()
	fmt.Println("after cancelling the child:")
	describe("parent", parent)
	describe("child", child)
}
