package main

import "fmt"

var x = [1 << 30]byte{1}

func main() {
	fmt.Println(x[0])
}
