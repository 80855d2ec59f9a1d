#!/usr/bin/env bash
# Layer write of a ~500 MB tree (a trimmed copy of /usr: bin, sbin, share, then lib) by strata's
# LayerWriter (gzip 1 and 2 threads, zstd) beside `tar | pigz -p2` and `tar | zstd -T2`, interleaved
# round by round in the same run. Writes the "archive" section of docs/PERFORMANCE.md.
# ARCHIVE_BENCH_MB (default 500) and ARCHIVE_BENCH_ROUNDS (default 3) change the size and rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
[ -f target/strata.jar ] || mvn -q -B -DskipTests package
mb_wanted="${ARCHIVE_BENCH_MB:-500}"
rounds="${ARCHIVE_BENCH_ROUNDS:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tree="$work/tree"
mkdir "$tree"
# the first files (sorted walk) of /usr/bin, /usr/sbin, /usr/share, /usr/lib up to the wanted size:
# many small files and some big ones, like a real image
python3 - "$mb_wanted" > "$work/list" <<'PY'
import os, sys
budget = int(sys.argv[1]) * 1_000_000
total = 0
for top in ("bin", "sbin", "share", "lib"):
    for dp, dns, fns in os.walk("/usr/" + top):
        dns.sort()
        for f in sorted(fns):
            p = os.path.join(dp, f)
            if total >= budget or "\n" in p:
                continue
            total += os.lstat(p).st_size
            print(os.path.relpath(p, "/usr"))
PY
tar -C /usr -cf - --no-recursion -T "$work/list" | tar -C "$tree" -xf -
files=$(wc -l < "$work/list")
tar_bytes=$(tar -C "$tree" -cf - . | wc -c) # also warms the page cache for everyone
tar_mb=$(echo "$tar_bytes / 1000000" | bc -l)
java -cp target/strata.jar bench/ArchiveBench.java "$tree" "$rounds" \
  gzip:1 gzip:2 zstd:1 zstd:2 \
  "sh:tar | pigz -p2 -1=tar -C '$tree' -cf - . | pigz -p2 -1" \
  "sh:tar | pigz -p2 (level 6)=tar -C '$tree' -cf - . | pigz -p2" \
  "sh:tar | zstd -T2 (level 3)=tar -C '$tree' -cf - . | zstd -q -T2 -3" > "$work/results"
cat "$work/results"
val() { awk -v l="$1" -v c="$2" -F'\t' '$1 == l { print $c }' "$work/tsv"; }
# label median best cpu bytes digest -> tab separated (labels contain spaces; numbers are the last 5 fields)
awk '{ n = NF; label = $1; for (i = 2; i <= n - 5; i++) label = label " " $i;
       print label "\t" $(n-4) "\t" $(n-3) "\t" $(n-2) "\t" $(n-1) "\t" $n }' "$work/results" > "$work/tsv"
row() { # label shown-name
  local med best cpu bytes
  med=$(val "$1" 2); best=$(val "$1" 3); cpu=$(val "$1" 4); bytes=$(val "$1" 5)
  printf '| %s | %.2f | %.2f | **%.0f** | %.2f | %.1f |\n' "$2" "$med" "$best" "$(echo "$tar_mb / $med" | bc -l)" \
    "$cpu" "$(echo "$bytes / 1000000" | bc -l)"
}
ratio() { printf '%.2f' "$(echo "$(val "$2" "${3:-2}") / $(val "$1" "${3:-2}")" | bc -l)"; }
same_gzip=$([ "$(val gzip:1 6)" = "$(val gzip:2 6)" ] && echo yes || echo NO)
same_zstd=$([ "$(val zstd:1 6)" = "$(val zstd:2 6)" ] && echo yes || echo NO)
out="$work/section.md"
{
  echo "## Layer writing (archive)"
  echo
  printf 'Input: %s files from /usr (bin, sbin, share, lib), %.0f MB as a tar. strata runs `LayerWriter.writeTree`\n' "$files" "$tar_mb"
  echo "in one warm JVM (tree walk, xattrs, PAX tar, compression, sha256 of the blob and of the tar in the"
  echo "same pass), output discarded; peers run \`tar -cf - . | COMPRESSOR > /dev/null\`. MB/s = tar MB / median seconds."
  echo
  echo "| writer | median s | best s | MB/s | CPU s | compressed MB |"
  echo "|---|---|---|---|---|---|"
  row gzip:1 "strata gzip, 1 thread (level 1)"
  row gzip:2 "strata gzip, 2 threads (level 1)"
  row "tar | pigz -p2 -1" "peer: tar \\| pigz -p2 -1 (same level)"
  row "tar | pigz -p2 (level 6)" "peer: tar \\| pigz -p2 (default level 6)"
  row zstd:1 "strata zstd, 1 thread (level 3)"
  row zstd:2 "strata zstd, 2 threads (level 3)"
  row "tar | zstd -T2 (level 3)" "peer: tar \\| zstd -T2 (level 3)"
  echo
  echo "Throughput of strata gzip 2 threads / pigz -p2 -1: **$(ratio gzip:2 "tar | pigz -p2 -1")x** (medians),"
  echo "$(ratio gzip:2 "tar | pigz -p2 -1" 3)x (best runs), $(ratio gzip:2 "tar | pigz -p2 -1" 4)x per CPU second (the part the load of the machine does not move);"
  echo "strata zstd 2 threads / zstd -T2: $(ratio zstd:2 "tar | zstd -T2 (level 3)")x (medians), $(ratio zstd:2 "tar | zstd -T2 (level 3)" 3)x (best)."
  echo "Same blob digest for 1 and 2 threads: gzip $same_gzip, zstd $same_zstd (output never depends on the thread count)."
  echo "strata also computes two sha256 (blob and diffID) that the peers do not; CPU s is user+sys of that run."
  echo
  echo "$rounds interleaved rounds after one warm-up write. **The machine has $(nproc) cores shared with other"
  echo "sessions' builds and tests**, so wall times move from run to run; the ratios come from the same rounds."
  echo "Measured by \`bench/archive.bench.sh\` on $(nproc) cores, $(date -u +%Y-%m-%d)."
} > "$out"
cat "$out"
write_section archive "$out"
