#!/usr/bin/env bash
# testtime.sh: time the README's test command, go test ./..., on this
# machine, as a developer runs it again after a change: Go's test cache off
# (-count=1), Go's build cache and the runner's caches warm. It runs COUNT
# times (default 3) with the browser checks' verdicts remembered
# (browser.Verdicts), and as many times with SIGNALWIRE_TEST_NOCACHE=1,
# every check made again (the baseline, what CI does), alternating, after
# one run that warms the caches. It prints each run's wall time and the
# machine's busy CPU time (from /proc/stat: run it on a quiet machine), the
# medians and their ratio.
#
#   scripts/testtime.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-3}

# busy prints the CPU time spent by the whole machine so far, in ticks.
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
tick=$(getconf CLK_TCK)

# run NAME [ENV...]: one go test ./... run; prints "NAME wall cpu".
run() {
  local name=$1 b s e a
  shift
  b=$(busy)
  s=$(date +%s.%N)
  if ! env "$@" go test -count=1 ./... >/tmp/testtime.$$ 2>&1; then
    echo "go test ./... failed ($name):" >&2
    grep -v '^ok ' /tmp/testtime.$$ | tail -40 >&2
    rm -f /tmp/testtime.$$
    exit 1
  fi
  e=$(date +%s.%N)
  a=$(busy)
  rm -f /tmp/testtime.$$
  awk -v n="$name" -v s="$s" -v e="$e" -v c="$((a - b))" -v t="$tick" \
    'BEGIN { printf "%s %.1f %.1f\n", n, e - s, c / t }'
}

echo "# $(uptime)" >&2
echo "# warming the caches" >&2
run warm >/dev/null
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for i in $(seq "$count"); do
  echo "# run $i of $count" >&2
  run remembered | tee -a "$out" >&2
  run all SIGNALWIRE_TEST_NOCACHE=1 | tee -a "$out" >&2
done
awk '
function median(k,   i, j, t, c) {
  c = n[k]
  for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++)
    if (v[k, j] < v[k, i]) { t = v[k, i]; v[k, i] = v[k, j]; v[k, j] = t }
  return c % 2 ? v[k, (c + 1) / 2] : (v[k, c / 2] + v[k, c / 2 + 1]) / 2
}
{ n[$1 "wall"]++; v[$1 "wall", n[$1 "wall"]] = $2; n[$1 "cpu"]++; v[$1 "cpu", n[$1 "cpu"]] = $3 }
END {
  rw = median("rememberedwall"); rc = median("rememberedcpu")
  aw = median("allwall"); ac = median("allcpu")
  printf "go test -count=1 ./..., verdicts remembered: median %.1f s wall, %.1f s CPU (target: at most 60 s)\n", rw, rc
  printf "go test -count=1 ./..., every check made (SIGNALWIRE_TEST_NOCACHE=1): median %.1f s wall, %.1f s CPU\n", aw, ac
  printf "ratio: %.2f wall, %.2f CPU\n", rw / aw, rc / ac
}' "$out"
