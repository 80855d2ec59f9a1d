#!/usr/bin/env bash
# Push and pull a multi-layer image (default 1 GiB, 6 layers of incompressible bytes) against a local
# docker-registry, strata side by side with `skopeo copy` in the same run; then re-push the unchanged
# image and count what reached the registry (its access log). Writes the "registry" section of
# docs/PERFORMANCE.md.  Usage: bench/registry.bench.sh [TOTAL_MIB]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
[ -f target/strata.jar ] || mvn -q -B -DskipTests package
total_mib="${1:-1024}"
work="$(mktemp -d /tmp/strata-bench-registry.XXXXXX)"
reg_pids=()
trap 'stop_registries; rm -rf "$work"' EXIT

stop_last_registry() {
  local p="${reg_pids[-1]}"
  kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true
  unset 'reg_pids[-1]'
}
start_registry registry
host="$reg_host"

# The image, written straight into a strata store (an OCI layout): layer sizes in MiB sum to total.
store="$work/store"
mkdir -p "$store/blobs/sha256" "$store/tmp"
echo '{"imageLayoutVersion":"1.0.0"}' > "$store/oci-layout"
parts=(32 64 128 192 256 352)
scale_sum=1024
layers_json="" diffs_json=""
for p in "${parts[@]}"; do
  mib=$(( p * total_mib / scale_sum ))
  head -c "$((mib << 20))" /dev/urandom > "$work/layer"
  d="$(sha256sum "$work/layer" | cut -d' ' -f1)"
  mv "$work/layer" "$store/blobs/sha256/$d"
  size="$(stat -c %s "$store/blobs/sha256/$d")"
  layers_json+="${layers_json:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:$d\",\"size\":$size}"
  diffs_json+="${diffs_json:+,}\"sha256:$d\""
done
put_blob() { local d; d="$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)"; printf '%s' "$1" > "$store/blobs/sha256/$d"; echo "$d"; }
config="{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[$diffs_json]}}"
cd_="$(put_blob "$config")"
manifest="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:$cd_\",\"size\":${#config}},\"layers\":[$layers_json]}"
md="$(put_blob "$manifest")"
entry() { echo "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:$md\",\"size\":${#manifest},\"annotations\":{\"org.opencontainers.image.ref.name\":\"$1\",\"strata.reference\":\"$2\"}}"; }
echo "{\"schemaVersion\":2,\"manifests\":[$(entry "$host/bench/strata:1" "$host/bench/strata:1"),$(entry bench bench)]}" > "$store/index.json"
bytes="$(du -sb "$store/blobs" | cut -f1)"
mib_total="$(( bytes >> 20 ))"

strata() { bin/strata "$@"; }
warm_launcher
secs() { local s e; s="$(date +%s.%N)"; "$@" >/dev/null; e="$(date +%s.%N)"; echo "$e - $s" | bc -l; }
rate() { echo "scale=1; $mib_total / $1" | bc -l; }
log_lines() { grep -c '" [0-9][0-9][0-9] ' "$work/registry.log" || true; }
median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }

sk_push="$(secs skopeo copy --quiet --dest-tls-verify=false "oci:$store:bench" "docker://$host/bench/skopeo:1")"
st_push="$(STRATA_HOME="$store" secs strata push "$host/bench/strata:1")"
# two more push rounds, each into a fresh registry (so every blob is really uploaded, never mounted
# or skipped), alternating who goes first; the median of the 3 rounds is reported
stp_runs=("$st_push") skp_runs=("$sk_push")
for i in 2 3; do
  start_registry "push$i"
  if [ "$i" = 2 ]; then
    stp_runs+=("$(STRATA_HOME="$store" secs strata push "$host/bench/strata:1" "$reg_host/bench/strata:1")")
    skp_runs+=("$(secs skopeo copy --quiet --dest-tls-verify=false "oci:$store:bench" "docker://$reg_host/bench/skopeo:1")")
  else
    skp_runs+=("$(secs skopeo copy --quiet --dest-tls-verify=false "oci:$store:bench" "docker://$reg_host/bench/skopeo:1")")
    stp_runs+=("$(STRATA_HOME="$store" secs strata push "$host/bench/strata:1" "$reg_host/bench/strata:1")")
  fi
  stop_last_registry
  rm -rf "${work:?}/push$i"
done
st_push="$(median "${stp_runs[@]}")" sk_push="$(median "${skp_runs[@]}")"
# pulls repeat cleanly (fresh destinations), so they are timed 3 times, alternating, and the median kept
st_runs=() sk_runs=() sks_runs=()
for i in 1 2 3; do
  rm -rf "$work/pulled" "$work/skopeo-out" "$work/skopeo-out2"
  st_runs+=("$(STRATA_HOME="$work/pulled" secs strata pull "$host/bench/strata:1")")
  sk_runs+=("$(secs skopeo copy --quiet --src-tls-verify=false "docker://$host/bench/skopeo:1" "oci:$work/skopeo-out:1")")
  # strata's store fsyncs every blob before renaming it; time skopeo + sync too, for the same durability
  sync
  sks_runs+=("$(secs sh -c "skopeo copy --quiet --src-tls-verify=false docker://$host/bench/skopeo:1 oci:$work/skopeo-out2:1 && sync")")
done
# strata's fixed cost (JVM start, class loading, manifest + config): a pull whose layers are all stored
fx_runs=()
for i in 1 2 3; do fx_runs+=("$(STRATA_HOME="$work/pulled" secs strata pull "$host/bench/strata:1")"); done
st_fixed="$(median "${fx_runs[@]}")"
fx0_runs=()
for i in 1 2 3; do fx0_runs+=("$(STRATA_CDS=0 STRATA_HOME="$work/pulled" secs strata pull "$host/bench/strata:1")"); done
st_pull="$(median "${st_runs[@]}")" sk_pull="$(median "${sk_runs[@]}")" sk_pull_sync="$(median "${sks_runs[@]}")"
sleep 0.3
before="$(log_lines)"
st_repush="$(STRATA_HOME="$store" secs strata push "$host/bench/strata:1")"
sleep 0.3
repush_log="$(grep '" [0-9][0-9][0-9] ' "$work/registry.log" | tail -n +"$((before + 1))")"
repush_heads="$(grep -c '"HEAD ' <<<"$repush_log" || true)"
repush_other="$(grep -vc '"HEAD ' <<<"$repush_log" || true)"
before="$(log_lines)"
STRATA_HOME="$store" strata push "$host/bench/strata:1" "$host/bench/strata:2" >/dev/null
sleep 0.3
retag_log="$(grep '" [0-9][0-9][0-9] ' "$work/registry.log" | tail -n +"$((before + 1))")"
retag_heads="$(grep -c '"HEAD ' <<<"$retag_log" || true)"
retag_other="$(grep -v '"HEAD ' <<<"$retag_log" | sed -E 's/.*"([A-Z]+) ([^ ]+) HTTP[^"]*" ([0-9]+).*/\1 \2 \3/' | paste -sd';' -)"

# the pulled store holds byte-identical blobs
for f in "$store"/blobs/sha256/*; do cmp -s "$f" "$work/pulled/blobs/sha256/$(basename "$f")" || { echo "pulled blob differs: $f" >&2; exit 1; }; done

out="$work/section.md"
{
  echo "## Registry push and pull (registry)"
  echo
  echo "Image: ${#parts[@]} layers, $mib_total MiB of incompressible bytes, local \`docker-registry\` (distribution 2.8) on"
  echo "127.0.0.1, plain HTTP, filesystem storage on the same disk; strata and skopeo in the same run."
  echo
  echo "| operation | strata s | strata MiB/s | skopeo s | skopeo MiB/s | strata / skopeo throughput |"
  echo "|---|---|---|---|---|---|"
  printf '| push (store/OCI layout -> registry) | %.2f | %s | %.2f | %s | %.2fx |\n' "$st_push" "$(rate "$st_push")" "$sk_push" "$(rate "$sk_push")" "$(echo "$sk_push / $st_push" | bc -l)"
  printf '| pull (registry -> store/OCI layout) | %.2f | %s | %.2f | %s | %.2fx |\n' "$st_pull" "$(rate "$st_pull")" "$sk_pull" "$(rate "$sk_pull")" "$(echo "$sk_pull / $st_pull" | bc -l)"
  st_net="$(echo "$st_pull - $st_fixed" | bc -l)"
  printf '| pull, less strata'"'"'s fixed start-up cost (%.2f s, below) | %.2f | %s | %.2f | %s | %.2fx |\n' "$st_fixed" "$st_net" "$(rate "$st_net")" "$sk_pull" "$(rate "$sk_pull")" "$(echo "$sk_pull / $st_net" | bc -l)"
  printf '| pull, skopeo followed by `sync` (durable, as strata'"'"'s store is) | %.2f | %s | %.2f | %s | %.2fx |\n' "$st_pull" "$(rate "$st_pull")" "$sk_pull_sync" "$(rate "$sk_pull_sync")" "$(echo "$sk_pull_sync / $st_pull" | bc -l)"
  echo
  printf 'Re-push of the unchanged image: %.2f s, **%s HEAD request(s) and %s other request(s)** reached the registry\n' "$st_repush" "$repush_heads" "$repush_other"
  echo "(the manifest HEAD shows the tag already names this digest, so no blob is even asked about)."
  echo "Push of the same image under a new tag: $retag_heads HEADs (manifest + config + ${#parts[@]} layers) and only: \`$retag_other\`."
  echo
  echo "Pulls: median of 3 alternating runs (strata: $(printf '%.2f ' "${st_runs[@]}")s; skopeo: $(printf '%.2f ' "${sk_runs[@]}")s)."
  echo "Pushes: median of 3 rounds, each into an empty registry so every blob is uploaded (strata: $(printf '%.2f ' "${stp_runs[@]}")s;"
  echo "skopeo: $(printf '%.2f ' "${skp_runs[@]}")s). The machine's 2 cores are shared with other jobs, so single runs are noisy."
  echo "Pull into the store fsyncs every blob; the \`sync\` row gives skopeo the same durability."
  echo "strata's fixed cost is the median of 3 pulls of the same image into the store that already holds every"
  echo "layer (JVM start, class loading, JSON set-up, manifest and config): $(printf '%.2f ' "${fx_runs[@]}")s. A Go binary"
  echo "has almost none; bin/strata keeps it down with a class-data-sharing archive recorded on its first run"
  echo "(without it, \`STRATA_CDS=0\`, the same pull takes $(printf '%.2f ' "${fx0_runs[@]}")s)."
  echo
  echo "strata is run as users run it, through bin/strata, after one warm-up run that records the class archive."
  echo "Measured by \`bench/registry.bench.sh $total_mib\` on $(nproc) cores, $(date -u +%F)."
} > "$out"
cat "$out"
write_section registry "$out"
