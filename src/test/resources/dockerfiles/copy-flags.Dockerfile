# syntax=docker/dockerfile:1.7-labs
# expect: stages=2 needed=2
FROM alpine AS src
RUN mkdir -p /x/y && touch /x/y/z

FROM busybox
COPY --from=src --chown=nobody:nogroup --chmod=644 /x/y/z /z
COPY --parents ./a/b/*.json /configs/
COPY --exclude=*.md --exclude=tests/ . /app/
COPY --from=nginx:alpine /etc/nginx/nginx.conf /etc/nginx.conf
COPY --link --from=0 /x /x
COPY ["file with spaces.txt", "/dest dir/"]
