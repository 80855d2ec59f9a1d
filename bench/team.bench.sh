#!/usr/bin/env bash
# A team on one cache ref, every job on an empty runner, strata and buildah in the same run against a
# local docker-registry on 127.0.0.1:
#  - two branches (requirements.txt differs) alternating A B A B A B, each job
#    `--cache-from R --cache-to R` (strata: type=registry,mode=max; buildah: its tag-per-step cache);
#  - a two-stage Dockerfile (builder: WORKDIR, COPY, RUN of a 2 MiB file; final: WORKDIR, COPY --from,
#    RUN, COPY), 4 jobs, the last COPY changed before job 3: strata with the team's literal inline
#    command (--cache-from IMG --build-arg BUILDKIT_INLINE_CACHE=1 --push), buildah with --cache-from/--cache-to.
# Per job: seconds, filesystem steps cached, registry requests, blob bytes downloaded (its access log).
# Writes the "team" section of docs/PERFORMANCE.md. BuildKit is not in this run: Debian's dockerd 20.10
# has no --cache-to, so only its inline form could be compared (see docs/PERFORMANCE.md "cache").
# Usage: bench/team.bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
[ -f target/strata.jar ] || mvn -q -B -DskipTests package
work="$(mktemp -d /tmp/strata-bench-team.XXXXXX)"
reg_pids=()
trap 'stop_registries; rm -rf "$work"' EXIT
start_registry registry
host="$reg_host"
strata() { bin/strata "$@"; }
warm_launcher

push_busybox_base "$host"

branch_ctx() { # NAME REQUIREMENTS
  mkdir -p "$work/$1"
  cat > "$work/$1/Dockerfile" <<DF
FROM $host/base:1
WORKDIR /usr/src/app
RUN echo "upgrading the package tool" && mkdir -p /opt/tool && echo 24.0 > /opt/tool/VERSION
COPY ./requirements.txt /usr/src/app/requirements.txt
RUN cat requirements.txt > /opt/tool/installed.txt && head -c 1048576 /dev/zero | tr '\0' x > /opt/deps
RUN echo 123
COPY ./run_test.py /usr/src/app/run_test.py
DF
  echo "$2" > "$work/$1/requirements.txt"
  echo "print('same')" > "$work/$1/run_test.py"
}
multi_ctx() { # NAME RUN_TXT
  mkdir -p "$work/$1"
  cat > "$work/$1/Dockerfile" <<DF
FROM $host/base:1 AS builder
WORKDIR /src
COPY main.txt /src/main.txt
RUN cat main.txt > app.bin && head -c 2097152 /dev/urandom >> app.bin
FROM $host/base:1
WORKDIR /app
COPY --from=builder /src/app.bin /app/app.bin
RUN wc -c /app/app.bin > /app/size
COPY run.txt /app/run.txt
DF
  echo "main v1" > "$work/$1/main.txt"
  echo "$2" > "$work/$1/run.txt"
}

out="$work/section.md"
rows="$work/rows"
: > "$rows"
# job TOOL SCENARIO N CTX ARGS...: one job on an empty store, one table row
job() {
  local tool="$1" scenario="$2" n="$3" ctx="$4"; shift 4
  local before start end logf="$work/$tool-$scenario-$n.log"
  before="$(grep -c '" [0-9][0-9][0-9] ' "$work/registry.log" || true)"
  start="$(date +%s.%N)"
  if [ "$tool" = strata ]; then
    STRATA_HOME="$work/home-$tool-$scenario-$n" strata build --progress=plain "$@" "$ctx" > "$logf" 2>&1 \
        || { cat "$logf" >&2; exit 1; }
  else
    buildah --root "$work/broot-$scenario-$n" --runroot "$work/brun-$scenario-$n" --storage-driver vfs \
        bud --layers --isolation chroot --tls-verify=false "$@" "$ctx" > "$logf" 2>&1 \
        || { cat "$logf" >&2; exit 1; }
  fi
  end="$(date +%s.%N)"
  sleep 0.3
  grep '" [0-9][0-9][0-9] ' "$work/registry.log" | tail -n +"$((before + 1))" > "$logf.access"
  python3 - "$tool" "$scenario" "$n" "$(echo "$end - $start" | bc -l)" "$logf" "$logf.access" "$work/registry" >> "$rows" <<'PY'
import os, re, sys
tool, scenario, n, secs, logf, access, storage = sys.argv[1:8]
text = open(logf).read()
if tool == "strata":
    m = re.search(r"(\d+) of (\d+) steps cached", text)
    cached = f"{m.group(1)} of {m.group(2)}"
else:
    # single-stage "STEP 2/7: ", multi-stage "[2/2] STEP 3/5: "
    steps = re.split(r"\n(?:\[\d+/\d+\] )?STEP \d+/\d+: ", "\n" + text)[1:]
    fs = [s for s in steps if re.match(r"(RUN|COPY|ADD|WORKDIR) ", s)]
    cached = f"{sum('Using cache' in s for s in fs)} of {len(fs)}"
requests, got = 0, 0
for line in open(access):
    m = re.search(r'"([A-Z]+) (\S+) HTTP/[0-9.]+" (\d+) (\d+)', line)
    if not m:
        continue
    requests += 1
    method, path, status, size = m.groups()
    if method == "GET" and "/blobs/sha256:" in path and status == "200":
        got += int(size)
print(f"| {scenario} | {tool} | {n} | {float(secs):.2f} | {cached} | {requests} | {got / 1024:.1f} KiB |")
PY
}

branch_ctx a "requests==2.31.0"
branch_ctx b "flask==3.0.0"
for round in 1 2 3; do
  for br in a b; do
    job strata two-branch "$round$br" "$work/$br" \
        --cache-from "$host/team:strata" --cache-to "type=registry,ref=$host/team:strata,mode=max"
    job buildah two-branch "$round$br" "$work/$br" --cache-from "$host/team-buildah" --cache-to "$host/team-buildah"
  done
done
for n in 1 2 3 4; do
  run="run 1"; [ "$n" -ge 3 ] && run="run 3"
  multi_ctx "m$n" "$run"
  job strata multi-stage "$n" "$work/m$n" --cache-from "$host/multi:latest" --build-arg BUILDKIT_INLINE_CACHE=1 \
      -t "$host/multi:latest" --push
  job buildah multi-stage "$n" "$work/m$n" --cache-from "$host/multi-buildah" --cache-to "$host/multi-buildah"
done

{
  echo "## A team on one cache ref (team)"
  echo
  echo "Two branches alternating on one cache ref (3 rounds), and a two-stage build with the team's"
  echo "inline-cache command (4 jobs, the last COPY changed before job 3); every job on an empty store;"
  echo "strata and buildah 1.28 (\`bud --layers --cache-from/--cache-to\`, vfs, chroot) in the same run,"
  echo "local docker-registry on 127.0.0.1. Bytes: blob bodies the registry served to the job."
  echo
  echo "| scenario | tool | job | s | steps cached | requests | blob bytes downloaded |"
  echo "|---|---|---|---|---|---|---|"
  cat "$rows"
  echo
  echo "Both tools hit every unchanged step of both branches from round 2 (strata merges each export"
  echo "into the ref, so neither branch wipes the other's records). A strata job whose steps all hit"
  echo "downloads manifests and configs only, no layer; buildah pulls the image's layers on every job."
  echo
  echo "Measured by \`bench/team.bench.sh\` on $(nproc) cores, $(date -u +%F)."
} > "$out"
cat "$out"
write_section team "$out"
