#!/usr/bin/env bash
#
# compose/images/redis/build.sh [TAG] -- builds a Redis image without any registry.
#
# The image is FROM scratch and contains this machine's own redis-server (Debian's
# package), so no base image has to be pulled (Docker Hub is not reachable from our
# machines/CI). Layout:
#   /usr/local/bin/redis-server   the real redis-server binary. On Debian
#                                 /usr/bin/redis-server is a symlink to redis-check-rdb:
#                                 we copy the resolved file under the name redis-server,
#                                 because redis picks its mode from argv[0].
#   /usr/local/bin/redis-cli      handy for `docker exec ... redis-cli` (e.g. --cluster create)
#   /bin/sh /bin/cat /bin/grep /bin/awk
#                                 Debian's dash/coreutils/grep/mawk. Testcontainers' default
#                                 wait strategy (HostPortWaitStrategy) execs
#                                 `/bin/sh -c "cat /proc/net/tcp* | awk ... | grep ..."` in the
#                                 container; without these it never sees the port as open.
#   every library `ldd` lists for those binaries, at the same path, including the
#   dynamic loader (/lib64/ld-linux-x86-64.so.2);
#   /etc/passwd, /etc/group       root and a non-root `redis` user/group (uid/gid 999)
#   /data (owned by redis, WORKDIR), /tmp (1777)
# It runs as redis (999:999). ENTRYPOINT is redis-server; the default CMD is
# `--protected-mode no` (clients reach it through Docker's NAT/proxy, i.e. not from
# loopback); passing any arguments replaces the CMD, so pass --protected-mode no yourself.
#
# The build is skipped when an image with TAG exists whose labels say it was built from
# the same redis-server binary (sha256) by the same version of this script. Set
# MERIDIAN_REDIS_IMAGE_REBUILD=1 to force a rebuild.
set -euo pipefail

TAG="${1:-${MERIDIAN_REDIS_IMAGE:-meridian/redis:local}}"
SCRIPT_PATH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"

log() { echo "meridian-setup: $*"; }
die() {
  local l
  for l in "$@"; do echo "meridian-setup: ERROR: ${l}" >&2; done
  exit 2
}

command -v docker >/dev/null 2>&1 || die "docker is not installed (run scripts/test.sh, or: sudo apt-get install docker.io)."
command -v redis-server >/dev/null 2>&1 || die "redis-server is not installed; the image is built from it (fix: sudo apt-get install redis-server)."
command -v ldd >/dev/null 2>&1 || die "ldd is not installed (fix: sudo apt-get install libc-bin)."
timeout 20 docker info >/dev/null 2>&1 || die "the Docker engine does not answer \`docker info\` (run scripts/test.sh, which starts it, or start dockerd)."

REDIS_BIN="$(readlink -f "$(command -v redis-server)")"
REDIS_SHA="$(sha256sum "${REDIS_BIN}" | cut -d' ' -f1)"
RECIPE_SHA="$(sha256sum "${SCRIPT_PATH}" | cut -d' ' -f1)"
REDIS_VERSION="$(redis-server --version | sed -n 's/.* v=\([0-9][0-9.]*\).*/\1/p' | head -n 1)"
LABEL_BIN=org.meridian.redis-server.sha256
LABEL_RECIPE=org.meridian.recipe.sha256

if [ "${MERIDIAN_REDIS_IMAGE_REBUILD:-0}" != "1" ]; then
  have_bin="$(docker image inspect --format "{{ index .Config.Labels \"${LABEL_BIN}\" }}" "${TAG}" 2>/dev/null || true)"
  have_recipe="$(docker image inspect --format "{{ index .Config.Labels \"${LABEL_RECIPE}\" }}" "${TAG}" 2>/dev/null || true)"
  if [ "${have_bin}" = "${REDIS_SHA}" ] && [ "${have_recipe}" = "${RECIPE_SHA}" ]; then
    log "image ${TAG} is up to date (redis-server ${REDIS_VERSION}, sha256 ${REDIS_SHA:0:12}); skipping build"
    exit 0
  fi
  if [ -n "${have_bin}" ]; then
    log "image ${TAG} exists but was built from another redis-server binary or recipe; rebuilding"
  fi
fi

CTX="$(mktemp -d "${TMPDIR:-/tmp}/meridian-redis-image.XXXXXX")"
cleanup() { rm -rf "${CTX}"; }
trap cleanup EXIT
ROOTFS="${CTX}/rootfs"
mkdir -p "${ROOTFS}/usr/local/bin" "${ROOTFS}/bin" "${ROOTFS}/etc" "${ROOTFS}/tmp" "${CTX}/data"
chmod 1777 "${ROOTFS}/tmp"
chmod 0755 "${CTX}/data"

# "source-path:image-path" for every binary in the image.
declare -a BINARIES=("${REDIS_BIN}:/usr/local/bin/redis-server")
add_optional_binary() { # NAME IMAGE_PATH
  local p
  if p="$(command -v "$1" 2>/dev/null)"; then
    BINARIES+=("$(readlink -f "${p}"):$2")
  else
    log "note: $1 not found on this machine; the image will not contain $2"
  fi
}
add_optional_binary redis-cli /usr/local/bin/redis-cli
add_optional_binary sh /bin/sh
add_optional_binary cat /bin/cat
add_optional_binary grep /bin/grep
add_optional_binary awk /bin/awk

declare -A LIBS=()
for entry in "${BINARIES[@]}"; do
  src="${entry%%:*}"
  dst="${entry#*:}"
  install -m 0755 "${src}" "${ROOTFS}${dst}"
  if ! ldd_out="$(ldd "${src}" 2>&1)"; then
    case "${ldd_out}" in
      *"not a dynamic executable"*) continue ;; # static binary: nothing to add
      *) die "ldd ${src} failed: ${ldd_out}" ;;
    esac
  fi
  if echo "${ldd_out}" | grep -q 'not found'; then
    die "ldd ${src} reports missing libraries:" "$(echo "${ldd_out}" | grep 'not found')"
  fi
  # Lines look like "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or
  # "/lib64/ld-linux-x86-64.so.2 (0x...)"; linux-vdso has no path and is skipped.
  while read -r lib; do
    [ -n "${lib}" ] && LIBS["${lib}"]=1
  done < <(echo "${ldd_out}" | sed -n -e 's/^.*=> \(\/[^ ]*\) (0x.*$/\1/p' -e 's/^[[:space:]]*\(\/[^ ]*\) (0x.*$/\1/p')
done
[ "${#LIBS[@]}" -gt 0 ] || die "ldd listed no libraries for ${REDIS_BIN}; refusing to build an image that cannot run."
for lib in "${!LIBS[@]}"; do
  mkdir -p "${ROOTFS}$(dirname "${lib}")"
  # Copy the resolved file (on Debian /lib and /lib64 are symlinks into /usr) but keep
  # the path the binaries were linked against.
  cp -L "${lib}" "${ROOTFS}${lib}"
done

cat >"${ROOTFS}/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
redis:x:999:999:redis:/data:/sbin/nologin
EOF
cat >"${ROOTFS}/etc/group" <<'EOF'
root:x:0:
redis:x:999:
EOF
chmod 0644 "${ROOTFS}/etc/passwd" "${ROOTFS}/etc/group"

cat >"${CTX}/Dockerfile" <<'EOF'
FROM scratch
COPY rootfs/ /
COPY --chown=999:999 data/ /data/
ENV PATH=/usr/local/bin:/bin
USER 999:999
WORKDIR /data
EXPOSE 6379
ENTRYPOINT ["/usr/local/bin/redis-server"]
CMD ["--protected-mode", "no"]
EOF

# Without the buildx plugin, force the classic builder (works with every client/engine pair;
# a client that defaults to BuildKit would otherwise fail or warn).
if [ -z "${DOCKER_BUILDKIT:-}" ] && ! docker buildx version >/dev/null 2>&1; then
  export DOCKER_BUILDKIT=0
fi

log "building ${TAG} from ${REDIS_BIN} (redis ${REDIS_VERSION}, ${#LIBS[@]} libraries, context ${CTX})"
OLD_ID="$(docker image inspect --format '{{.Id}}' "${TAG}" 2>/dev/null || true)"
RUN_DIR="${MERIDIAN_RUN_DIR:-/tmp/meridian-run}"
mkdir -p "${RUN_DIR}"
BUILD_LOG="${RUN_DIR}/redis-image-build.log"
t0="$(date +%s)"
if ! docker build \
  --label "${LABEL_BIN}=${REDIS_SHA}" \
  --label "${LABEL_RECIPE}=${RECIPE_SHA}" \
  --label "org.opencontainers.image.title=meridian-redis" \
  --label "org.opencontainers.image.version=${REDIS_VERSION}" \
  -t "${TAG}" "${CTX}" >"${BUILD_LOG}" 2>&1; then
  tail -n 25 "${BUILD_LOG}" >&2 || true
  die "docker build of ${TAG} failed (full log: ${BUILD_LOG})."
fi
t1="$(date +%s)"

# Smoke test: the binary and all its libraries load inside the image.
if ! out="$(docker run --rm "${TAG}" --version 2>&1)" || [[ "${out}" != *"Redis server v="* ]]; then
  die "the freshly built ${TAG} does not run: ${out}"
fi
log "built ${TAG} in $((t1 - t0))s: ${out}"

# Drop the image this build replaced, if nothing else uses it (no tag, no container).
NEW_ID="$(docker image inspect --format '{{.Id}}' "${TAG}")"
if [ -n "${OLD_ID}" ] && [ "${OLD_ID}" != "${NEW_ID}" ] \
  && [ "$(docker image inspect --format '{{len .RepoTags}}' "${OLD_ID}" 2>/dev/null || echo 1)" = "0" ]; then
  if docker image rm "${OLD_ID}" >/dev/null 2>&1; then
    log "removed the replaced image ${OLD_ID:7:12}"
  fi
fi
