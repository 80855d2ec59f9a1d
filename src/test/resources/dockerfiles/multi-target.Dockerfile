# expect: stages=5 needed=3
FROM golang:1.22 AS base
WORKDIR /src
COPY . .

FROM base AS test
RUN go test ./...

FROM base AS lint
RUN go vet ./...

FROM base AS build
RUN go build -o /out/app ./...

FROM alpine AS release
COPY --from=build /out/app /usr/local/bin/app
CMD ["app"]
