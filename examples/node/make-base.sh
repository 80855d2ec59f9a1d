#!/usr/bin/env bash
# Makes examples/node-base:latest from this machine's files: busybox for a shell, `node` and the
# shared libraries it links, imported with `strata import` (nothing is downloaded).
# Usage: make-base.sh [STRATA]   (STRATA defaults to bin/strata of this repository)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
strata="${1:-$here/../../bin/strata}"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/usr/bin" "$root/etc" "$root/tmp" "$root/root"
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
node="$(readlink -f "$(command -v node)")"
cp "$node" "$root/usr/bin/node"
# the dynamic loader and every library node links, at the paths it looks for them
for lib in $(ldd "$node" | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
done
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$root" -cf "$root.tar" .
"$strata" import "$root.tar" -t examples/node-base:latest \
    -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin' -c 'CMD ["node"]'
rm -f "$root.tar"
