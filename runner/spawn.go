//go:build !js

package runner

import "context"

// startChild starts the interpreter's child: a process (see start). In the
// browser it is another instance of the WebAssembly program (spawn_js.go).
func startChild(ctx context.Context, c child, outputLimit int) (*raw, error) {
	return start(ctx, c, outputLimit)
}
