package main

import "fmt"

func main() {
	ch := make(chan int)
	for i := 0; i < 10000; i++ {
		go func() { ch <- i }()
	}
	fmt.Println("started")
}
