#!/usr/bin/env bash
# The compatibility suite (src/test/resources/compat, the cases BuildahOracleTest builds against
# buildah) against docker: each case built by strata and by a private dockerd on the same busybox
# base, compared as file trees (path, type, mode, owner, content or link target) and config fields.
# The dockerd is this script's own (data, exec root and socket in a temp dir, no bridge, no
# iptables); the base is loaded with `docker load` from a docker-archive strata writes, nothing is
# pulled. DOCKER_BUILDKIT=1 needs docker's buildx plugin; without it the classic builder is used and
# the result says so. Needs root. Writes the "compat-docker" section of docs/dockerfile.md.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/strata.jar ] || mvn -q -B -o -DskipTests package
strata="$PWD/bin/strata"
work="$(mktemp -d /tmp/compat-bench.XXXXXX)"
sock="unix://$work/docker.sock"
# Debian's docker.io client (20.10) has BuildKit built in; a newer client on PATH needs the buildx plugin
docker=/usr/bin/docker
[ -x "$docker" ] || docker="$(command -v docker)"
docker() { "$docker" "$@"; }
dpid=""
cleanup() {
  [ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null || true
  umount -R "$work/data" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
export STRATA_HOME="$work/strata-home"

# the busybox base BuildahOracleTest uses (BuildFixture.importBusybox), as a docker-archive
mkdir -p "$work/rootfs/bin" "$work/rootfs/etc" "$work/rootfs/tmp" "$work/base"
chmod 1777 "$work/rootfs/tmp"
cp /bin/busybox "$work/rootfs/bin/busybox"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$work/rootfs/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n' > "$work/rootfs/etc/passwd"
printf 'root:x:0:\napp:x:1000:\nstaff:x:50:\n' > "$work/rootfs/etc/group"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/rootfs" -cf "$work/base/rootfs.tar" .
printf 'FROM scratch\nADD rootfs.tar /\nCMD ["sh"]\n' > "$work/base/Dockerfile"
"$strata" build -q -t test/busybox:latest -o "type=docker,dest=$work/busybox.docker.tar" "$work/base" >/dev/null

dockerd --data-root "$work/data" --exec-root "$work/exec" --pidfile "$work/docker.pid" --host "$sock" \
  --bridge=none --iptables=false --ip6tables=false >"$work/dockerd.log" 2>&1 &
dpid=$!
for _ in $(seq 1 100); do docker -H "$sock" info >/dev/null 2>&1 && break; sleep 0.2; done
docker -H "$sock" info >/dev/null
dver="$(docker -H "$sock" version --format '{{.Server.Version}}') (client $(docker -H "$sock" version --format '{{.Client.Version}}' 2>/dev/null || echo unknown))"
docker -H "$sock" load -i "$work/busybox.docker.tar" >"$work/load.log" 2>&1 || { cat "$work/load.log" >&2; exit 1; }

builder="BuildKit (DOCKER_BUILDKIT=1)"
export DOCKER_BUILDKIT=1
if ! docker -H "$sock" build --network=none -q -t probe "$work/base" >"$work/probe.log" 2>&1; then
  builder="the classic builder (DOCKER_BUILDKIT=0: $(grep -o 'buildx[^.]*' "$work/probe.log" | head -1 || echo 'BuildKit refused'))"
  export DOCKER_BUILDKIT=0
fi

# tree DIR: one line per entry, "path type mode uid:gid sha-or-target", as BuildahOracleTest.tree
tree() {
  python3 - "$1" <<'PY'
import hashlib, os, stat, sys
root = sys.argv[1]
skip = {".dockerenv", "etc/mtab", "dev", "proc", "sys", "etc/hosts", "etc/resolv.conf", "etc/hostname", "run"}
for d, dirs, files in os.walk(root):
    dirs.sort()
    for n in sorted(dirs + files):
        p = os.path.join(d, n); rel = os.path.relpath(p, root)
        if rel in skip or any(rel.startswith(s + "/") for s in skip):
            continue
        st = os.lstat(p); m = oct(stat.S_IMODE(st.st_mode))[2:]
        if stat.S_ISLNK(st.st_mode): w = "link " + os.readlink(p)
        elif stat.S_ISDIR(st.st_mode): w = "dir " + m
        else: w = "file " + m + " " + hashlib.sha256(open(p, "rb").read()).hexdigest()[:16]
        print(rel, w, f"{st.st_uid}:{st.st_gid}")
PY
}
# config IMAGE-JSON: the compared fields, one per line
fields() {
  python3 -c '
import json, sys
c = json.load(sys.stdin)
c = c.get("config", c.get("Config", {})) or {}
for k in ["Env", "WorkingDir", "User", "Entrypoint", "Cmd", "Labels", "ExposedPorts", "Volumes", "StopSignal", "Shell"]:
    v = c.get(k)
    if v in (None, "", [], {}): v = None
    if isinstance(v, dict): v = sorted(v) if k != "Labels" else sorted(v.items())
    print(k, json.dumps(v))'
}

rows=""; same=0; total=0
for case in src/test/resources/compat/*/; do
  name="$(basename "$case")"; total=$((total + 1))
  "$strata" build -q -t "compat/$name:1" -o "type=local,dest=$work/s-$name" -o "type=oci,dest=$work/oci-$name.tar" \
    "$case" >/dev/null 2>"$work/strata-$name.log" || { rows+="| $name | strata failed |"$'\n'; continue; }
  mkdir -p "$work/ox-$name"; tar -xf "$work/oci-$name.tar" -C "$work/ox-$name"
  cfg="$(python3 - "$work/ox-$name" <<'PY'
import json, sys
d = sys.argv[1]
blob = lambda dg: open(f"{d}/blobs/{dg.replace(':', '/')}").read()
idx = json.load(open(f"{d}/index.json"))
m = json.loads(blob(idx["manifests"][0]["digest"]))
print(blob(m["config"]["digest"]))
PY
)"
  if ! docker -H "$sock" build --network=none -q -t "compat-$name" "$case" >/dev/null 2>"$work/docker-$name.log"; then
    rows+="| $name | docker failed: $(tail -1 "$work/docker-$name.log" | cut -c1-80) |"$'\n'; continue
  fi
  ctr="$(docker -H "$sock" create "compat-$name")"
  mkdir -p "$work/d-$name"; docker -H "$sock" export "$ctr" | tar -x -C "$work/d-$name"; docker -H "$sock" rm "$ctr" >/dev/null
  diff_files="$(diff <(tree "$work/s-$name") <(tree "$work/d-$name") | grep '^[<>]' | wc -l || true)"
  diff_cfg="$(diff <(echo "$cfg" | fields) <(docker -H "$sock" image inspect "compat-$name" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[0]))' | fields) | grep '^[<>]' | sed 's/^\(.\) \([A-Za-z]*\).*/\1\2/' | sort -u | tr '\n' ' ' || true)"
  if [ "$diff_files" = 0 ] && [ -z "$diff_cfg" ]; then
    same=$((same + 1)); rows+="| $name | same files and config |"$'\n'
  else
    detail="$(diff <(tree "$work/s-$name") <(tree "$work/d-$name") | grep '^[<>]' | head -4 | tr '\n' ';' | cut -c1-200 || true)"
    rows+="| $name | $diff_files file lines differ; config: ${diff_cfg:-same} ${detail:+($detail)} |"$'\n'
  fi
done

out="$work/section.md"
{
  echo "Last run $(date -u +%Y-%m-%d) by \`bench/compat.bench.sh\`: docker $dver, $builder, against strata"
  echo "on the same busybox base (loaded from strata's docker-archive). $same of $total cases give the same"
  echo "files and config fields."
  echo
  echo "| case | result |"
  echo "|---|---|"
  printf '%s' "$rows"
} > "$out"
python3 - "$out" docs/dockerfile.md <<'PY'
import re, sys
body = open(sys.argv[1]).read().rstrip("\n"); doc = sys.argv[2]; text = open(doc).read()
b, e = "<!-- compat-docker:begin -->", "<!-- compat-docker:end -->"
if b in text:
    text = re.sub(re.escape(b) + ".*?" + re.escape(e), lambda m: f"{b}\n{body}\n{e}", text, flags=re.S)
else:
    text = text.rstrip("\n") + f"\n\n{b}\n{body}\n{e}\n"
open(doc, "w").write(text)
PY
cat "$out"
