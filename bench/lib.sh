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
