# expect: stages=1 needed=1
FROM debian
# install packages
RUN apt-get update \
    # comments inside a continuation are dropped
    && apt-get install -y \
        curl \
        # wget is needed too
        wget \
    && rm -rf /var/lib/apt/lists/*
  # indented comment
    ENV A=1
