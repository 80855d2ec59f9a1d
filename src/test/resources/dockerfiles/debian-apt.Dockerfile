# expect: stages=1 needed=1
FROM debian:bookworm
ARG DEBIAN_FRONTEND=noninteractive
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    rm -f /etc/apt/apt.conf.d/docker-clean && \
    apt-get update && apt-get --no-install-recommends install -y gcc make
RUN useradd -m -u 1000 dev
USER 1000:1000
WORKDIR /home/dev
