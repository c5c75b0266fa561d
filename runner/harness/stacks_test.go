package harness

import (
	"reflect"
	"testing"
)

func TestParseStacks(t *testing.T) {
	trace := `panic: worker failed

goroutine 10 [chan send (durable), synctest bubble 1, 2 minutes]:
main.main.func1()
	signalwire.example/main.go:18 +0x1e
created by main.main in goroutine 9
	signalwire.example/main.go:17 +0x7f

goroutine 12 [sleep, synctest bubble 1]:
time.Sleep(0x34630b8a000)
	/usr/local/go/src/runtime/time.go:361 +0x145
main.(*T).run(0xc000012345, {0x5292f0?, 0x0?})
	signalwire.example/main.go:20 +0x1d
...additional frames elided...
created by main.main in goroutine 9
	signalwire.example/main.go:19 +0x97

goroutine 1 [running]:
main.main()
	/tmp/x/main.go:5 +0x10
`
	got := ParseStacks([]byte(trace))
	want := []Goroutine{
		{ID: 10, State: "chan send", Bubble: true, Durable: true,
			Frames:    []StackFrame{{"main.main.func1", "signalwire.example/main.go", 18}},
			CreatedBy: &StackFrame{"main.main", "signalwire.example/main.go", 17}},
		{ID: 12, State: "sleep", Bubble: true,
			Frames: []StackFrame{
				{"time.Sleep", "/usr/local/go/src/runtime/time.go", 361},
				{"main.(*T).run", "signalwire.example/main.go", 20},
			},
			CreatedBy: &StackFrame{"main.main", "signalwire.example/main.go", 19}},
		{ID: 1, State: "running", Frames: []StackFrame{{"main.main", "/tmp/x/main.go", 5}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
	file := "signalwire.example/main.go"
	if l := got[1].leak(file); !reflect.DeepEqual(l, Leak{State: "sleep", Func: "main.(*T).run", Line: 20, CreatedLine: 19, ID: 12}) {
		t.Errorf("leak %+v", l)
	}
	if !got[0].example(file) || got[2].example(file) {
		t.Error("example() is wrong")
	}
	if lines := got[1].Lines(file); !reflect.DeepEqual(lines, []int{20}) {
		t.Errorf("lines %v", lines)
	}
}

func TestFrames(t *testing.T) {
	var buf []byte
	for _, f := range []Frame{{FrameStdout, []byte("hello\n")}, {FrameMark, nil}, {FrameStderr, make([]byte, 3*MaxFrame)}} {
		buf = append(buf, f.Kind, 0, 0, 0, 0)
		buf[len(buf)-4] = byte(len(f.Payload) >> 24)
		buf[len(buf)-3] = byte(len(f.Payload) >> 16)
		buf[len(buf)-2] = byte(len(f.Payload) >> 8)
		buf[len(buf)-1] = byte(len(f.Payload))
		buf = append(buf, f.Payload...)
	}
	frames, rest := DecodeFrames(buf[:len(buf)-1])
	if len(frames) != 2 || string(frames[0].Payload) != "hello\n" || frames[1].Kind != FrameMark || len(rest) != FrameHeader+3*MaxFrame-1 {
		t.Fatalf("frames %+v, rest %d", frames, len(rest))
	}
}

func TestFormatPanicValue(t *testing.T) {
	type custom struct{ A int }
	tests := []struct {
		v    any
		want string
	}{
		{"boom", "boom"},
		{42, "42"},
		{custom{1}, "(harness.custom) {1}"},
		{nil, "nil"},
	}
	for _, tt := range tests {
		if got := FormatPanicValue(tt.v); got != tt.want {
			t.Errorf("FormatPanicValue(%#v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}
