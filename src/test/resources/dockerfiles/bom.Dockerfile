# syntax=docker/dockerfile:1
# expect: stages=1 needed=1
FROM alpine
RUN true
