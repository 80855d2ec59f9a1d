# expect: stages=1 needed=1
FROM ubuntu
RUN mkdir /myvol && echo "hello world" > /myvol/greeting
VOLUME /myvol /other
VOLUME ["/var/log", "/var/db"]
USER patrick
USER 1000:1000
