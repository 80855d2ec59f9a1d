# Shared helpers for bench/*.bench.sh (source it).

# write_section NAME FILE: replaces the text between <!-- NAME:begin --> and <!-- NAME:end --> in
# docs/PERFORMANCE.md with the contents of FILE.
write_section() {
  local name="$1" file="$2" doc="docs/PERFORMANCE.md"
  python3 - "$name" "$file" "$doc" <<'PY'
import re, sys
name, src, doc = sys.argv[1:4]
body = open(src).read().rstrip("\n")
text = open(doc).read()
begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
if begin in text:
    text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda m: f"{begin}\n{body}\n{end}", text, flags=re.S)
else:
    text = text.rstrip("\n") + f"\n\n{begin}\n{body}\n{end}\n"
open(doc, "w").write(text)
PY
}

# warm_launcher: bin/strata records its class archive on its first run with a jar (about 2 s, once);
# benchmarks time the runs after that, as a user's every run but the first.
warm_launcher() {
  bin/strata --version >/dev/null
}

# start_registry NAME: a fresh docker-registry on a free 127.0.0.1 port, storage $work/NAME, access log
# $work/NAME.log; sets $reg_host and adds its pid to the caller's reg_pids array (the caller stops them)
start_registry() {
  local name="$1" port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  reg_host="127.0.0.1:$port"
  cat > "$work/$name.yml" <<YML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $work/$name
http:
  addr: $reg_host
  secret: bench
YML
  /usr/bin/docker-registry serve "$work/$name.yml" > "$work/$name.log" 2>&1 &
  reg_pids+=($!)
  for _ in $(seq 100); do curl -fs "http://$reg_host/v2/" >/dev/null && break; sleep 0.1; done
}

# stop_registries: stops every registry start_registry started (`|| true`: under set -e a failing
# wait, a registry dying by SIGTERM, must not skip what the caller's EXIT trap does next)
stop_registries() {
  for p in "${reg_pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
}

# push_busybox_base HOST: busybox imported as the quickstart does (PATH set), pushed as HOST/base:1;
# uses $work and the caller's strata function
push_busybox_base() {
  local host="$1"
  mkdir -p "$work/rootfs/bin" "$work/rootfs/etc" "$work/rootfs/tmp"
  chmod 1777 "$work/rootfs/tmp"
  cp /bin/busybox "$work/rootfs/bin/busybox"
  for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$work/rootfs/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\n' > "$work/rootfs/etc/passwd"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/rootfs" -cf "$work/rootfs.tar" .
  STRATA_HOME="$work/setup" strata import "$work/rootfs.tar" -t bench/base:1 \
      -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' >/dev/null
  STRATA_HOME="$work/setup" strata push bench/base:1 "$host/base:1" >/dev/null
}
