package main

import (
	"bytes"
	"fmt"
)

// Each megabyte is written by one call into the standard library, which is
// native code under the interpreter too: the test reaches any memory limit
// in a few dozen calls, however busy the machine.
func main() {
	var keep [][]byte
	for i := 0; i < 1024; i++ {
		keep = append(keep, bytes.Repeat([]byte{byte(i)}, 1<<20))
	}
	fmt.Println(len(keep))
}
