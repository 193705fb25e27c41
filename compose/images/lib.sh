# shellcheck shell=bash
#
# compose/images/lib.sh -- sourced by the scripts that build Meridian's local images without any
# registry (Docker Hub is not reachable from this project's machines and CI): every image is
# FROM scratch (or FROM another such local image) and holds binaries installed on this machine,
# copied with every shared library `ldd` lists for them, at the paths they were linked against.
#
#   source compose/images/lib.sh
#   img_require_docker                      # the docker client, and an engine that answers
#   img_require CMD PACKAGE                 # CMD on the PATH, else exit 2 naming the package
#   img_context NAME                        # sets IMG_CTX (build context) and IMG_ROOTFS (its rootfs/)
#   img_add_binary SRC DST                  # SRC (symlinks resolved) at DST in the rootfs, and its libraries
#   img_add_libraries_of FILE...            # only the libraries of FILE (already in the rootfs)
#   img_copy_libraries                      # copies every library collected so far into the rootfs
#   img_users NAME ID HOME                  # /etc/passwd and /etc/group: root and NAME (uid = gid = ID)
#   img_up_to_date TAG LABEL=VALUE...       # true when TAG exists with those labels
#   img_build TAG LABEL=VALUE...            # docker build of IMG_CTX as TAG with those labels
#
# Progress lines go to stdout ("meridian-setup: ..."), errors to stderr; a missing prerequisite
# ends the calling script with exit code 2 and the exact package to install.

img_log() { echo "meridian-setup: $*"; }
img_die() {
  local l
  for l in "$@"; do echo "meridian-setup: ERROR: ${l}" >&2; done
  exit 2
}

img_require() { # CMD PACKAGE [WHY]
  command -v "$1" >/dev/null 2>&1 \
    || img_die "$1 is not installed${3:+ ($3)} (fix: sudo apt-get install $2; scripts/test.sh installs it when run as root)."
}

img_require_docker() {
  img_require docker docker.io "the Docker client"
  img_require ldd libc-bin
  timeout 20 docker info >/dev/null 2>&1 \
    || img_die "the Docker engine does not answer \`docker info\` (run scripts/test.sh, which starts it, or start dockerd)."
  # Without the buildx plugin, force the classic builder (works with every client/engine pair;
  # a client that defaults to BuildKit would otherwise fail or warn).
  if [ -z "${DOCKER_BUILDKIT:-}" ] && ! docker buildx version >/dev/null 2>&1; then
    export DOCKER_BUILDKIT=0
  fi
}

declare -A IMG_LIBS=()
IMG_CTX=""
IMG_ROOTFS=""

_img_cleanup() { [ -z "${IMG_CTX}" ] || rm -rf "${IMG_CTX}"; }

img_context() { # NAME
  IMG_CTX="$(mktemp -d "${TMPDIR:-/tmp}/meridian-$1-image.XXXXXX")"
  trap _img_cleanup EXIT
  IMG_ROOTFS="${IMG_CTX}/rootfs"
  mkdir -p "${IMG_ROOTFS}/etc" "${IMG_ROOTFS}/tmp"
  chmod 1777 "${IMG_ROOTFS}/tmp"
}

# Records the libraries `ldd FILE` lists (LD_LIBRARY_PATH may point at private ones, as a JRE's).
img_add_libraries_of() {
  local f out lib
  for f in "$@"; do
    if ! out="$(ldd "${f}" 2>&1)"; then
      case "${out}" in
        *"not a dynamic executable"* | *"statically linked"*) continue ;;
        *) img_die "ldd ${f} failed: ${out}" ;;
      esac
    fi
    if echo "${out}" | grep -q 'not found'; then
      img_die "ldd ${f} reports missing libraries:" "$(echo "${out}" | grep 'not found')"
    fi
    # "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)";
    # linux-vdso has no path and is skipped. Libraries inside the rootfs itself are not copied again.
    while read -r lib; do
      case "${lib}" in "" | "${IMG_ROOTFS}"/*) continue ;; esac
      IMG_LIBS["${lib}"]=1
    done < <(echo "${out}" | sed -n -e 's/^.*=> \(\/[^ ]*\) (0x.*$/\1/p' -e 's/^[[:space:]]*\(\/[^ ]*\) (0x.*$/\1/p')
  done
}

img_add_binary() { # SRC DST
  local src
  src="$(readlink -f "$1")"
  [ -f "${src}" ] || img_die "$1 does not exist."
  mkdir -p "${IMG_ROOTFS}$(dirname "$2")"
  install -m 0755 "${src}" "${IMG_ROOTFS}$2"
  img_add_libraries_of "${src}"
}

img_copy_libraries() {
  local lib
  [ "${#IMG_LIBS[@]}" -gt 0 ] || img_die "ldd listed no libraries; refusing to build an image that cannot run."
  for lib in "${!IMG_LIBS[@]}"; do
    mkdir -p "${IMG_ROOTFS}$(dirname "${lib}")"
    # Copy the resolved file (on Debian /lib and /lib64 are symlinks into /usr) but keep the
    # path the binaries were linked against.
    cp -L "${lib}" "${IMG_ROOTFS}${lib}"
  done
}

img_users() { # NAME ID HOME
  printf 'root:x:0:0:root:/root:/sbin/nologin\n%s:x:%s:%s:%s:%s:/sbin/nologin\n' "$1" "$2" "$2" "$1" "$3" \
    >"${IMG_ROOTFS}/etc/passwd"
  printf 'root:x:0:\n%s:x:%s:\n' "$1" "$2" >"${IMG_ROOTFS}/etc/group"
  chmod 0644 "${IMG_ROOTFS}/etc/passwd" "${IMG_ROOTFS}/etc/group"
}

img_up_to_date() { # TAG LABEL=VALUE...
  local tag="$1" kv have
  shift
  [ "${MERIDIAN_IMAGE_REBUILD:-0}" != "1" ] || return 1
  for kv in "$@"; do
    have="$(docker image inspect --format "{{ index .Config.Labels \"${kv%%=*}\" }}" "${tag}" 2>/dev/null || true)"
    [ "${have}" = "${kv#*=}" ] || return 1
  done
}

img_build() { # TAG LABEL=VALUE...
  local tag="$1" kv old_id new_id t0 run_dir log
  shift
  local -a labels=()
  for kv in "$@"; do labels+=(--label "${kv}"); done
  old_id="$(docker image inspect --format '{{.Id}}' "${tag}" 2>/dev/null || true)"
  run_dir="${MERIDIAN_RUN_DIR:-/tmp/meridian-run}"
  mkdir -p "${run_dir}"
  log="${run_dir}/image-build-$(echo "${tag}" | tr '/:' '__').log"
  t0="$(date +%s)"
  if ! docker build "${labels[@]}" -t "${tag}" "${IMG_CTX}" >"${log}" 2>&1; then
    tail -n 25 "${log}" >&2 || true
    img_die "docker build of ${tag} failed (full log: ${log})."
  fi
  img_log "built ${tag} in $(($(date +%s) - t0))s ($(docker image inspect --format '{{.Size}}' "${tag}" | awk '{printf "%.0f MB", $1/1e6}'))"
  # Drop the image this build replaced, if nothing else uses it (no tag, no container).
  new_id="$(docker image inspect --format '{{.Id}}' "${tag}")"
  if [ -n "${old_id}" ] && [ "${old_id}" != "${new_id}" ] \
    && [ "$(docker image inspect --format '{{len .RepoTags}}' "${old_id}" 2>/dev/null || echo 1)" = "0" ]; then
    docker image rm "${old_id}" >/dev/null 2>&1 && img_log "removed the replaced image ${old_id:7:12}"
  fi
  return 0
}

# sha256 of files (or of stdin with -), first 64 hex digits only.
img_sha() { cat "$@" | sha256sum | cut -d' ' -f1; }
