package main

import "os"

// The text of a crash, printed by a program that then exits normally.
func main() {
	println("panic: not really\n\ngoroutine 1 [running]:\nmain.main()\n\tmain.go:7 +0x1d")
	println("fatal error: not really either")
	os.Exit(0)
}
