# expect: stages=3 needed=3
FROM alpine AS one
ENV ROOT=/srv
ENV DATA=$ROOT/data LOGS=${ROOT}/logs
FROM one AS two
WORKDIR $DATA
ENV ROOT=/override
FROM two
WORKDIR $LOGS/$ROOT
