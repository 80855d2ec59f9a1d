# expect: stages=1 needed=1
FROM alpine
RUN echo one && \
    echo two
CMD ["sh"]
