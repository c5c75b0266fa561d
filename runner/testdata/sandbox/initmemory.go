package main

import (
	"bytes"
	"fmt"
)

var keep [][]byte

func init() {
	for i := 0; i < 1900; i++ {
		keep = append(keep, bytes.Repeat([]byte{1}, 1<<20))
	}
}

func main() {
	fmt.Println(len(keep))
}
