# syntax=docker/dockerfile:1
# expect: stages=1 needed=1
FROM alpine
RUN apk add --no-cache openssh-client git
RUN mkdir -p -m 0700 ~/.ssh && ssh-keyscan github.com >> ~/.ssh/known_hosts
RUN --mount=type=ssh,id=default git clone git@github.com:example/private.git /src
RUN --mount=type=secret,id=aws,target=/root/.aws/credentials,required=true,mode=0440,uid=0,gid=0 \
    aws s3 cp s3://bucket/file /file
RUN --mount=type=tmpfs,target=/scratch,size=100m dd if=/dev/zero of=/scratch/x bs=1M count=10
RUN --network=none make test
