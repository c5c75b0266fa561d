package main

import (
	"context"
	"log/slog"
	"os"
)

type requestIDKey struct{}

// WithRequestID is what a middleware calls once per request.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// contextHandler adds the request ID found in the context to every record.
// The logger itself lives in a struct field; the request comes with each call.
type contextHandler struct{ next slog.Handler }

func (h contextHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h contextHandler) Handle(ctx context.Context, r slog.Record) error {
	if id, ok := ctx.Value(requestIDKey{}).(string); ok {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.next.Handle(ctx, r)
}

func (h contextHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return contextHandler{h.next.WithAttrs(attrs)}
}

func (h contextHandler) WithGroup(name string) slog.Handler {
	return contextHandler{h.next.WithGroup(name)}
}

// Store is a long-lived dependency: its logger is a field, its context is not.
type Store struct{ log *slog.Logger }

func (s *Store) Load(ctx context.Context, id int) {
	s.log.InfoContext(ctx, "loading order", "order", id)
	s.log.Info("loading order, no context", "order", id) // the request ID is lost
}

func main() {
	text := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{} // no timestamps: the output must not change between runs
			}
			return a
		},
	})
	store := &Store{log: slog.New(contextHandler{text}).With("component", "store")}

	store.Load(WithRequestID(context.Background(), "req-7"), 42)
	store.Load(WithRequestID(context.Background(), "req-8"), 43)
}
