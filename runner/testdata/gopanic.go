package main

import (
	"fmt"
	"time"
)

func main() {
	fmt.Println("starting")
	go func() {
		panic(fmt.Errorf("worker failed"))
	}()
	time.Sleep(time.Second)
	fmt.Println("not reached")
}
