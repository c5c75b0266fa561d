package runner

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCompare(t *testing.T) {
	out := func(text string) []Chunk { return []Chunk{{Stream: Stdout, Text: text}} }
	tests := []struct {
		name     string
		realtime bool
		go_, yae string
		diverges bool
	}{
		{"same", false, "hello\n", "hello\n", false},
		{"virtual durations are exact", false, "took 500ms\n", "took 501ms\n", true},
		{"real durations are measurements", true, "doWork returned after 500.87ms: context deadline exceeded\n", "doWork returned after 501.36ms: context deadline exceeded\n", false},
		{"real compound durations", true, "waited 1m0.5s and 120µs\n", "waited 59.9s and 98.2µs\n", false},
		{"real clock, other words differ", true, "took 500ms: ok\n", "took 500ms: failed\n", true},
		{"real clock, a number is not a duration", true, "3 workers\n", "4 workers\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &Result{Engine: EngineGo, Realtime: tt.realtime, Output: out(tt.go_)}
			b := &Result{Engine: EngineYaegi, Realtime: tt.realtime, Output: out(tt.yae)}
			d := compare(a, b)
			if (d != nil) != tt.diverges {
				t.Fatalf("divergence %v, want %v", d, tt.diverges)
			}
			if d != nil && !strings.Contains(d.Diff, "-stdout| ") {
				t.Errorf("diff does not show the output:\n%s", d.Diff)
			}
		})
	}
}

// TestDivergenceInJSON: a result read as JSON says whether the engines
// differed without its exit status: "divergence" is there exactly then.
func TestDivergenceInJSON(t *testing.T) {
	out := func(text string) []Chunk { return []Chunk{{Stream: Stdout, Text: text}} }
	for _, tt := range []struct {
		yaegi string
		want  bool
	}{{"same\n", false}, {"other\n", true}} {
		res := &Result{Engine: EngineBoth, Output: out("same\n")}
		res.Divergence = compare(res, &Result{Engine: EngineYaegi, Output: out(tt.yaegi)})
		b, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if _, ok := m["divergence"]; ok != tt.want {
			t.Errorf("yaegi printing %q: divergence in JSON %v, want %v: %s", tt.yaegi, ok, tt.want, b)
		}
	}
}
