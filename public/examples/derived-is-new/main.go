package main

import (
	"context"
	"fmt"
	"time"
)

type traceKey struct{}

func main() {
	parent := context.Background()
	child, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	child = context.WithValue(child, traceKey{}, "trace-81")

	_, parentHas := parent.Deadline()
	_, childHas := child.Deadline()
	fmt.Println("parent has a deadline:", parentHas, "- trace:", parent.Value(traceKey{}))
	fmt.Println("child has a deadline: ", childHas, "- trace:", child.Value(traceKey{}))

	cancel()
	fmt.Println("after cancel: parent", parent.Err(), "/ child", child.Err())
}
