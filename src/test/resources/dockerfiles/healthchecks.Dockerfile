# expect: stages=1 needed=1
FROM nginx
HEALTHCHECK --interval=1m30s --timeout=10s --start-period=5s --start-interval=1s --retries=5 \
  CMD ["curl", "-f", "http://localhost/"]
HEALTHCHECK CMD wget -q --spider http://localhost/ || exit 1
