#!/usr/bin/env bash
# bench.sh: run the benchmarks COUNT times (default 5) and print the median
# of each with the ratios against the baselines measured in the same run,
# and the targets they are held to. The machines are shared and noisy: read
# medians and ratios, not single runs.
#
#   scripts/bench.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-5}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

echo "# runner: $count runs each"
go test -run '^$' -bench . -benchtime 10x -count "$count" ./runner/ | tee -a "$out" | grep -E '^Benchmark' >/dev/null || true
if [ -d site ] && ls site/*_test.go >/dev/null 2>&1; then
  echo "# site: $count runs each"
  go test -run '^$' -bench . -count "$count" ./site/ >>"$out" 2>&1 || true
fi

awk '
/^Benchmark/ {
  name = $1; sub(/-[0-9]+$/, "", name)
  n[name]++; v[name, n[name]] = $3
}
function median(name,   i, j, k, t, a, c) {
  c = n[name]
  for (i = 1; i <= c; i++) a[i] = v[name, i]
  for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
  if (c % 2) return a[(c + 1) / 2]
  return (a[c / 2] + a[c / 2 + 1]) / 2
}
function ms(x) { return sprintf("%.3f ms", x / 1e6) }
function target(label, value, limit, unit) {
  printf "  %-52s %12s   target <= %s %s\n", label, value, limit, (value + 0 <= limit + 0 ? "ok" : "MISSED")
}
END {
  printf "%-44s %14s\n", "benchmark (median)", "time/op"
  for (name in n) printf "%-44s %14s\n", name, ms(median(name)) | "sort"
  close("sort")
  print ""
  print "targets:"
  if (n["BenchmarkRunYaegi"]) target("yaegi run, child included (ms)", sprintf("%.2f", median("BenchmarkRunYaegi") / 1e6), 20)
  if (n["BenchmarkRunGoAfterEdit"] && n["BenchmarkGoRunAfterEdit"])
    target("compiled after an edit / go run after the same edit", sprintf("%.2f", median("BenchmarkRunGoAfterEdit") / median("BenchmarkGoRunAfterEdit")), 1.3)
  if (n["BenchmarkRunCached"]) target("cached repeat run (ms)", sprintf("%.3f", median("BenchmarkRunCached") / 1e6), 5)
  if (n["BenchmarkVirtualTwoSecondsYaegi"]) target("2 s of virtual time under yaegi, wall (ms)", sprintf("%.2f", median("BenchmarkVirtualTwoSecondsYaegi") / 1e6), 50)
  if (n["BenchmarkRunGoTraced"] && n["BenchmarkRunGoUntraced"])
    printf "  %-52s %12.2f\n", "ratio traced / untraced run (trace recording cost)", median("BenchmarkRunGoTraced") / median("BenchmarkRunGoUntraced")
  if (n["BenchmarkRunGo"] && n["BenchmarkRunYaegi"])
    printf "  %-52s %12.2f\n", "ratio compiled run (binary cached) / yaegi run", median("BenchmarkRunGo") / median("BenchmarkRunYaegi")
}' "$out"
