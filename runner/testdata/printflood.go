package main

import "strings"

// 100 MB through println, which the runtime writes to descriptor 2 itself.
func main() {
	line := strings.Repeat("x", 1023)
	for i := 0; i < 100<<10; i++ {
		println(line)
	}
}
