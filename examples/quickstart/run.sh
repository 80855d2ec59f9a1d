#!/usr/bin/env bash
# The quickstart: build examples/quickstart twice into the local default store; the second build
# reuses every step from the cache. Needs root (RUN steps run in crun/runc on overlayfs).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
strata="$repo/bin/strata"

if [ ! -f "$repo/target/strata.jar" ]; then
    echo "== building strata (mvn package, tests skipped)"
    (cd "$repo" && mvn -B -q -DskipTests package)
fi

if [ ! -x /bin/busybox ]; then
    echo "quickstart: /bin/busybox is missing; install it with: apt-get install -y busybox-static" >&2
    exit 4
fi

# A busybox root filesystem as a tarball, imported as the base image (like `docker import`).
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/rootfs/bin" "$work/rootfs/etc" "$work/rootfs/tmp"
cp /bin/busybox "$work/rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -s busybox "$work/rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$work/rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$work/rootfs/etc/group"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/rootfs" -cf "$work/rootfs.tar" .

if "$strata" help import >/dev/null 2>&1; then
    echo "== strata import busybox rootfs -> quickstart/busybox:latest"
    "$strata" import "$work/rootfs.tar" -t quickstart/busybox:latest
else
    # same result without `strata import`: ADD extracts a local tar into FROM scratch
    echo "== strata build FROM scratch + ADD busybox rootfs -> quickstart/busybox:latest"
    printf 'FROM scratch\nADD rootfs.tar /\nCMD ["sh"]\n' > "$work/Dockerfile"
    "$strata" build --progress=plain -t quickstart/busybox:latest "$work"
fi

echo "== first build"
"$strata" build --progress=plain -t quickstart/app:latest "$here"

echo "== second build: every step should be CACHED"
"$strata" build --progress=plain -t quickstart/app:latest "$here"

"$strata" images
