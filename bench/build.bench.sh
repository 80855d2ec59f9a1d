#!/usr/bin/env bash
# strata build vs buildah bud (--layers, docker format) on the same Dockerfiles and the same busybox
# base: a cold build of the quickstart shape, 20 trivial RUN steps, COPY of 20,000 small files.
# Each tool gets its own fresh storage for each cold build. Needs root. Writes the "build" section.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
[ -f target/strata.jar ] || mvn -q -B -DskipTests package
strata="$PWD/bin/strata"
warm_launcher
work="$(mktemp -d)"
cleanup() {
  buildah --root "$work/buildah-root" --runroot "$work/buildah-run" rm --all >/dev/null 2>&1 || true
  umount -R "$work/buildah-root" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# the busybox root filesystem both tools start from
mkdir -p "$work/rootfs/bin" "$work/rootfs/etc" "$work/rootfs/tmp"
cp /bin/busybox "$work/rootfs/bin/busybox"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$work/rootfs/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$work/rootfs/etc/passwd"
printf 'root:x:0:\n' > "$work/rootfs/etc/group"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/rootfs" -cf "$work/rootfs.tar" .

# the three contexts
mkdir -p "$work/quick" "$work/runs" "$work/files/data"
cp examples/quickstart/requirements.txt examples/quickstart/run_test.py "$work/quick/"
sed 's|^FROM .*|FROM bench/busybox:latest|' examples/quickstart/Dockerfile > "$work/quick/Dockerfile"
{ echo "FROM bench/busybox:latest"; for i in $(seq 1 20); do echo "RUN echo step $i"; done; } > "$work/runs/Dockerfile"
printf 'FROM bench/busybox:latest\nCOPY data/ /data/\n' > "$work/files/Dockerfile"
python3 - "$work/files/data" <<'PY'
import os, sys
root = sys.argv[1]
for d in range(100):
    os.makedirs(f"{root}/d{d}", exist_ok=True)
    for f in range(200):
        with open(f"{root}/d{d}/f{f}.txt", "w") as fh:
            fh.write(f"file {d}/{f}\n" * 8)
PY

now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }

strata_cold() {  # context
  export STRATA_HOME="$work/strata-home"
  rm -rf "$STRATA_HOME"
  mkdir -p "$work/base"; cp "$work/rootfs.tar" "$work/base/"
  printf 'FROM scratch\nADD rootfs.tar /\n' > "$work/base/Dockerfile"
  "$strata" build -t bench/busybox:latest "$work/base" >"$work/strata-base.log" 2>&1 || { cat "$work/strata-base.log" >&2; exit 1; }
  local t0 t1; t0=$(now)
  "$strata" build --progress=plain --isolation=runc -t bench/out:latest "$1" >"$work/strata.log" 2>&1 || { cat "$work/strata.log" >&2; exit 1; }
  t1=$(now); secs "$t0" "$t1"
}

buildah_cold() {  # context
  local b=(buildah --root "$work/buildah-root" --runroot "$work/buildah-run" --storage-driver overlay)
  "${b[@]}" rm --all >/dev/null 2>&1 || true
  umount -R "$work/buildah-root" >/dev/null 2>&1 || true
  rm -rf "$work/buildah-root" "$work/buildah-run"
  local ctr; ctr=$("${b[@]}" from scratch)
  "${b[@]}" add "$ctr" "$work/rootfs.tar" / >/dev/null
  "${b[@]}" commit -q "$ctr" localhost/bench/busybox:latest >/dev/null
  "${b[@]}" rm "$ctr" >/dev/null
  local t0 t1; t0=$(now)
  "${b[@]}" bud --format docker --layers --runtime /usr/sbin/runc -q -t bench/out:latest "$1" >"$work/buildah.log" 2>&1 || { cat "$work/buildah.log" >&2; exit 1; }
  t1=$(now); secs "$t0" "$t1"
}

out="$work/section.md"
{
  echo "## Builds (build engine)"
  echo
  echo "\`bench/build.bench.sh\`, $(date -u +%Y-%m-%d), $(nproc) cores shared with other jobs; median of 3 cold builds"
  echo "(fresh storage for each), busybox base, buildah $(buildah --version | awk '{print $3}') with \`bud --format docker --layers --runtime runc\`; both run RUN steps in runc, so the runtime is the same on both sides (strata's default is crun)."
  echo
  echo "| build | strata (s) | buildah (s) | strata / buildah |"
  echo "|---|---|---|---|"
  for case in quick:"quickstart shape (3 RUN, 2 COPY, WORKDIR)" runs:"20 trivial RUN steps" files:"COPY of 20,000 small files"; do
    name="${case%%:*}"; label="${case#*:}"
    # median of three cold builds each: the machine is shared, single runs swing a lot
    s=$(for i in 1 2 3; do strata_cold "$work/$name" || exit 1; done | sort -n | sed -n 2p)
    b=$(for i in 1 2 3; do buildah_cold "$work/$name" || exit 1; done | sort -n | sed -n 2p)
    r=$(python3 -c "print(f'{$s / $b:.2f}x')")
    echo "| $label | $s | $b | $r |"
  done
} > "$out"
cat "$out"
write_section build "$out"
