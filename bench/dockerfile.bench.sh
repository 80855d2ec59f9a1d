#!/usr/bin/env bash
# Parsing + planning a 5,000-line Dockerfile with 200 stages (parse, resolve, expand every step),
# timed in a warm JVM; writes the "dockerfile" section of docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
[ -f target/strata.jar ] || mvn -q -B -DskipTests package
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
df="$work/Dockerfile"
{
  echo "# syntax=docker/dockerfile:1"
  echo "ARG VERSION=1"
  echo "ARG REGISTRY=docker.io"
  for s in $(seq 0 199); do
    if [ "$s" -eq 0 ]; then
      echo "FROM \${REGISTRY}/library/debian:bookworm-\${VERSION} AS s$s"
    else
      echo "FROM s$((s - 1)) AS s$s"
    fi
    echo "ARG VERSION"
    echo "ARG LOCAL_$s=value-\${VERSION}"
    echo "ENV APP_HOME=/srv/app$s \\"
    echo "    PATH=/srv/app$s/bin:\$PATH \\"
    echo "    LEVEL=$s"
    echo "WORKDIR \${APP_HOME}/\${LOCAL_$s%-*}"
    echo "LABEL stage=\"s$s\" version=\"\${VERSION}\" home=\"\$APP_HOME\""
    echo "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\"
    echo "    --mount=type=bind,source=src,target=/src \\"
    echo "    apt-get update && \\"
    echo "    apt-get install -y --no-install-recommends pkg$s && \\"
    echo "    rm -rf /var/lib/apt/lists/*"
    echo "COPY --chown=1000:1000 --chmod=0644 ./files/$s/ \${APP_HOME}/files/"
    if [ "$s" -gt 1 ]; then echo "COPY --from=s$((s - 2)) /srv/app$((s - 2))/out /in/$s"; else echo "COPY ./seed /in/$s"; fi
    echo "COPY <<EOF \${APP_HOME}/conf.ini"
    echo "[app]"
    echo "home=\${APP_HOME}"
    echo "EOF"
    echo "EXPOSE $((8000 + s))/tcp"
    echo "USER 1000:1000"
    echo "ENV EXTRA_$s=\${LEVEL}-\${LOCAL_$s:-none}"
    echo "HEALTHCHECK --interval=30s --timeout=3s CMD [\"/srv/app$s/bin/health\"]"
    echo "CMD [\"/srv/app$s/bin/run\", \"--level\", \"$s\"]"
    echo "# end of stage $s"
  done
} > "$df"
out="$work/section.md"
{
  echo "## Parsing and planning (dockerfile)"
  echo
  java -Xss4m -cp target/strata.jar bench/DockerfileBench.java "$df" 40
  echo
  echo "Measured by \`bench/dockerfile.bench.sh\` on $(nproc) cores, $(date -u +%Y-%m-%d). For scale: one RUN step"
  echo "starts a container (crun ~12 ms, runc ~40 ms for /bin/true), so planning this whole file costs"
  echo "about as much as starting a few containers."
} > "$out"
cat "$out"
write_section dockerfile "$out"
