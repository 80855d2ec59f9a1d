#!/usr/bin/env bash
# Makes examples/java/m2, the local Maven repository the build uses offline: this machine's Maven
# resolves the example's plugins from ~/.m2/repository (a file:// mirror, no network) into an empty
# repository, so m2 holds exactly the artifacts the build needs and nothing else.
# Usage: make-repo.sh [HOST_REPOSITORY]   (defaults to ~/.m2/repository)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
host="${1:-$HOME/.m2/repository}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf '<settings><mirrors><mirror><id>host</id><mirrorOf>*</mirrorOf><url>file://%s</url></mirror></mirrors></settings>\n' \
    "$host" > "$work/settings.xml"
cp -r "$here/pom.xml" "$here/src" "$work/"
rm -rf "$here/m2"
(cd "$work" && mvn -B -q -s settings.xml -Dmaven.repo.local="$here/m2" package)
# which repository an artifact came from: offline, Maven would refuse those "from host" under any
# other mirror; without the markers they count as installed locally
find "$here/m2" \( -name _remote.repositories -o -name '*.lastUpdated' -o -name resolver-status.properties \) -delete
