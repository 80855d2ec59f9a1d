#!/usr/bin/env bash
# Makes examples/python-base:latest from this machine's Debian python3 package (no download):
# busybox for a shell, /usr/bin/python3.11 with the libraries ldd names, and the standard library
# (/usr/lib/python3.11 without its tests), imported with `strata import`.
# Usage: make-base.sh [STRATA]   (STRATA defaults to bin/strata of this repository)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
strata="${1:-$here/../../bin/strata}"
python="$(readlink -f /usr/bin/python3)"
root="$(mktemp -d)"
trap 'rm -rf "$root" "$root.tar"' EXIT
mkdir -p "$root/bin" "$root/usr/bin" "$root/usr/lib" "$root/etc" "$root/tmp" "$root/root"
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
cp "$python" "$root/usr/bin/"
ln -s "$(basename "$python")" "$root/usr/bin/python3"
for lib in $(ldd "$python" | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
done
tar -C /usr/lib --exclude=__pycache__ --exclude=test --exclude=tests --exclude=idlelib \
    --exclude=tkinter --exclude=site-packages -cf - "$(basename "$python")" | tar -C "$root/usr/lib" -xf -
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$root" -cf "$root.tar" .
"$strata" import "$root.tar" -t examples/python-base:latest \
    -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin' -c 'CMD ["python3"]'
