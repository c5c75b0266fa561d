package main

import (
	"context"
	"fmt"
	"time"
)

type traceKey struct{}

func describe(name string, ctx context.Context) {
	_, hasDeadline := ctx.Deadline()
	fmt.Printf("%-9s err=%-17v deadline=%-5v trace=%v\n",
		name, ctx.Err(), hasDeadline, ctx.Value(traceKey{}))
}

func main() {
	req, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	req = context.WithValue(req, traceKey{}, "trace-81")
	detached := context.WithoutCancel(req)

	describe("request", req)
	describe("detached", detached)

	cancel()
	fmt.Println("-- request cancelled --")
	describe("request", req)
	describe("detached", detached)
	fmt.Println("detached Done() == nil:", detached.Done() == nil)
}
