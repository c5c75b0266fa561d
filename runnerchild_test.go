package main

import (
	"testing"

	"signalwire/internal/runnertest"
)

// TestMain lets the runner re-execute this test binary as the
// interpreter's child process.
func TestMain(m *testing.M) { runnertest.Main(m) }
