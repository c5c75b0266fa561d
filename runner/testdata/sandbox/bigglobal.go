package main

import "fmt"

var big = make([]byte, 1900<<20)

func main() {
	for i := range big {
		big[i] = 1
	}
	fmt.Println(len(big))
}
