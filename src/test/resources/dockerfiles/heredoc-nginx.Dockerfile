# syntax=docker/dockerfile:1
# expect: stages=1 needed=1
FROM nginx:1.25
COPY <<EOF /usr/share/nginx/html/index.html
<html><body>Hello</body></html>
EOF
COPY <<robots.txt <<humans.txt /usr/share/nginx/html/
User-agent: *
Disallow:
robots.txt
Team: strata
humans.txt
RUN <<-EOT bash
	set -euo pipefail
	nginx -t
	EOT
