#!/usr/bin/env bash
# The quickstart, in three parts:
#   1. installs what it needs with apt-get (only what is missing; it says what and why);
#   2. your machine: imports a busybox base with `strata import` and builds examples/quickstart on
#      the local store ($STRATA_HOME, default ~/.local/share/strata); run it again and every step is
#      CACHED;
#   3. two CI jobs: a local registry (Debian's docker-registry on 127.0.0.1, started here and stopped
#      at the end) holds the cache; each job builds on an EMPTY store, as a fresh CI runner does, with
#      --cache-from/--cache-to. Between the jobs run_test.py changes, so the second job prints a HIT
#      for every step but the last, the reason the last one missed, and the bytes it never downloaded.
# Needs root: RUN steps run in crun/runc on overlayfs. Nothing leaves loopback once installed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
strata="$repo/bin/strata"

# -- 1. what the quickstart needs --------------------------------------------------------------
need=()
why=()
want() { need+=("$1"); why+=("  $1: $2"); }
if [ -z "${STRATA_JAR:-}" ] && [ ! -f "$repo/target/strata.jar" ]; then
    command -v javac >/dev/null || want openjdk-17-jdk-headless "the JDK that builds and runs strata"
    command -v mvn >/dev/null || want maven "builds strata's jar"
elif ! command -v java >/dev/null; then
    want openjdk-17-jre-headless "runs strata"
fi
[ -x /bin/busybox ] || want busybox-static "the base image's files (a static busybox)"
command -v crun >/dev/null || command -v runc >/dev/null || want crun "the OCI runtime RUN steps run in"
command -v docker-registry >/dev/null || want docker-registry "the local registry the CI jobs share"
if [ "${#need[@]}" -gt 0 ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        echo "quickstart: missing packages; install them with: apt-get install -y ${need[*]}" >&2
        printf '%s\n' "${why[@]}" >&2
        exit 4
    fi
    echo "== installing with apt-get (Debian packages, --no-install-recommends):"
    printf '%s\n' "${why[@]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# STRATA_JAR (read by bin/strata) runs another build of strata instead of target/strata.jar
if [ -z "${STRATA_JAR:-}" ] && [ ! -f "$repo/target/strata.jar" ]; then
    echo "== building strata (mvn package, tests skipped; the first time Maven downloads its plugins)"
    (cd "$repo" && mvn -B -q -DskipTests package)
fi

work="$(mktemp -d)"
registry_pid=""
cleanup() {
    if [ -n "$registry_pid" ]; then
        kill "$registry_pid" 2>/dev/null || true
        wait "$registry_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# -- 2. your machine ---------------------------------------------------------------------------
# A busybox root filesystem as a tarball (fixed owners and mtimes, so the import is reproducible).
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

echo "== build on the local store (run this script again: every step is CACHED)"
"$strata" build --progress=plain -t quickstart/app:latest "$here"
"$strata" images

# -- 3. two CI jobs sharing a registry cache ---------------------------------------------------
# a free port on 127.0.0.1: one nothing answers on
for _ in $(seq 50); do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
done
registry="127.0.0.1:$port"
cat > "$work/registry.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: $registry
  secret: quickstart
YML
echo "== starting docker-registry on $registry (stopped when this script ends)"
docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done
"$strata" push quickstart/busybox:latest "$registry/quickstart/busybox:latest" > /dev/null

# what a CI job runs: the same command on every runner, each starting with an empty store
ci_job() {
    local name="$1" ctx="$2"
    STRATA_HOME="$work/$name-store" "$strata" build --progress=plain \
        --build-arg BASE="$registry/quickstart/busybox:latest" \
        --cache-from "$registry/quickstart/app:buildcache" \
        --cache-to "type=registry,ref=$registry/quickstart/app:buildcache,mode=max" \
        -t "$registry/quickstart/app:latest" --push "$ctx"
}
cp -r "$here" "$work/ctx"
rm -f "$work/ctx/run.sh"

echo "== CI job 1: an empty store, an empty cache: every step runs"
ci_job job1 "$work/ctx"

echo 'echo "run_test: a new test"' >> "$work/ctx/run_test.py"
echo "== CI job 2: another empty store, run_test.py changed: HIT for every step but the last"
ci_job job2 "$work/ctx" 2>&1 | tee "$work/job2.log"

if ! grep -q "^#[0-9]* HIT " "$work/job2.log" || ! grep -q "^#[0-9]* MISS .*run_test.py changed" "$work/job2.log"; then
    echo "quickstart: CI job 2 should have hit the cache for every step but COPY run_test.py (see above)" >&2
    exit 1
fi
skipped="$(grep -o '^[0-9]* layers\? ([^)]*) of the image never downloaded' "$work/job2.log" || echo "0 layers (0 B)")"
echo "== done: job 2 reused $(grep -c '^#[0-9]* HIT ' "$work/job2.log") steps from the registry cache;" \
    "${skipped%% of the image*} were never downloaded"
