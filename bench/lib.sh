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
