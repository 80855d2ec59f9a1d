# syntax=docker/dockerfile:1
# expect: stages=1 needed=1
FROM alpine
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://mirrors.edge.kernel.org/pub/linux/kernel/Historic/linux-0.01.tar.gz /
ADD --keep-git-dir=true https://github.com/moby/buildkit.git#v0.10.1 /buildkit
ADD --chown=1000:1000 --chmod=0755 https://example.com/tool /usr/local/bin/tool
ADD --link --exclude=*.txt files/ /files/
ADD archive.tar.gz /opt/
