FROM test/busybox:latest
RUN echo fine
RUN echo about to fail && exit 3
