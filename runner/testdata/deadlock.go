package main

import (
	"fmt"
	"time"
)

func main() {
	fmt.Println("waiting for a value nobody sends")
	go func() { time.Sleep(time.Second) }()
	ch := make(chan int)
	<-ch
}
