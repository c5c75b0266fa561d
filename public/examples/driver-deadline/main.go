package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"
)

// query is what a database driver does: it cannot select on ctx.Done while
// blocked in Read, so it hands the deadline to the connection instead.
func query(ctx context.Context, conn net.Conn, sql string) (string, error) {
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
		defer conn.SetDeadline(time.Time{})
	}
	if _, err := io.WriteString(conn, sql); err != nil {
		return "", err
	}
	buf := make([]byte, 64)
	n, err := conn.Read(buf)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		// Report it the way callers expect: as the context's deadline.
		return "", fmt.Errorf("query: %w (%v)", context.DeadlineExceeded, err)
	}
	return string(buf[:n]), err
}

func main() {
	client, server := net.Pipe() // an in-memory connection to a "database"
	defer client.Close()
	go io.Copy(io.Discard, server) // a database that reads and never answers

	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := query(ctx, client, "SELECT * FROM orders")
	fmt.Println("after", time.Since(start), "->", err)
}
