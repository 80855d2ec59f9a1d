# expect: stages=2 needed=2
FROM gcc:13 AS build
RUN apt-get update && apt-get install -y cmake
WORKDIR /src
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j"$(nproc)"
FROM debian:bookworm-slim
COPY --from=build /src/build/app /usr/local/bin/app
ENTRYPOINT ["app"]
