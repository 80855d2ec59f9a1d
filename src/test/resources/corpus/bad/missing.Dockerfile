FROM test/busybox:latest
RUN true
COPY nothere.txt /x
