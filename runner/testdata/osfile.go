package main

import "os"

func main() {
	os.WriteFile("x", nil, 0o644)
}
