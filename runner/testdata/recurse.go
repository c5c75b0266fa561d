package main

import "fmt"

func depth(n int) int {
	var pad [64]byte
	return depth(n+1) + int(pad[n%64])
}

func main() {
	fmt.Println(depth(0))
}
