# expect: stages=1 needed=1
FROM scratch
ADD rootfs.tar.xz /
COPY --chown=0:0 busybox /bin/busybox
ENV PATH=/bin
CMD ["/bin/busybox", "sh"]
