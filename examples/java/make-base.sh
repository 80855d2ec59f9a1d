#!/usr/bin/env bash
# Makes the two bases of examples/java from this machine's files (nothing is downloaded), with
# `strata import`:
#   examples/java-build-base:latest  busybox, the JDK 17 (javac, jlink, jmods) and Maven 3
#   examples/java-run-base:latest    busybox and the C libraries a Java runtime links, no Java:
#                                    the final stage brings the runtime jlink made in the builder
# Usage: make-base.sh [STRATA]   (STRATA defaults to bin/strata of this repository)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
strata="${1:-$here/../../bin/strata}"
jdk=/usr/lib/jvm/java-17-openjdk-amd64
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# busybox, /etc/passwd and the libraries java, javac and java.base's natives link
skeleton() {
    local root="$1"
    mkdir -p "$root/bin" "$root/usr/bin" "$root/etc" "$root/tmp" "$root/root"
    chmod 1777 "$root/tmp"
    cp /bin/busybox "$root/bin/busybox"
    for applet in $(/bin/busybox --list); do
        [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
    done
    for lib in $(ldd "$jdk/bin/java" "$jdk/lib/server/libjvm.so" "$jdk"/lib/lib{java,jli,jimage,net,nio,zip,verify}.so \
        | grep -o '/[^ ]*' | grep -v "^$jdk" | sort -u); do
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
    printf 'root:x:0:\n' > "$root/etc/group"
}

import() {
    local root="$1" tag="$2"
    shift 2
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$root" -cf "$root.tar" .
    "$strata" import "$root.tar" -t "$tag" "$@"
}

build="$work/build"
skeleton "$build"
mkdir -p "$build/usr/lib/jvm" "$build/usr/share"
# Debian's JDK and Maven are mostly symlinks into /etc and /usr/share/java: -h and -L copy their
# targets; src.zip (a dangling link without the source package), docs and man pages stay out
tar -C /usr/lib/jvm -h --exclude=src.zip --exclude=docs --exclude=man -cf - "$(basename "$jdk")" \
    | tar -C "$build/usr/lib/jvm" -xf -
cp -rL /usr/share/maven "$build/usr/share/maven"
rm -rf "$build/usr/share/maven/man"
ln -s ../share/maven/bin/mvn "$build/usr/bin/mvn"
import "$build" examples/java-build-base:latest \
    -c "ENV JAVA_HOME=$jdk" -c "ENV PATH=$jdk/bin:/usr/local/bin:/usr/bin:/bin" -c 'CMD ["mvn", "-v"]'

run="$work/run"
skeleton "$run"
import "$run" examples/java-run-base:latest -c 'ENV PATH=/opt/jre/bin:/usr/local/bin:/usr/bin:/bin'
