#!/usr/bin/env bash
# Runs every benchmark in bench/ (each bench/*.bench.sh) and lets each rewrite its section of
# docs/PERFORMANCE.md. Usage: bench/run.sh [NAME...]   e.g. bench/run.sh archive
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/strata.jar ] || mvn -q -B -DskipTests package
names=("$@")
if [ "${#names[@]}" -eq 0 ]; then
  for f in bench/*.bench.sh; do n="$(basename "$f" .bench.sh)"; names+=("$n"); done
fi
for n in "${names[@]}"; do
  echo "== bench: $n"
  bash "bench/$n.bench.sh"
done
