FROM test/busybox:latest
COPY ../outside.txt /x
