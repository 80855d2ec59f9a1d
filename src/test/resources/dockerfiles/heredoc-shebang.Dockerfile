# expect: stages=1 needed=1
FROM debian:bookworm-slim
RUN <<EOF
#!/usr/bin/env bash
set -eux
apt-get update
apt-get install -y --no-install-recommends ca-certificates curl
rm -rf /var/lib/apt/lists/*
EOF
RUN --mount=type=secret,id=token,env=TOKEN <<EOF
curl -H "Authorization: Bearer $TOKEN" https://example.com/artifact -o /artifact
EOF
