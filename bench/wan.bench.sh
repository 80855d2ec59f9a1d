#!/usr/bin/env bash
# Builds + pushes over a WAN-like link: bench/wanproxy.py (30 ms round trip, 200 Mbit/s each way, on
# 127.0.0.1) in front of a local docker-registry; strata and buildah 1.28 in the same run, each job on
# an empty store (a fresh CI runner), `--cache-from R --cache-to R` and a push of the image:
#  - seed: the SCENARIO.md shape (1 MiB of RUN output), cold, then cached with the last COPY changed;
#  - large: the same shape on a ~120 MB base built here from /usr (no download) with 120 MiB of RUN
#    layers (80 + 40 MiB of incompressible bytes), cold, then cached with the last COPY changed.
# Setup (base images) goes straight to the registry; only the timed jobs go through the proxy.
# Writes the "wan" section of docs/PERFORMANCE.md with the issue's targets and whether each is met.
# BuildKit is not run here (a private dockerd is bench-only work not done yet).
# Usage: bench/wan.bench.sh [RTT_MS] [MBIT]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
[ -f target/strata.jar ] || mvn -q -B -DskipTests package
rtt="${1:-30}" mbit="${2:-200}"
work="$(mktemp -d /tmp/strata-bench-wan.XXXXXX)"
reg_pids=()
proxy_pid=""
trap '[ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null; stop_registries; rm -rf "$work"' EXIT
start_registry registry
direct="$reg_host"
pport="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
python3 bench/wanproxy.py "$pport" "$direct" "$rtt" "$mbit" > "$work/proxy.out" 2>&1 &
proxy_pid=$!
for _ in $(seq 100); do grep -q ready "$work/proxy.out" 2>/dev/null && break; sleep 0.1; done
wan="127.0.0.1:$pport"
strata() { bin/strata "$@"; }
warm_launcher

# bases, pushed directly: busybox (seed) and busybox + ~120 MB of /usr (large)
push_busybox_base "$direct"
mkdir -p "$work/large-root/usr"
cp -a "$work/rootfs/." "$work/large-root/"
budget=$((120 * 1000 * 1000))
( cd / && find usr/share usr/lib -type f -size -4M 2>/dev/null | sort | python3 -c '
import os, sys
budget, total = int(sys.argv[1]), 0
for line in sys.stdin:
    p = line.rstrip("\n")
    try:
        s = os.lstat("/" + p).st_size
    except OSError:
        continue
    if total + s > budget:
        continue  # read on: stopping early would kill find with SIGPIPE
    total += s
    print(p)
' "$budget" ) > "$work/large.list"
tar -C / -cf - --files-from "$work/large.list" 2>/dev/null | tar -C "$work/large-root" -xf -
large_files="$(wc -l < "$work/large.list")"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/large-root" -cf "$work/large.tar" .
STRATA_HOME="$work/setup" strata import "$work/large.tar" -t bench/large:1 \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' >/dev/null
STRATA_HOME="$work/setup" strata push bench/large:1 "$direct/large:1" >/dev/null
large_mb="$(du -m "$work/large.tar" | cut -f1)"

context() { # DIR BASE BIG_BYTES SMALL_BYTES
  mkdir -p "$1"
  cat > "$1/Dockerfile" <<DF
FROM $wan/$2
WORKDIR /usr/src/app
RUN head -c $3 /dev/urandom > /opt-tool && echo "upgrading the package tool"
COPY ./requirements.txt /usr/src/app/requirements.txt
RUN head -c $4 /dev/urandom > /opt-deps && cat requirements.txt
RUN echo 123
COPY ./run_test.py /usr/src/app/run_test.py
CMD ["python", "run_test.py"]
DF
  echo "requests==2.31.0" > "$1/requirements.txt"
}
context "$work/seed" base:1 1048576 524288
context "$work/large" large:1 $((80 << 20)) $((40 << 20))

rows="$work/rows"
: > "$rows"
declare -A secs
# job TOOL CASE KIND: one build + push on an empty store through the proxy; records seconds and requests
job() {
  local tool="$1" case="$2" kind="$3" ctx="$work/$2"
  local n="$1-$2-$3"
  echo "print('$kind')" > "$ctx/run_test.py"
  local before start end
  before="$(grep -c '" [0-9][0-9][0-9] ' "$work/registry.log" || true)"
  start="$(date +%s.%N)"
  if [ "$tool" = strata ]; then
    STRATA_HOME="$work/home-$n" strata build --progress=plain --cache-from "$wan/$case/strata:cache" \
        --cache-to "type=registry,ref=$wan/$case/strata:cache,mode=max" -t "$wan/$case/strata:latest" --push \
        --metadata-file "$work/$n.json" "$ctx" > "$work/$n.log" 2>&1 || { cat "$work/$n.log" >&2; exit 1; }
  else
    local b=(buildah --root "$work/broot-$n" --runroot "$work/brun-$n" --storage-driver vfs)
    { "${b[@]}" bud --layers --isolation chroot --tls-verify=false --cache-from "$wan/$case/buildah-cache" \
          --cache-to "$wan/$case/buildah-cache" -t "$wan/$case/buildah:latest" "$ctx" \
      && "${b[@]}" push --tls-verify=false "$wan/$case/buildah:latest"; } > "$work/$n.log" 2>&1 \
        || { cat "$work/$n.log" >&2; exit 1; }
  fi
  end="$(date +%s.%N)"
  sleep 0.3
  local reqs
  reqs="$(grep '" [0-9][0-9][0-9] ' "$work/registry.log" | tail -n +"$((before + 1))" | wc -l)"
  secs["$n"]="$(echo "$end - $start" | bc -l)"
  printf '| %s | %s | %s | %.2f | %s |\n' "$case" "$kind" "$tool" "${secs[$n]}" "$reqs" >> "$rows"
}
for c in seed large; do
  for kind in cold cached; do
    job strata "$c" "$kind"
    job buildah "$c" "$kind"
  done
done

ratio() { echo "scale=3; $1 / $2" | bc -l; }
verdict() { # VALUE OP TARGET
  if [ "$(echo "$1 $2 $3" | bc -l)" = 1 ]; then echo "met"; else echo "**not met**"; fi
}
s_seed="${secs[strata-seed-cached]}" b_seed="${secs[buildah-seed-cached]}"
s_large="${secs[strata-large-cached]}" b_large="${secs[buildah-large-cached]}"
s_cold="${secs[strata-large-cold]}" b_cold="${secs[buildah-large-cold]}"
r1="$(ratio "$s_large" "$b_large")" r2="$(ratio "$s_large" "$s_seed")" r3="$(ratio "$s_seed" "$b_seed")"
r4="$(ratio "$s_cold" "$b_cold")"
out="$work/section.md"
{
  echo "## Over a WAN link (wan)"
  echo
  echo "A local \`docker-registry\` behind \`bench/wanproxy.py\` on 127.0.0.1 (${rtt} ms round trip,"
  echo "${mbit} Mbit/s each way, bytes queued as on a real link). Every job on an empty store, build +"
  echo "push: strata \`build --cache-from R --cache-to type=registry,ref=R,mode=max -t IMG --push\`;"
  echo "buildah 1.28 \`bud --layers --cache-from R --cache-to R\` then \`buildah push\` (vfs, chroot)."
  echo "seed: SCENARIO.md's shape (busybox, 1.5 MiB of RUN output); large: the same steps on a"
  echo "${large_mb} MB base (${large_files} files of /usr) with 120 MiB of RUN layers. cached = the last COPY changed."
  echo "Requests: what reached the registry (its access log)."
  echo
  echo "| case | job | tool | s | requests |"
  echo "|---|---|---|---|---|"
  cat "$rows"
  echo
  echo "Targets of issue 12 (fastest peer = buildah here; BuildKit was not run):"
  echo
  echo "| target | measured | |"
  echo "|---|---|---|"
  echo "| large, cached, WAN ≤ 0.2x the fastest peer | ${r1}x | $(verdict "$r1" '<=' 0.2) |"
  echo "| large, cached, WAN ≤ 1.2x strata's seed-shape time | ${r2}x | $(verdict "$r2" '<=' 1.2) |"
  echo "| seed shape, cached, WAN ≤ 0.5x the fastest peer | ${r3}x | $(verdict "$r3" '<=' 0.5) |"
  echo "| large, cold, WAN ≤ 0.7x the fastest peer | ${r4}x | $(verdict "$r4" '<=' 0.7) |"
  echo
  echo "One run per cell; **the machine's 2 cores were shared with other sessions' builds and tests**"
  echo "(load average $(cut -d' ' -f1-3 /proc/loadavg) at the end), so single times are noisy."
  echo "Measured by \`bench/wan.bench.sh $rtt $mbit\` on $(nproc) cores, $(date -u +%F)."
} > "$out"
cat "$out"
write_section wan "$out"
