# lmigrate in a container. Build:  docker build -t lmigrate .
# Run on the project in the current folder, as yourself:
#   docker run --rm -v "$PWD:/app" --user "$(id -u):$(id -g)" lmigrate migrate
# Two stages: the build (compiler and -dev packages), then the runtime,
# debian:12-slim with only the libraries lmigrate loads and the stripped
# binary. scripts/container-test.sh builds this file unchanged with
# podman/buildah, without a registry, and tries the image.

FROM debian:12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      gcc libc6-dev make cmake pkg-config liblua5.4-dev libsqlite3-dev libpq-dev libmariadb-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY cmake/ cmake/
COPY src/ src/
COPY lua/ lua/
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null \
 && cmake --build /build -j"$(nproc)" \
 && cmake --install /build --prefix /usr/local --strip

FROM debian:12-slim
# the version of src/lmigrate.h (scripts/container-test.sh checks they agree)
ARG LMIGRATE_VERSION=0.1.0
LABEL org.opencontainers.image.title="lmigrate" \
      org.opencontainers.image.description="Database schema migrations in Lua 5.4: SQLite, PostgreSQL, MySQL/MariaDB" \
      org.opencontainers.image.version="${LMIGRATE_VERSION}" \
      org.opencontainers.image.base.name="docker.io/library/debian:12-slim"
# sqlite3 is linked; libpq and libmariadb are dlopened on first use
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libsqlite3-0 libpq5 libmariadb3 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin lmigrate \
 && install -d -o lmigrate -g lmigrate /app
COPY --from=build /usr/local/bin/lmigrate /usr/local/bin/lmigrate
WORKDIR /app
USER lmigrate
ENTRYPOINT ["lmigrate"]
CMD ["help"]
