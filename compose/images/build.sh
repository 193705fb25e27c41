#!/usr/bin/env bash
#
# compose/images/build.sh [IMAGE...] -- builds the images of the compose stack that this
# machine can make without any registry, each FROM scratch out of installed binaries:
#
#   redis         meridian/redis:local         redis-server, redis-cli (Debian's redis-server); see redis/build.sh
#   pause         meridian/pause:local         holds each node's network namespace (pause/pause.c, gcc -static)
#   jre           meridian/jre:local           a Java 17 runtime made by jlink from the installed JDK
#                                              ($MERIDIAN_JDK, default /usr/lib/jvm/java-17-openjdk-amd64),
#                                              with bash, env, readlink, dirname, sed and head for the launcher
#   meridian      meridian/meridian:local      meridian/Dockerfile on top of jre: the fat jar
#                                              ($MERIDIAN_JAR, default cli/target/meridian.jar) and bin/meridian
#   prometheus    meridian/prometheus:local    Debian's prometheus, laid out like prom/prometheus
#   alertmanager  meridian/alertmanager:local  Debian's prometheus-alertmanager, laid out like prom/alertmanager
#
# With no argument it builds all of them (the stack needs pause and meridian whatever images it
# runs; the others replace the official images with `COMPOSE_FILE=docker-compose.yml:local-images.yml`,
# see compose/README.md). An image is rebuilt only when what it is made of changed (labels record
# the sha256 of its inputs); MERIDIAN_IMAGE_REBUILD=1 forces it. There is no local Grafana image:
# Debian has no Grafana package (the `grafana` profile needs the official image).
#
# Exit codes: 0 built or up to date; 2 a prerequisite is missing (the message names the package).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${HERE}/../.." && pwd)"
# shellcheck source=compose/images/lib.sh
source "${HERE}/lib.sh"

RECIPE_SHA="$(img_sha "${HERE}/build.sh" "${HERE}/lib.sh")"
JRE_TAG=meridian/jre:local
# The modules Meridian uses; java.se because the launcher passes --add-modules java.se (Hazelcast).
JRE_MODULES=java.se,jdk.management,jdk.unsupported,jdk.crypto.ec,jdk.httpserver,jdk.naming.dns,jdk.zipfs

build_pause() {
  local tag=meridian/pause:local labels
  img_require gcc gcc "to compile pause/pause.c"
  labels=("org.meridian.source.sha256=$(img_sha "${HERE}/pause/pause.c")" "org.meridian.recipe.sha256=${RECIPE_SHA}")
  if img_up_to_date "${tag}" "${labels[@]}"; then
    img_log "image ${tag} is up to date; skipping build"
    return 0
  fi
  img_context pause
  if ! gcc -static -Os -s -o "${IMG_ROOTFS}/pause" "${HERE}/pause/pause.c" 2>"${IMG_CTX}/gcc.log"; then
    cat "${IMG_CTX}/gcc.log" >&2
    img_die "gcc -static failed for pause/pause.c (it needs glibc's static library: sudo apt-get install libc6-dev)."
  fi
  printf 'FROM scratch\nCOPY rootfs/pause /pause\nUSER 65534:65534\nENTRYPOINT ["/pause"]\n' >"${IMG_CTX}/Dockerfile"
  img_build "${tag}" "${labels[@]}"
}

jdk_home() {
  local jdk="${MERIDIAN_JDK:-/usr/lib/jvm/java-17-openjdk-amd64}"
  [ -x "${jdk}/bin/jlink" ] || img_die "no jlink in ${jdk}/bin: the Java runtime of the Meridian image is made with it" \
    "(fix: sudo apt-get install openjdk-17-jdk-headless, or set MERIDIAN_JDK to a JDK 17 with jlink and jmods)."
  [ -d "${jdk}/jmods" ] || img_die "${jdk} has no jmods/ directory, which jlink needs" \
    "(fix: sudo apt-get install openjdk-17-jdk-headless, or set MERIDIAN_JDK to a full JDK 17)."
  echo "${jdk}"
}

build_jre() {
  local jdk labels tool jre f
  jdk="$(jdk_home)"
  labels=("org.meridian.jdk.release.sha256=$(img_sha "${jdk}/release" "${jdk}/lib/server/libjvm.so")"
    "org.meridian.jre.modules=${JRE_MODULES}" "org.meridian.recipe.sha256=${RECIPE_SHA}")
  if img_up_to_date "${JRE_TAG}" "${labels[@]}"; then
    img_log "image ${JRE_TAG} is up to date; skipping build"
    return 0
  fi
  img_context jre
  jre="${IMG_ROOTFS}/opt/java"
  mkdir -p "${IMG_ROOTFS}/opt"
  img_log "jlink: a Java runtime of ${JRE_MODULES} from ${jdk}"
  if ! "${jdk}/bin/jlink" --add-modules "${JRE_MODULES}" --strip-debug --no-man-pages --no-header-files \
    --compress=2 --output "${jre}" >"${IMG_CTX}/jlink.log" 2>&1; then
    cat "${IMG_CTX}/jlink.log" >&2
    img_die "jlink failed (see above)."
  fi
  # The JVM's own libraries find each other through their RUNPATH at run time; ldd needs the path.
  # The desktop libraries (AWT, fonts, sound, images) are left unresolved: nothing loads them.
  while IFS= read -r f; do
    case "$(basename "${f}")" in
      libawt* | libfontmanager.so | libjavajpeg.so | libjawt.so | libjsound.so | liblcms.so | libmlib_image.so | libsplashscreen.so)
        rm -f "${f}" ;;
      *) LD_LIBRARY_PATH="${jre}/lib:${jre}/lib/server" img_add_libraries_of "${f}" ;;
    esac
  done < <(find "${jre}/bin" "${jre}/lib" -type f \( -name '*.so' -o -path "${jre}/bin/*" \))
  for tool in bash:/bin/bash env:/usr/bin/env readlink:/usr/bin/readlink dirname:/usr/bin/dirname sed:/bin/sed \
    head:/usr/bin/head; do
    img_add_binary "$(command -v "${tool%%:*}")" "${tool#*:}"
  done
  ln -s bash "${IMG_ROOTFS}/bin/sh"
  img_copy_libraries
  img_users meridian 10001 /var/lib/meridian
  printf 'hosts: files dns\n' >"${IMG_ROOTFS}/etc/nsswitch.conf"
  mkdir -p "${IMG_CTX}/home"
  cat >"${IMG_CTX}/Dockerfile" <<'EOF'
FROM scratch
COPY rootfs/ /
COPY --chown=10001:10001 home/ /var/lib/meridian/
ENV JAVA_HOME=/opt/java PATH=/opt/java/bin:/usr/bin:/bin LANG=C.UTF-8
USER 10001:10001
WORKDIR /var/lib/meridian
ENTRYPOINT ["/opt/java/bin/java"]
CMD ["-version"]
EOF
  img_build "${JRE_TAG}" "${labels[@]}"
  local out
  out="$(docker run --rm "${JRE_TAG}" -version 2>&1)" || img_die "the freshly built ${JRE_TAG} does not run: ${out}"
  img_log "${JRE_TAG} runs: $(echo "${out}" | head -n 1)"
}

build_meridian() {
  local tag=meridian/meridian:local jar launcher labels out
  jar="${MERIDIAN_JAR:-${REPO_ROOT}/cli/target/meridian.jar}"
  launcher="${REPO_ROOT}/dist/src/main/dist/bin/meridian"
  [ -f "${jar}" ] || img_die "${jar} is missing: build it first (mvn -B -q package -DskipTests -pl cli -am), or set MERIDIAN_JAR."
  build_jre
  labels=("org.meridian.jar.sha256=$(img_sha "${jar}")" "org.meridian.launcher.sha256=$(img_sha "${launcher}")"
    "org.meridian.dockerfile.sha256=$(img_sha "${HERE}/meridian/Dockerfile")"
    "org.meridian.jre.id=$(docker image inspect --format '{{.Id}}' "${JRE_TAG}")")
  if img_up_to_date "${tag}" "${labels[@]}"; then
    img_log "image ${tag} is up to date; skipping build"
    return 0
  fi
  img_context meridian
  cp "${jar}" "${IMG_CTX}/meridian.jar"
  install -m 0755 "${launcher}" "${IMG_CTX}/meridian"
  cp "${HERE}/meridian/Dockerfile" "${IMG_CTX}/Dockerfile"
  mkdir -p "${IMG_CTX}/keys" "${IMG_CTX}/leader"
  img_build "${tag}" "${labels[@]}"
  out="$(docker run --rm "${tag}" --version 2>&1)" || img_die "the freshly built ${tag} does not run: ${out}"
  img_log "${tag} runs: ${out}"
}

# build_prometheus_like NAME TAG BINARY IMAGE_BINARY PACKAGE DATA_DIR CONFIG_DIR ENTRY_ARGS [EXTRA_BINARY:IMAGE_PATH...]
# An image laid out like the official prom/* one: the binary in /bin, data owned by nobody
# (65534), the same entrypoint and default arguments, so that either image runs the same service.
build_prometheus_like() {
  local name="$1" tag="$2" bin="$3" image_bin="$4" package="$5" data="$6" conf="$7" args="$8" labels extra out
  shift 8
  img_require "${bin}" "${package}" "the ${name} image is built from it"
  labels=("org.meridian.${name}.sha256=$(img_sha "$(readlink -f "$(command -v "${bin}")")")"
    "org.meridian.recipe.sha256=${RECIPE_SHA}")
  if img_up_to_date "${tag}" "${labels[@]}"; then
    img_log "image ${tag} is up to date; skipping build"
    return 0
  fi
  img_context "${name}"
  img_add_binary "$(command -v "${bin}")" "${image_bin}"
  for extra in "$@"; do
    if [ -e "${extra%%:*}" ]; then
      if [ -d "${extra%%:*}" ]; then
        mkdir -p "${IMG_ROOTFS}${extra#*:}"
        cp -rL "${extra%%:*}/." "${IMG_ROOTFS}${extra#*:}/"
        # Debian's web UI links moment-timezone, whose data/ (214 MB of tz sources) the UI never reads.
        rm -rf "${IMG_ROOTFS}${extra#*:}/static/moment-timezone/data"
      else
        img_add_binary "${extra%%:*}" "${extra#*:}"
      fi
    fi
  done
  img_copy_libraries
  img_users nobody 65534 /nonexistent
  printf 'hosts: files dns\n' >"${IMG_ROOTFS}/etc/nsswitch.conf"
  mkdir -p "${IMG_ROOTFS}${conf}" "${IMG_CTX}/data"
  cat >"${IMG_CTX}/Dockerfile" <<EOF
FROM scratch
COPY rootfs/ /
COPY --chown=65534:65534 data/ ${data}/
USER 65534:65534
WORKDIR ${data}
VOLUME ["${data}"]
ENTRYPOINT ["${image_bin}"]
CMD [${args}]
EOF
  img_log "building ${tag} from $(command -v "${bin}") (${#IMG_LIBS[@]} libraries)"
  img_build "${tag}" "${labels[@]}"
  out="$(docker run --rm "${tag}" --version 2>&1 | head -n 1)" || img_die "the freshly built ${tag} does not run: ${out}"
  img_log "${tag} runs: ${out}"
}

build_prometheus() {
  build_prometheus_like prometheus meridian/prometheus:local prometheus /bin/prometheus prometheus /prometheus \
    /etc/prometheus '"--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"' \
    /usr/share/prometheus/web:/usr/share/prometheus/web
}

build_alertmanager() {
  build_prometheus_like alertmanager meridian/alertmanager:local prometheus-alertmanager /bin/alertmanager \
    prometheus-alertmanager /alertmanager /etc/alertmanager \
    '"--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"' \
    /usr/bin/amtool:/bin/amtool /usr/share/prometheus/alertmanager:/usr/share/prometheus/alertmanager
}

build_redis() {
  bash "${HERE}/redis/build.sh" meridian/redis:local
}

img_require_docker
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(redis pause jre meridian prometheus alertmanager)
for target in "${targets[@]}"; do
  case "${target}" in
    redis | pause | jre | meridian | prometheus | alertmanager)
      # Each build runs in a subshell: its context directory and EXIT trap are its own.
      (IMG_LIBS=(); "build_${target}") ;;
    *) img_die "unknown image '${target}'; known: redis pause jre meridian prometheus alertmanager" ;;
  esac
done
