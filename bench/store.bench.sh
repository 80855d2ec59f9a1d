#!/usr/bin/env bash
# strata import / save of a ~300 MB root filesystem tarball (/usr/share), beside the peers doing the
# same bytes work in the same run: gzip -1 (import = one gzip-1 pass) and skopeo copy (save).
# Writes the "store" section of docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
[ -f target/strata.jar ] || mvn -q -B -DskipTests package
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export STRATA_HOME="$work/home"
strata() { java -jar target/strata.jar "$@"; }
secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C /usr/share -cf "$work/rootfs.tar" .
mb=$(( $(stat -c %s "$work/rootfs.tar") / 1000000 ))
t_import=$(secs strata import "$work/rootfs.tar" -t bench/rootfs:1)
t_gzip=$(secs bash -c "gzip -1 -c '$work/rootfs.tar' > '$work/peer.tar.gz'")
t_oci=$(secs strata save bench/rootfs:1 -o "$work/oci.tar")
t_docker=$(secs strata save bench/rootfs:1 -o "$work/docker.tar" --format docker)
rm -f "$work/oci.tar" "$work/docker.tar" "$work/peer.tar.gz"
t_skopeo=$(secs skopeo copy -q "oci:$STRATA_HOME:bench/rootfs:1" "docker-archive:$work/skopeo.tar:bench/rootfs:1")
row() { printf '| %s | %.1f | %.0f |\n' "$1" "$2" "$(echo "$mb / $2" | bc -l)"; }
out="$work/section.md"
{
  echo "## Import and save (store)"
  echo
  echo "Input: a tar of /usr/share, $mb MB, one layer. Times include JVM start-up."
  echo
  echo "| operation | seconds | MB/s of plain tar |"
  echo "|---|---|---|"
  row "strata import (validate tar, gzip -1, sha256 x2, store)" "$t_import"
  row "peer: gzip -1 of the same tar" "$t_gzip"
  row "strata save --format oci (copy + verify blobs)" "$t_oci"
  row "strata save --format docker (gunzip, diffID check, tar)" "$t_docker"
  row "peer: skopeo copy oci: -> docker-archive:" "$t_skopeo"
  echo
  echo "Measured by \`bench/store.bench.sh\` on $(nproc) cores, $(date -u +%Y-%m-%d)."
} > "$out"
cat "$out"
write_section store "$out"
