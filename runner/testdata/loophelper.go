package main

import "fmt"

func spin() int {
	n := 0
	for {
		n++
	}
}

func main() {
	fmt.Println("spinning")
	fmt.Println(spin())
}
