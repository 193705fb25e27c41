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
# the same redis-server binary (sha256) by the same version of this script and ../lib.sh. Set
# MERIDIAN_REDIS_IMAGE_REBUILD=1 (or MERIDIAN_IMAGE_REBUILD=1) to force a rebuild.
set -euo pipefail

TAG="${1:-${MERIDIAN_REDIS_IMAGE:-meridian/redis:local}}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=compose/images/lib.sh
source "${HERE}/../lib.sh"
[ "${MERIDIAN_REDIS_IMAGE_REBUILD:-0}" != "1" ] || export MERIDIAN_IMAGE_REBUILD=1

img_require_docker
img_require redis-server redis-server "the image is built from it"

REDIS_BIN="$(readlink -f "$(command -v redis-server)")"
REDIS_VERSION="$(redis-server --version | sed -n 's/.* v=\([0-9][0-9.]*\).*/\1/p' | head -n 1)"
LABELS=("org.meridian.redis-server.sha256=$(img_sha "${REDIS_BIN}")"
  "org.meridian.recipe.sha256=$(img_sha "${HERE}/build.sh" "${HERE}/../lib.sh")")

if img_up_to_date "${TAG}" "${LABELS[@]}"; then
  img_log "image ${TAG} is up to date (redis-server ${REDIS_VERSION}); skipping build"
  exit 0
fi

img_context redis
img_add_binary "${REDIS_BIN}" /usr/local/bin/redis-server
for tool in redis-cli:/usr/local/bin/redis-cli sh:/bin/sh cat:/bin/cat grep:/bin/grep awk:/bin/awk; do
  if p="$(command -v "${tool%%:*}" 2>/dev/null)"; then
    img_add_binary "${p}" "${tool#*:}"
  else
    img_log "note: ${tool%%:*} not found on this machine; the image will not contain ${tool#*:}"
  fi
done
img_copy_libraries
img_users redis 999 /data
mkdir -p "${IMG_CTX}/data"
chmod 0755 "${IMG_CTX}/data"

cat >"${IMG_CTX}/Dockerfile" <<'EOF'
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

img_log "building ${TAG} from ${REDIS_BIN} (redis ${REDIS_VERSION}, ${#IMG_LIBS[@]} libraries, context ${IMG_CTX})"
img_build "${TAG}" "${LABELS[@]}" "org.opencontainers.image.title=meridian-redis" \
  "org.opencontainers.image.version=${REDIS_VERSION}"

# Smoke test: the binary and all its libraries load inside the image.
if ! out="$(docker run --rm "${TAG}" --version 2>&1)" || [[ "${out}" != *"Redis server v="* ]]; then
  img_die "the freshly built ${TAG} does not run: ${out}"
fi
img_log "${TAG} runs: ${out}"
