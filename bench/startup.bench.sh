#!/usr/bin/env bash
# Start-up: a fully cached build + push (every step cached, the registry already has the image) through
# bin/strata, with the JDK 25 AOT cache it prefers and with JDK 17 and its CDS archive, timed by
# hyperfine in the same run. Writes the "startup" section of docs/PERFORMANCE.md.
# Usage: bench/startup.bench.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
[ -f target/strata.jar ] || mvn -q -B -DskipTests package
runs="${1:-10}"
jdk25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
[ -x "$jdk25" ] || { echo "no JDK 25 at $jdk25" >&2; exit 4; }
work="$(mktemp -d /tmp/strata-bench-startup.XXXXXX)"
reg_pids=()
trap 'stop_registries; rm -rf "$work"' EXIT
start_registry registry
host="$reg_host"
strata() { bin/strata "$@"; }
# each launcher records its archive once, as on a user's first run
STRATA_JAVA=path bin/strata --version >/dev/null
bin/strata --version >/dev/null
push_busybox_base "$host"
mkdir -p "$work/ctx"
printf 'FROM %s/base:1\nWORKDIR /app\nCOPY a.txt /app/a.txt\nRUN echo built > /app/b\n' "$host" > "$work/ctx/Dockerfile"
echo a > "$work/ctx/a.txt"
STRATA_HOME="$work/home" strata build -q -t "$host/app:1" --push "$work/ctx" >/dev/null
cmd="STRATA_HOME=$work/home bin/strata build -q -t $host/app:1 --push $work/ctx"
hyperfine -N --warmup 2 --runs "$runs" --export-json "$work/h.json" \
    -n "JDK 17 + CDS archive" "env STRATA_JAVA=path $cmd" \
    -n "JDK 25 + AOT cache" "env $cmd" > "$work/h.txt" 2>&1 || { cat "$work/h.txt" >&2; exit 1; }
out="$work/section.md"
python3 - "$work/h.json" "$runs" > "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print("## Start-up (startup)")
print()
print("A fully cached `strata build -q -t REG/app:1 --push` (every step cached, the registry already has")
print("the image: one HEAD) through bin/strata, timed by hyperfine in one run (" + sys.argv[2] + " runs each,")
print("2 warm-ups); local docker-registry on 127.0.0.1.")
print()
print("| launcher | mean s | stddev s | min s | median s |")
print("|---|---|---|---|---|")
for x in r:
    print(f"| {x['command']} | {x['mean']:.3f} | {x['stddev']:.3f} | {x['min']:.3f} | {x['median']:.3f} |")
a, b = r[0], r[1]
print()
print(f"JDK 25 + AOT cache / JDK 17 + CDS: **{b['median'] / a['median']:.2f}x** (medians), {b['min'] / a['min']:.2f}x (best runs).")
print("bin/strata prefers /usr/lib/jvm/temurin-25-jdk-amd64 when installed (STRATA_JAVA=path keeps the")
print("java on PATH); with a JDK older than 24 it records the CDS archive as before.")
PY
echo "**The machine's 2 cores were shared with other sessions** (load average $(cut -d' ' -f1-3 /proc/loadavg))." >> "$out"
echo "Measured by \`bench/startup.bench.sh $runs\` on $(nproc) cores, $(date -u +%F)." >> "$out"
cat "$out"
write_section startup "$out"
