# expect: stages=1 needed=1
ARG FILE=release-1.2.3.tar.gz
FROM alpine
ARG FILE
ARG MISSING
ENV BASE=${FILE%.tar.gz} \
    EXT=${FILE##*.} \
    NAME=${FILE#release-} \
    DASHED=${FILE//./-} \
    FIRST=${FILE/release/rel} \
    DEFAULT=${MISSING:-fallback} \
    ALT=${FILE:+present} \
    EMPTY_ALT=${MISSING+set}
WORKDIR /opt/${BASE}
COPY \$literal "/opt/${NAME}"
