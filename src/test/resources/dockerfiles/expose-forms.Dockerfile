# expect: stages=1 needed=1
FROM nginx
EXPOSE 80
EXPOSE 80/udp 443/tcp
EXPOSE 7000-8000
EXPOSE 53/sctp
