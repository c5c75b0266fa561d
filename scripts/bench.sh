#!/usr/bin/env bash
# bench.sh: run the benchmarks COUNT times (default 5) and print the median
# of each metric, the ratios against the baselines measured in the same run,
# and the targets they are held to. The machines are shared and noisy: read
# medians and ratios, not single runs.
#
#   scripts/bench.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-5}
cold=$(( count < 3 ? count : 3 ))
out=$(mktemp)
trap 'rm -f "$out"' EXIT

step() { echo "# $1" >&2; shift; "$@" >>"$out" 2>&1 || { echo "failed: $*" >&2; tail -20 "$out" >&2; exit 1; }; }
step "runner ($count runs)" go test -run '^$' -bench . -benchtime 10x -count "$count" ./runner/
step "diff ($count runs)" go test -run '^$' -bench . -benchtime 5x -count "$count" ./internal/diff/
step "site and diagram ($count runs)" go test -run '^$' -bench . -count "$count" ./site/ ./diagram/
step "the book, warm ($count runs)" go test -run '^$' -bench 'BookRender|BookWarmBuild|CheckWarm' -benchtime 10x -count "$count" .
step "the command line ($count runs)" go test -run '^$' -bench '^BenchmarkCLI' -benchtime 20x -count "$count" .
step "the book, cold cache ($cold runs)" go test -run '^$' -bench 'BookColdBuild|CheckCold' -benchtime 1x -count "$cold" .
# The live preview: ten edits a run, each timed from the save to Chromium
# showing it; ns/op is their median.
step "live preview ($count runs)" go test -run '^$' -bench '^BenchmarkServe' -benchtime 10x -count "$count" ./preview/

awk '
/^Benchmark/ {
  name = $1; sub(/-[0-9]+$/, "", name)
  for (i = 3; i < NF; i += 2) {
    key = name SUBSEP $(i + 1)
    if (!(key in n)) { keys[++nk] = key }
    n[key]++; v[key, n[key]] = $i
  }
}
function median(name, unit,   key, i, j, t, a, c) {
  key = name SUBSEP unit
  c = n[key]
  if (!c) return -1
  for (i = 1; i <= c; i++) a[i] = v[key, i]
  for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
  if (c % 2) return a[(c + 1) / 2]
  return (a[c / 2] + a[c / 2 + 1]) / 2
}
function ms(x) { return sprintf("%.3f ms", x / 1e6) }
function target(label, value, limit) {
  if (value < 0) return
  printf "  %-58s %10.3f   target <= %-6s %s\n", label, value, limit, (value <= limit ? "ok" : "MISSED")
}
function ratio(label, a, b) {
  if (a < 0 || b <= 0) return
  printf "  %-58s %10.2f\n", label, a / b
}
END {
  printf "%-44s %-12s %14s\n", "benchmark", "metric", "median"
  for (k = 1; k <= nk; k++) {
    split(keys[k], p, SUBSEP)
    if (p[2] !~ /^ns\//) continue
    printf "%-44s %-12s %14s\n", p[1], p[2], ms(median(p[1], p[2]))
  }
  print ""
  print "targets (milliseconds unless said):"
  target("runner: yaegi run, child included", median("BenchmarkRunYaegi", "ns/op") / 1e6, 20)
  if (median("BenchmarkGoRunAfterEdit", "ns/op") > 0)
    target("runner: compiled after a behaviour edit / go run of it (ratio)", median("BenchmarkRunGoAfterEdit", "ns/op") / median("BenchmarkGoRunAfterEdit", "ns/op"), 1.0)
  target("cli: run -engine yaegi -nocache timeout, end to end", median("BenchmarkCLIYaegiTimeout", "ns/op") / 1e6, 40)
  target("runner: cached repeat run", median("BenchmarkRunCached", "ns/op") / 1e6, 5)
  target("runner: 2 s of virtual time under yaegi, wall", median("BenchmarkVirtualTwoSecondsYaegi", "ns/op") / 1e6, 50)
  target("site: rendering, per page (100 generated chapters)", median("BenchmarkRender", "ns/page") / 1e6, 2)
  target("book: warm rebuild, whole book", median("BenchmarkBookWarmBuild", "ns/op") / 1e6, 150)
  target("book: check with a warm cache, whole book", median("BenchmarkCheckWarm", "ns/op") / 1e6, 2000)
  target("serve: chapter saved -> shown in the browser", median("BenchmarkServeChapter", "ns/op") / 1e6, 150)
  target("serve: example saved -> yaegi preview shown", median("BenchmarkServeExamplePreview", "ns/op") / 1e6, 100)
  target("serve: example saved -> verified output shown", median("BenchmarkServeExampleVerified", "ns/op") / 1e6, 600)
  target("diff: 20,000-line output / 2,000-line one (10 = linear; ratio)", median("BenchmarkUnified", "x-2k"), 20)
  print ""
  print "ratios, measured in the same run:"
  ratio("runner: compiled after a comment edit / go run of it", median("BenchmarkRunGoAfterCommentEdit", "ns/op"), median("BenchmarkGoRunAfterCommentEdit", "ns/op"))
  ratio("cli: yaegi run of timeout / hello-world process", median("BenchmarkCLIYaegiTimeout", "ns/op"), median("BenchmarkCLIFloor", "ns/op"))
  ratio("cli: start-up of the tool (help) / hello-world process", median("BenchmarkCLIHelp", "ns/op"), median("BenchmarkCLIFloor", "ns/op"))
  ratio("cli: first yaegi run after a build (sandbox probed) / floor", median("BenchmarkCLIYaegiTimeoutFirstRun", "ns/op"), median("BenchmarkCLIFloor", "ns/op"))
  ratio("runner: compiled (binary cached) / yaegi", median("BenchmarkRunGo", "ns/op"), median("BenchmarkRunYaegi", "ns/op"))
  ratio("runner: traced / untraced run (cost of the trace)", median("BenchmarkRunGoTraced", "ns/op"), median("BenchmarkRunGoUntraced", "ns/op"))
  ratio("book: warm rebuild / rendering alone", median("BenchmarkBookWarmBuild", "ns/op"), median("BenchmarkBookRender", "ns/op"))
  ratio("book: cold build / rendering alone", median("BenchmarkBookColdBuild", "ns/op"), median("BenchmarkBookRender", "ns/op"))
  s10 = median("BenchmarkLoadRenderScaling/chapters=10", "ns/page")
  s100 = median("BenchmarkLoadRenderScaling/chapters=100", "ns/page")
  s400 = median("BenchmarkLoadRenderScaling/chapters=400", "ns/page")
  if (s10 > 0 && s100 > 0) target("site: cost per page, 100 chapters / 10 chapters (ratio)", s100 / s10, 1.2)
  if (s10 > 0 && s400 > 0) target("site: cost per page, 400 chapters / 10 chapters (ratio)", s400 / s10, 1.2)
  c = median("BenchmarkBookColdBuild", "ns/example")
  if (c > 0) printf "  %-58s %10.1f ms\n", "book: cold build, per example (compile + run, 2 engines)", c / 1e6
  c = median("BenchmarkCheckCold", "ns/example")
  if (c > 0) printf "  %-58s %10.1f ms\n", "book: cold check, per example (compile, 2 runs x 2 engines, vet)", c / 1e6
}' "$out"
