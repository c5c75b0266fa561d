package main

import (
	"fmt"
	"sync/atomic"
	"time"
)

func main() {
	ch := make(chan struct{})
	var woke atomic.Int32
	for i := 0; i < 3; i++ {
		go func() {
			<-ch
			woke.Add(1)
		}()
		time.Sleep(time.Millisecond) // it waits before the next one starts
	}

	ch <- struct{}{} // a send is received by exactly one goroutine
	time.Sleep(time.Millisecond)
	fmt.Println("after one send:", woke.Load(), "of 3 receivers woke up")

	close(ch) // a close is seen by every receiver, now and later
	time.Sleep(time.Millisecond)
	fmt.Println("after close:   ", woke.Load(), "of 3 receivers woke up")

	_, ok := <-ch
	fmt.Println("a receive after close returns at once, ok =", ok)
}
