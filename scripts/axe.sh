#!/usr/bin/env bash
# axe.sh: fetch axe-core, the accessibility checker the browser tests run
# in every page (internal/browser.Axe), from the npm registry into
# internal/browser/testdata/axe-core, and check it is the version the
# tests were written for. The site itself never loads it.
#
#   scripts/axe.sh
set -euo pipefail
cd "$(dirname "$0")/.."
version=4.14.1
sum=29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c # of axe.min.js
dir=internal/browser/testdata/axe-core
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "axe-core@$version" >/dev/null && tar xzf "axe-core-$version.tgz")
echo "$sum  $tmp/package/axe.min.js" | sha256sum -c --quiet
mkdir -p "$dir"
cp "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$dir/"
echo "axe-core $version in $dir"
