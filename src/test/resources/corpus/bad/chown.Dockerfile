FROM test/busybox:latest
COPY --chown=nosuchuser ok.txt /x
