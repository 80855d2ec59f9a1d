#!/usr/bin/env bash
# The quickstart: import a busybox base with `strata import`, then build examples/quickstart twice
# into the local store ($STRATA_HOME, default ~/.local/share/strata); the second build reuses every
# step from the cache. Needs root (RUN steps run in crun/runc on overlayfs). Safe to run again:
# the import is deterministic, so a second run finds everything cached too.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
strata="$repo/bin/strata"

# STRATA_JAR (read by bin/strata) runs another build of strata instead of target/strata.jar
if [ -z "${STRATA_JAR:-}" ] && [ ! -f "$repo/target/strata.jar" ]; then
    echo "== building strata (mvn package, tests skipped)"
    (cd "$repo" && mvn -B -q -DskipTests package)
fi

if [ ! -x /bin/busybox ]; then
    echo "quickstart: /bin/busybox is missing; install it with: apt-get install -y busybox-static" >&2
    exit 4
fi

# A busybox root filesystem as a tarball (fixed owners and mtimes, so the import is reproducible).
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/rootfs/bin" "$work/rootfs/etc" "$work/rootfs/tmp"
chmod 1777 "$work/rootfs/tmp"
cp /bin/busybox "$work/rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -s busybox "$work/rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$work/rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$work/rootfs/etc/group"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/rootfs" -cf "$work/rootfs.tar" .

echo "== strata import: busybox rootfs -> quickstart/busybox:latest"
"$strata" import "$work/rootfs.tar" -t quickstart/busybox:latest \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c 'CMD ["sh"]'

echo "== first build"
"$strata" build --progress=plain -t quickstart/app:latest "$here"

echo "== second build: every step should be CACHED"
"$strata" build --progress=plain -t quickstart/app:latest "$here" 2>&1 | tee "$work/second.log"
if grep -q "cache miss" "$work/second.log"; then
    echo "quickstart: the second build missed the cache (see the 'cache miss' lines above)" >&2
    exit 1
fi

"$strata" images
