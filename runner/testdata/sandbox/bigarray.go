package main

import "fmt"

type block [1 << 20]byte

var big [1900]block

func main() {
	fmt.Println(len(big))
}
