FROM test/busybox:latest
COPY --from=nosuchstage /a /a
