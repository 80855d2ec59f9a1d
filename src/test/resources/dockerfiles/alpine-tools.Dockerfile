# expect: stages=1 needed=1
FROM alpine:3.19
LABEL org.opencontainers.image.title="tools" \
      org.opencontainers.image.description="handy tools" \
      org.opencontainers.image.licenses=MIT
RUN apk add --no-cache curl jq bash git openssh-client
STOPSIGNAL SIGQUIT
HEALTHCHECK NONE
ENTRYPOINT ["/bin/bash"]
