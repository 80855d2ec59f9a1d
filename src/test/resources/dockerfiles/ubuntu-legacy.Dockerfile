# expect: stages=1 needed=1
FROM ubuntu:18.04
MAINTAINER Jane Doe <jane@example.com>
ENV DEBIAN_FRONTEND noninteractive
ENV LANG C.UTF-8
RUN apt-get update && apt-get install -y \
    python3 \
    python3-pip \
 && rm -rf /var/lib/apt/lists/*
ADD . /opt/app
WORKDIR /opt/app
EXPOSE 5000
CMD python3 app.py
