FROM test/busybox:latest
# not a stage, so an image; on a loopback port where no registry listens (tests stay off the network)
COPY --from=127.0.0.1:9/nosuchstage /a /a
