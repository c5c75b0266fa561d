package main

import (
	"context"
	"fmt"
	"net"
	"time"
)

// readReply blocks in conn.Read, which knows nothing about contexts.
// AfterFunc bridges the two: when ctx ends, it unblocks the read.
func readReply(ctx context.Context, conn net.Conn) (string, error) {
	stop := context.AfterFunc(ctx, func() {
		conn.SetReadDeadline(time.Unix(1, 0)) // a time in the past: Read returns now
	})
	defer stop()

	buf := make([]byte, 64)
	n, err := conn.Read(buf)
	if err != nil && ctx.Err() != nil {
		return "", ctx.Err() // report why, not "i/o timeout"
	}
	return string(buf[:n]), err
}

func main() {
	client, server := net.Pipe() // the server never writes anything
	defer client.Close()
	defer server.Close()

	start := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(700*time.Millisecond, cancel) // the user presses "stop"

	_, err := readReply(ctx, client)
	fmt.Println("read returned at", time.Since(start), "with", err)
}
