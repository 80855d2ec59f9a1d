# expect: stages=1 needed=1
FROM alpine
RUN 3<<CONF cat /dev/fd/3 > /etc/app.conf && sh <<"SCRIPT"
key=value
CONF
echo "$HOME literal"
SCRIPT
ADD <<EOF /etc/motd
Welcome
EOF
