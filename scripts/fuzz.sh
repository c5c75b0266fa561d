#!/usr/bin/env bash
# Fuzz the parsers of what authors write (the site generator's input, the
# runner's rewrites of example source): each fuzz target of the listed
# packages runs for a fixed time (FUZZTIME, 20s by default), one target per
# "go test -fuzz" call, as go test requires. A failure leaves the crasher
# in the package's testdata/fuzz/TARGET/, which then joins the seed corpus
# of every "go test"; fix the bug and commit the file.
#
#   scripts/fuzz.sh                      every target, 20s each
#   scripts/fuzz.sh -fuzztime 60s        longer (or FUZZTIME=60s)
#   scripts/fuzz.sh FuzzLinkTarget       one target
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-20s}
if [ "${1:-}" = -fuzztime ]; then
  fuzztime=${2:?-fuzztime needs a duration}
  shift 2
fi
pkgs=(./site ./runner)

status=0
for pkg in "${pkgs[@]}"; do
  # The targets are listed by go test itself, so a new one is fuzzed
  # without editing this script.
  targets=$(go test "$pkg" -list '^Fuzz' | grep '^Fuzz' || true)
  # A new interesting input is minimized before fuzzing goes on, for up to
  # a minute by default: with the book's chapters as seeds that would eat
  # a short run.
  for target in $targets; do
    if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$target"; then
      continue
    fi
    echo "== $pkg $target ($fuzztime)"
    corpus="$pkg/testdata/fuzz/$target"
    before=$(ls "$corpus" 2>/dev/null || true)
    log=$(mktemp)
    if go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime 5s 2>&1 | tee "$log"; [ "${PIPESTATUS[0]}" -eq 0 ]; then
      rm -f "$log"
      continue
    fi
    after=$(ls "$corpus" 2>/dev/null || true)
    # Go 1.26's fuzzing coordinator can report the end of -fuzztime itself
    # as a failure, "context deadline exceeded", with no input to blame
    # (golang/go#75804, fixed in Go 1.27). That, and only that, is not a
    # finding: a crasher is always written to the corpus.
    if [ "$before" = "$after" ] &&
      grep -q '^    context deadline exceeded$' "$log" && ! grep -q 'Failing input written' "$log"; then
      echo "note: $pkg $target: go's fuzzing stopped with its own deadline error and no failing input (golang/go#75804); not a finding"
    else
      echo "FAIL: $pkg $target: the crasher, if any, is in $corpus/"
      status=1
    fi
    rm -f "$log"
  done
done
exit $status
