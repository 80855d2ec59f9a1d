# syntax=docker/dockerfile:1
# check=skip=JSONArgsRecommended;error=false
# expect: stages=1 needed=1
FROM alpine
CMD echo "shell form on purpose"
