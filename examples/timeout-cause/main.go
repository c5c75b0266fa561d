package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"
)

func step(ctx context.Context, name string, budget, takes time.Duration) error {
	ctx, cancel := context.WithTimeoutCause(ctx, budget,
		fmt.Errorf("%s: no answer within %v: %w", name, budget, context.DeadlineExceeded))
	defer cancel()
	select {
	case <-time.After(takes):
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

func handle(ctx context.Context) error {
	if err := step(ctx, "users", 500*time.Millisecond, 100*time.Millisecond); err != nil {
		return err
	}
	if err := step(ctx, "orders", time.Second, 1500*time.Millisecond); err != nil {
		return err
	}
	return step(ctx, "prices", 300*time.Millisecond, 50*time.Millisecond)
}

func main() {
	log := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // keep the log lines stable
			}
			return a
		},
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := handle(ctx); err != nil {
		log.Error("request failed", "err", err)
		fmt.Println("still a deadline error:", errors.Is(err, context.DeadlineExceeded))
	}
}
