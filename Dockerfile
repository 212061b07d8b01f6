# A Debian 12 image with lmigrate built; `docker run -v $PWD:/app -w /app IMAGE migrate`
FROM debian:12-slim
WORKDIR /src
COPY . .
RUN scripts/install-deps.sh && scripts/build.sh && cp build/lmigrate /usr/local/bin/lmigrate
WORKDIR /app
ENTRYPOINT ["lmigrate"]
