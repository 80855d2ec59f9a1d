# expect: stages=3 needed=3
FROM --platform=$BUILDPLATFORM tonistiigi/xx AS xx
FROM --platform=$BUILDPLATFORM golang:alpine AS build
COPY --from=xx / /
ARG TARGETPLATFORM
RUN xx-apk add musl-dev gcc
ENV CGO_ENABLED=1
RUN xx-go build -o /out/hello ./hello.go && xx-verify /out/hello
FROM alpine
COPY --from=build /out/hello /usr/bin/hello
