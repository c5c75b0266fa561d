package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

func main() {
	l, err := net.Listen("tcp", "127.0.0.1:47123")
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond) // both engines listen at once
		fmt.Fprint(w, "hello from the example's own loopback")
	})}
	go srv.Serve(l)
	resp, err := http.Get("http://127.0.0.1:47123/")
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	srv.Close()
	fmt.Println(string(b))
}
