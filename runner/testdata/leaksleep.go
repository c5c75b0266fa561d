package main

import (
	"fmt"
	"time"
)

func slowLookup() string {
	time.Sleep(2 * time.Second)
	return "42"
}

func main() {
	ch := make(chan string)
	go func() {
		ch <- slowLookup()
	}()
	select {
	case v := <-ch:
		fmt.Println(v)
	case <-time.After(500 * time.Millisecond):
		fmt.Println("gave up")
	}
}
