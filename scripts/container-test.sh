#!/usr/bin/env bash
# Usage: scripts/container-test.sh
# Builds the Dockerfile, unchanged, with podman (buildah, --isolation
# chroot) and no registry, and tries the image:
#   1. a Debian 12 base: `debootstrap --variant=minbase bookworm`, trimmed
#      as debian:12-slim is (no apt lists or .debs, docs, man pages or
#      locales), imported into a private podman storage under the names
#      both stages ask for, docker.io/library/debian:12 and :12-slim;
#   2. podman build --pull=never --isolation chroot of the Dockerfile;
#   3. the image: under 150 MB, a non-root user, ENTRYPOINT ["lmigrate"],
#      WORKDIR /app, its OCI labels (the version the binary prints), a
#      stripped binary whose libraries resolve, libpq and libmariadb there
#      to be loaded, no compiler;
#   4. the blog example mounted at /app, run as the invoking user
#      (--user $(id -u):$(id -g)): migrate, then status; every file it
#      wrote belongs to that user. Run as root, the same again as an
#      unprivileged uid, whose files must not come out root's.
# Needs root (debootstrap, podman's storage), podman, buildah and
# debootstrap (apt-get install podman buildah debootstrap); without them it
# prints why and exits 0: skipped, not failed. Exit 1 when a check fails.
# LMIGRATE_CONTAINER_CACHE (default /var/cache/lmigrate-container) keeps
# the base and the layers between runs: a second run rebuilds only what
# changed.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD

skip() {
  echo "container-test: skipped: $1"
  exit 0
}
fail() {
  echo "container-test: FAIL: $1" >&2
  exit 1
}
step() {
  printf 'container-test: %-44s (%ds)\n' "$1" "$SECONDS"
}

for tool in podman buildah debootstrap; do
  command -v "$tool" >/dev/null 2>&1 ||
    skip "$tool is not installed (apt-get install podman buildah debootstrap)"
done
[ "$(id -u)" = 0 ] || skip "needs root (debootstrap and podman's storage)"

cache=${LMIGRATE_CONTAINER_CACHE:-/var/cache/lmigrate-container}
mkdir -p "$cache"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lmigrate-container.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
driver=${LMIGRATE_CONTAINER_STORAGE_DRIVER:-overlay}
pm=(podman --root "$cache/storage" --runroot "$cache/run" --storage-driver "$driver")
IMAGE=localhost/lmigrate:test

# {======================================================
# 1. the base image
# ======================================================

# the Debian mirror the host's apt uses, when the host is Debian; else
# debootstrap's own default
mirror() {
  local f
  for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
    [ -f "$f" ] || continue
    if [[ $f == *.sources ]]; then
      awk '/^URIs:/ && !/security/ { print $2; exit }' "$f"
    else
      awk '$1 == "deb" && $3 !~ /security/ { print $2; exit }' "$f"
    fi
    return
  done
}

base=$cache/bookworm-minbase.tar
if [ ! -s "$base" ]; then
  root=$tmp/root
  url=${LMIGRATE_DEBIAN_MIRROR:-$(grep -qs bookworm /etc/os-release && mirror || true)}
  debootstrap --variant=minbase bookworm "$root" ${url:+"$url"} >"$tmp/debootstrap.log" 2>&1 ||
    { tail -20 "$tmp/debootstrap.log" >&2; fail "debootstrap failed"; }
  # what debian:12-slim leaves out, and its dpkg rules that keep it out
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
         "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/*
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  # and its apt settings: no package caches or downloaded .debs left in a layer
  cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/docker-no-languages"
  echo 'Acquire::GzipIndexes "true";' >"$root/etc/apt/apt.conf.d/docker-gzip-indexes"
  echo 'Apt::AutoRemove::SuggestsImportant "false";' \
    >"$root/etc/apt/apt.conf.d/docker-autoremove-suggests"
  tar -C "$root" -cf "$base.tmp" . && mv "$base.tmp" "$base"
  rm -rf "$root"
  step "debootstrap minbase bookworm"
fi
if ! "${pm[@]}" image exists docker.io/library/debian:12-slim; then
  "${pm[@]}" import --change 'CMD ["bash"]' "$base" docker.io/library/debian:12-slim >/dev/null
  "${pm[@]}" tag docker.io/library/debian:12-slim docker.io/library/debian:12
  step "base imported as debian:12 and debian:12-slim"
fi

# }======================================================

# {======================================================
# 2. the build
# ======================================================

version=$(sed -n 's/^#define LM_VERSION "\(.*\)"$/\1/p' src/lmigrate.h)
# the build stage gets a name of its own, so that pruning the images the
# last run left behind keeps its layers for the next run
for target in build ""; do
  "${pm[@]}" build --pull=never --isolation chroot --layers \
    ${target:+--target "$target"} -t "$IMAGE${target:+-$target}" \
    --build-arg LMIGRATE_VERSION="$version" -f Dockerfile . >"$tmp/build.log" 2>&1 ||
    { tail -30 "$tmp/build.log" >&2; fail "podman build failed"; }
done
"${pm[@]}" image prune -f >/dev/null 2>&1 || true
step "podman build --isolation chroot"

# }======================================================

# {======================================================
# 3. the image
# ======================================================

inspect() {
  "${pm[@]}" image inspect --format "$1" "$IMAGE"
}
size=$(inspect '{{.Size}}')
mb=$(( (size + 999999) / 1000000 ))
echo "container-test: image size ${mb} MB (target: under 150 MB)"
[ "$mb" -lt 150 ] || fail "the image is ${mb} MB, over 150 MB"
[ "$(inspect '{{json .Config.Entrypoint}}')" = '["lmigrate"]' ] ||
  fail "ENTRYPOINT is $(inspect '{{json .Config.Entrypoint}}'), expected [\"lmigrate\"]"
[ "$(inspect '{{.Config.WorkingDir}}')" = /app ] || fail "WORKDIR is not /app"
[ "$(inspect '{{index .Config.Labels "org.opencontainers.image.title"}}')" = lmigrate ] ||
  fail "no org.opencontainers.image.title label"
label=$(inspect '{{index .Config.Labels "org.opencontainers.image.version"}}')

# the options 'podman run' needs here: none on most machines; where the
# OCI runtime may not raise limits or the cgroups are hybrid (some VMs and
# sandboxes), lower limits and runc
run_opts=()
for opts in "" "--ulimit nofile=1024:1024 --ulimit nproc=4096:4096" \
            "--runtime runc --ulimit nofile=1024:1024 --ulimit nproc=4096:4096"; do
  read -ra try <<<"$opts"
  if "${pm[@]}" run --rm --network none "${try[@]}" --entrypoint true "$IMAGE" >/dev/null 2>&1; then
    run_opts=("${try[@]}")
    break
  fi
  [ "$opts" = "${opts%runc*}" ] || fail "podman run does not work here: $("${pm[@]}" run --rm \
    --network none "${try[@]}" --entrypoint true "$IMAGE" 2>&1 | tail -1)"
done
[ ${#run_opts[@]} -eq 0 ] || echo "container-test: podman run ${run_opts[*]}"
irun() {
  "${pm[@]}" run --rm --network none "${run_opts[@]}" "$@"
}

got=$(irun "$IMAGE" --version)
[ "$got" = "lmigrate $version" ] || fail "the image's lmigrate --version says '$got', not lmigrate $version"
[ "$label" = "$version" ] || fail "the version label is '$label', the binary's is $version"
uid=$(irun --entrypoint id "$IMAGE" -u)
[ "$uid" != 0 ] || fail "the image runs as root"
irun --entrypoint cat "$IMAGE" /usr/local/bin/lmigrate >"$tmp/lmigrate"
if readelf -S "$tmp/lmigrate" | grep -q '\.symtab'; then fail "the binary is not stripped"; fi
libs=$(irun --entrypoint sh "$IMAGE" -c 'ldd /usr/local/bin/lmigrate; ldconfig -p')
if grep -q 'not found' <<<"$libs"; then fail "a library of lmigrate is missing: $libs"; fi
for lib in libsqlite3.so.0 libpq.so.5 libmariadb.so.3; do
  grep -q "$lib " <<<"$libs" || fail "$lib is not in the image"
done
if irun --entrypoint sh "$IMAGE" -c 'command -v gcc cc cmake' >/dev/null; then
  fail "a compiler or cmake is in the runtime image"
fi
# libpq is loaded and reaches for the server: refused (exit 3), not missing
r=0
out=$(irun "$IMAGE" status --database postgres://nobody@127.0.0.1:1/none 2>&1) || r=$?
[ "$r" = 3 ] && grep -qi 'refused' <<<"$out" || fail "PostgreSQL from the image: exit $r: $out"
step "image checked (user $uid, labels, libraries)"

# }======================================================

# {======================================================
# 4. a project mounted at /app
# ======================================================

# try UID GID: the blog example in a folder of UID's, migrated and listed
# by the image running as UID:GID; every file there must stay UID's
try() {
  local u=$1 g=$2 proj=$tmp/project-$1 bad
  mkdir -p "$proj"
  cp -r "$src/databases" "$proj/"
  rm -f "$proj"/databases/database.sqlite*
  chown -R "$u:$g" "$proj"
  irun --user "$u:$g" -v "$proj:/app" "$IMAGE" migrate >"$tmp/migrate.out" 2>&1 ||
    { cat "$tmp/migrate.out" >&2; fail "migrate in the image as $u:$g failed"; }
  irun --user "$u:$g" -v "$proj:/app" "$IMAGE" status >"$tmp/status.out" 2>&1 ||
    { cat "$tmp/status.out" >&2; fail "status in the image as $u:$g failed"; }
  grep -q 'create_blog_tables .* Ran' "$tmp/status.out" ||
    { cat "$tmp/status.out" >&2; fail "status does not show the blog migration as ran"; }
  [ -s "$proj/databases/database.sqlite" ] || fail "migrate wrote no databases/database.sqlite"
  bad=$(find "$proj" \( ! -user "$u" -o ! -group "$g" \) -printf '%p %u:%g\n')
  [ -z "$bad" ] || fail "files written in the image as $u:$g belong to someone else: $bad"
  echo "container-test: migrate and status as $u:$g: the files are $u:$g's"
}

try "$(id -u)" "$(id -g)"
if [ "$(id -u)" = 0 ]; then try 65534 65534; fi
step "project runs"
echo "container-test: PASS"
