# shellcheck shell=bash
#
# scripts/lib/prereqs.sh -- sourceable helpers that make sure the tools Meridian's
# build and tests need are present (and, where that is safe, install/start them).
#
#   source scripts/lib/prereqs.sh
#   ensure_java_maven        # java 17+, javac, mvn (apt: openjdk-17-jdk-headless maven)
#   ensure_redis_server      # redis-server 7+     (apt: redis-server; never left running on :6379)
#   ensure_systemd_analyze   # systemd-analyze     (apt: systemd), to verify the unit files we ship
#   ensure_promtool          # promtool            (apt: prometheus), to test the alert rules; the
#                            #                     server the package brings is never left running
#   ensure_docker            # a Docker engine that answers `docker info` (apt: docker.io; starts dockerd)
#   ensure_compose           # `docker compose` (v2) or `docker-compose` (apt: docker-compose), for the compose stack
#   ensure_compose_image_tools  # what compose/images/build.sh builds the local images from: prometheus-alertmanager
#                            # (its server is never left running), gcc with glibc's static library, jlink
#   stop_started_docker      # stops the dockerd that ensure_docker started, and only that one
#   build_local_redis_image  # meridian/redis:local, built offline (compose/images/redis/build.sh)
#
# Conventions:
#   * progress lines go to stdout, prefixed with "meridian-setup:"; errors go to stderr.
#   * a missing or unusable prerequisite that cannot be fixed automatically ends the
#     calling script with exit code 2 and a message saying exactly what to do.
#   * packages are installed only when running as root on Debian (apt-get available);
#     otherwise the exact command to run is printed.
#   * nothing is ever stopped by name: only by a PID that this library recorded itself.
#
# Environment:
#   MERIDIAN_RUN_DIR        scratch dir for logs/pidfiles (default /tmp/meridian-run)
#   MERIDIAN_DOCKERD_FLAGS  if set, dockerd is started with exactly these flags (no auto fallback)
#   MERIDIAN_DOCKER_TIMEOUT seconds to wait for a dockerd we start (default 60)
#   MERIDIAN_REDIS_IMAGE    image tag for build_local_redis_image (default meridian/redis:local)

# Guard against double sourcing.
if [ -n "${_MERIDIAN_PREREQS_LOADED:-}" ]; then
  return 0
fi
_MERIDIAN_PREREQS_LOADED=1

MERIDIAN_RUN_DIR="${MERIDIAN_RUN_DIR:-/tmp/meridian-run}"
_MERIDIAN_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
_MERIDIAN_REPO_ROOT="$(cd "${_MERIDIAN_LIB_DIR}/../.." && pwd)"

# PID of the dockerd that ensure_docker started (empty if we did not start one).
MERIDIAN_STARTED_DOCKERD_PID=""
# PIDs of the children of that dockerd (its managed containerd), recorded at start.
_MERIDIAN_DOCKERD_CHILDREN=""
_MERIDIAN_APT_UPDATED=0

# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------
meridian_log() { echo "meridian-setup: $*"; }
meridian_warn() { echo "meridian-setup: WARNING: $*" >&2; }
# meridian_die CODE MESSAGE... -- print an error and exit the calling script.
meridian_die() {
  local code="$1"
  shift
  local line
  for line in "$@"; do
    echo "meridian-setup: ERROR: ${line}" >&2
  done
  exit "${code}"
}

_meridian_is_root() { [ "$(id -u)" = "0" ]; }
_meridian_can_apt() {
  _meridian_is_root && command -v apt-get >/dev/null 2>&1 && [ -r /etc/debian_version ]
}
_meridian_run_dir() { mkdir -p "${MERIDIAN_RUN_DIR}"; }

# True if PID exists and is not a zombie.
_meridian_pid_alive() {
  local pid="$1" state
  [ -n "${pid}" ] && [ -r "/proc/${pid}/stat" ] || return 1
  # field 3 of /proc/PID/stat is the state; the comm field (2) may contain spaces,
  # so take what follows the last ')'.
  state="$(sed -e 's/^.*) //' "/proc/${pid}/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
  [ -n "${state}" ] && [ "${state}" != "Z" ] && [ "${state}" != "X" ]
}

_meridian_pid_comm() { cat "/proc/$1/comm" 2>/dev/null || true; }

# Last lines of a dockerd log, without the gRPC connection chatter that buries the error.
_meridian_log_tail() {
  echo "meridian-setup: last lines of $1:" >&2
  { grep -v 'module=grpc' "$1" 2>/dev/null || true; } | tail -n 25 >&2
}

# _meridian_apt_install PKG... -- root + Debian only. Runs `apt-get update` once per
# process first (a fresh machine's package lists may be empty or stale).
_meridian_apt_install() {
  _meridian_run_dir
  local log="${MERIDIAN_RUN_DIR}/apt.log"
  local -a apt=(apt-get -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  if [ "${_MERIDIAN_APT_UPDATED}" != "1" ]; then
    meridian_log "apt-get update (once, before installing)"
    if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" update -q >>"${log}" 2>&1; then
      tail -n 20 "${log}" >&2 || true
      meridian_die 2 "apt-get update failed (log: ${log}); check the Debian package sources in /etc/apt."
    fi
    _MERIDIAN_APT_UPDATED=1
  fi
  meridian_log "apt-get install -y $* (log: ${log})"
  if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q --no-install-recommends "$@" >>"${log}" 2>&1; then
    tail -n 30 "${log}" >&2 || true
    meridian_die 2 "apt-get install $* failed (log: ${log})."
  fi
}

# _meridian_apt_install_no_service PROCESS_NAME PKG... -- installs PKG... and stops (by PID) any
# PROCESS_NAME process that was not running before: a package's postinst may start its service.
_meridian_apt_install_no_service() {
  local name="$1" before after pid
  shift
  before="$(pgrep -x "${name}" || true)"
  _meridian_apt_install "$@"
  after="$(pgrep -x "${name}" || true)"
  for pid in ${after}; do
    case " ${before} " in *" ${pid} "*) ;; *)
      meridian_log "stopping the ${name} process the package started (pid ${pid})"
      kill -TERM "${pid}" 2>/dev/null || true ;;
    esac
  done
}

# ---------------------------------------------------------------------------
# Java 17+ and Maven
# ---------------------------------------------------------------------------
# Prints the major version of a "java -version"-style version string (1.8.0_x -> 8, 17.0.15 -> 17).
_meridian_java_major() {
  local v="$1"
  case "${v}" in
    1.*) v="${v#1.}" ;;
  esac
  v="${v%%[!0-9]*}"
  echo "${v:-0}"
}

_meridian_java_version() {
  java -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1
}

ensure_java_maven() {
  local missing=() jv major
  if command -v java >/dev/null 2>&1; then
    jv="$(_meridian_java_version)"
    major="$(_meridian_java_major "${jv}")"
    if [ "${major}" -lt 17 ]; then
      meridian_warn "java on PATH is version ${jv:-unknown} ($(command -v java)); Java 17 or newer is required."
      missing+=(openjdk-17-jdk-headless)
    fi
  else
    missing+=(openjdk-17-jdk-headless)
  fi
  if ! command -v javac >/dev/null 2>&1; then
    case " ${missing[*]-} " in *" openjdk-17-jdk-headless "*) ;; *) missing+=(openjdk-17-jdk-headless) ;; esac
  fi
  command -v mvn >/dev/null 2>&1 || missing+=(maven)

  if [ "${#missing[@]}" -gt 0 ]; then
    if _meridian_can_apt; then
      meridian_log "installing ${missing[*]} (missing: Java 17+ JDK and/or Maven)"
      _meridian_apt_install "${missing[@]}"
    else
      meridian_die 2 \
        "missing: ${missing[*]} (Meridian needs a Java 17+ JDK and Maven 3)." \
        "fix (Debian/Ubuntu): sudo apt-get install -y ${missing[*]}" \
        "or install any JDK 17+ and Maven 3.8+ and put java, javac and mvn on PATH."
    fi
  fi

  command -v java >/dev/null 2>&1 || meridian_die 2 "java is still not on PATH after installing openjdk-17-jdk-headless."
  command -v mvn >/dev/null 2>&1 || meridian_die 2 "mvn is still not on PATH after installing maven."
  jv="$(_meridian_java_version)"
  major="$(_meridian_java_major "${jv}")"
  if [ "${major}" -lt 17 ]; then
    meridian_die 2 "java on PATH ($(command -v java)) is version ${jv:-unknown}; Java 17+ is required." \
      "fix: sudo update-alternatives --config java   (pick a JDK 17+), or put a JDK 17+ first on PATH."
  fi

  # Maven runs on JAVA_HOME if set, which may differ from the java on PATH.
  local mvn_out mvn_java mvn_major
  if ! mvn_out="$(mvn -B -v 2>&1 | sed 's/\x1b\[[0-9;]*m//g')"; then
    echo "${mvn_out}" >&2
    meridian_die 2 "\`mvn -v\` fails (see above); check JAVA_HOME (currently '${JAVA_HOME:-unset}')."
  fi
  mvn_java="$(echo "${mvn_out}" | sed -n 's/^Java version: \([^,]*\),.*/\1/p' | head -n 1)"
  mvn_major="$(_meridian_java_major "${mvn_java}")"
  if [ -n "${mvn_java}" ] && [ "${mvn_major}" -lt 17 ]; then
    meridian_die 2 "Maven runs on Java ${mvn_java}; Java 17+ is required." \
      "fix: export JAVA_HOME to a JDK 17+ (e.g. /usr/lib/jvm/java-17-openjdk-amd64)."
  fi
  meridian_log "java ${jv} ($(command -v java)), $(echo "${mvn_out}" | head -n 1 | sed 's/ (.*//'), Maven's Java ${mvn_java:-?}"
}

# ---------------------------------------------------------------------------
# redis-server 7+
# ---------------------------------------------------------------------------
_meridian_redis_version() {
  redis-server --version 2>/dev/null | sed -n 's/.* v=\([0-9][0-9.]*\).*/\1/p' | head -n 1
}

# PIDs currently listening on TCP port 6379 (space separated; may be empty).
_meridian_pids_on_6379() {
  local pids=""
  if command -v ss >/dev/null 2>&1; then
    pids="$({ ss -Hltnp 'sport = :6379' 2>/dev/null || true; } | { grep -o 'pid=[0-9]*' || true; } | cut -d= -f2 | sort -un | tr '\n' ' ')"
  fi
  # Fallback / complement: the Debian package's pidfile.
  local pf=/run/redis/redis-server.pid p
  if [ -r "${pf}" ]; then
    p="$(tr -dc '0-9' <"${pf}")"
    if [ -n "${p}" ] && _meridian_pid_alive "${p}"; then
      case " ${pids} " in *" ${p} "*) ;; *) pids="${pids}${p} " ;; esac
    fi
  fi
  echo "${pids% }"
}

# _meridian_stop_package_redis "PIDS_BEFORE" -- stops a redis-server that the package
# install just started on :6379 (i.e. listening now, not listening before). Stops it by
# PID; under systemd via `systemctl stop` instead (the unit has Restart=always, so a
# killed process would simply be restarted).
_meridian_stop_package_redis() {
  local before=" $1 " pid comm exe stopped=0
  for pid in $(_meridian_pids_on_6379); do
    case "${before}" in *" ${pid} "*) continue ;; esac
    comm="$(_meridian_pid_comm "${pid}")"
    exe="$(readlink -f "/proc/${pid}/exe" 2>/dev/null || true)"
    case "${comm}|${exe}" in
      redis-server*|*redis-server*|*redis-check-rdb*) ;;
      *)
        meridian_warn "PID ${pid} (${comm}) now listens on :6379 but is not redis-server; leaving it alone."
        continue
        ;;
    esac
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1 \
      && systemctl is-active --quiet redis-server 2>/dev/null; then
      meridian_log "stopping the redis-server service the package just started (systemctl stop redis-server)"
      systemctl stop redis-server || true
      meridian_log "note: the redis-server service is still enabled at boot; to disable it: systemctl disable redis-server"
    else
      meridian_log "stopping the redis-server (PID ${pid}) the package just started on :6379"
      kill -TERM "${pid}" 2>/dev/null || true
    fi
    local _
    for _ in $(seq 1 50); do
      _meridian_pid_alive "${pid}" || break
      sleep 0.2
    done
    if _meridian_pid_alive "${pid}"; then
      meridian_warn "redis-server PID ${pid} did not stop after SIGTERM within 10s; sending SIGKILL"
      kill -KILL "${pid}" 2>/dev/null || true
    fi
    stopped=1
  done
  if [ "${stopped}" = "1" ] && [ -n "$(_meridian_pids_on_6379)" ]; then
    meridian_warn "something still listens on :6379 after stopping the packaged redis-server: $(_meridian_pids_on_6379)"
  fi
  return 0
}

ensure_redis_server() {
  local v major
  if ! command -v redis-server >/dev/null 2>&1; then
    if _meridian_can_apt; then
      local before
      before="$(_meridian_pids_on_6379)"
      meridian_log "installing redis-server (Debian package; tests start their own redis processes)"
      _meridian_apt_install redis-server
      # The package's postinst may start the Debian service on :6379 (it does not where
      # /usr/sbin/policy-rc.d forbids it). Our tests start their own processes, so stop it.
      _meridian_stop_package_redis "${before}"
    else
      meridian_die 2 "redis-server is not installed (Meridian's tests need redis-server 7 or newer)." \
        "fix (Debian 12/Ubuntu 24.04): sudo apt-get install redis-server" \
        "then, if you don't want the system service on :6379: sudo systemctl disable --now redis-server"
    fi
  fi
  command -v redis-server >/dev/null 2>&1 \
    || meridian_die 2 "redis-server is still not on PATH after installing the redis-server package."
  v="$(_meridian_redis_version)"
  major="${v%%.*}"
  if [ -z "${v}" ] || [ "${major}" -lt 7 ]; then
    meridian_die 2 "redis-server on PATH ($(command -v redis-server)) is version '${v:-unknown}'; Redis 7.0 or newer is required." \
      "fix: use Debian 12 (bookworm) or newer, whose redis-server package is 7.x, or put a Redis 7+ redis-server first on PATH."
  fi
  meridian_log "redis-server ${v} ($(command -v redis-server))"
}

# ---------------------------------------------------------------------------
# systemd-analyze (checks the systemd units of the distribution archive)
# ---------------------------------------------------------------------------
# Only the tool is needed: nothing is started, and systemd need not be the init system.
# Without it (and without a way to install it) the unit-file test is skipped, except on CI.
ensure_systemd_analyze() {
  if ! command -v systemd-analyze >/dev/null 2>&1; then
    if _meridian_can_apt; then
      meridian_log "installing systemd (for systemd-analyze, which verifies the unit files in the archive; nothing is started)"
      _meridian_apt_install systemd
      command -v systemd-analyze >/dev/null 2>&1 \
        || meridian_die 2 "systemd-analyze is still not on PATH after installing the systemd package."
    else
      meridian_warn "systemd-analyze is not installed and cannot be installed here (not root, or no apt-get):" \
        "the unit-file test (SystemdUnitsIT) will be skipped. fix (Debian/Ubuntu): sudo apt-get install systemd"
      return 0
    fi
  fi
  meridian_log "systemd-analyze ($(systemd-analyze --version 2>/dev/null | head -n 1))"
}

# ---------------------------------------------------------------------------
# ip (iproute2), iptables and root: the partition test cuts regions in network namespaces
# ---------------------------------------------------------------------------
# _meridian_ensure_command CMD PKG WHY -- installs PKG when CMD is missing (root + Debian), else dies saying how.
_meridian_ensure_command() {
  command -v "$1" >/dev/null 2>&1 && return 0
  if _meridian_can_apt; then
    meridian_log "installing $2 ($3)"
    _meridian_apt_install "$2"
  else
    meridian_die 2 "'$1' ($2) is missing and cannot be installed here; fix (Debian/Ubuntu): sudo apt-get install $2"
  fi
}

ensure_netns() {
  _meridian_ensure_command ip iproute2 "ip netns: the partition test's regions"
  _meridian_ensure_command iptables iptables "the partition test's cut of the Redis path only"
  _meridian_is_root ||
    meridian_die 2 "the partition test (PartitionIT) makes network namespaces, which needs root: run the tests as root (CI does)"
  meridian_log "network namespaces: $(ip -V 2>/dev/null | head -n 1)"
}

# ---------------------------------------------------------------------------
# Chromium and ChromeDriver: the status page's end-to-end test drives a real headless browser
# ---------------------------------------------------------------------------
ensure_chromium() {
  _meridian_ensure_command chromium chromium "the status page's browser test (StatusPageIT)"
  _meridian_ensure_command chromedriver chromium-driver "drives chromium in the status page's browser test"
  meridian_log "browser: $(chromium --version 2>/dev/null | head -n 1); $(chromedriver --version 2>/dev/null | head -n 1)"
}

# ---------------------------------------------------------------------------
# promtool (alert rule checks and unit tests)
# ---------------------------------------------------------------------------
ensure_promtool() {
  if ! command -v promtool >/dev/null 2>&1; then
    if _meridian_can_apt; then
      meridian_log "installing prometheus (for promtool, which checks and unit-tests monitoring/prometheus/*.yml)"
      # The package's postinst may start the prometheus service; the tests need only promtool.
      _meridian_apt_install_no_service prometheus prometheus
      command -v promtool >/dev/null 2>&1 \
        || meridian_die 2 "promtool is still not on PATH after installing the prometheus package."
    else
      meridian_die 2 "promtool is not installed (it tests the alert rules)." \
        "fix (Debian/Ubuntu): sudo apt-get install -y prometheus   (only promtool is used; stop the service it may start)"
    fi
  fi
  meridian_log "promtool ($(promtool --version 2>&1 | head -n 1))"
}

# ---------------------------------------------------------------------------
# Docker engine
# ---------------------------------------------------------------------------
_meridian_docker_answers() {
  timeout 20 docker info >/dev/null 2>&1
}

# _meridian_wait_docker PID LOG DEADLINE_SECONDS -- wait for `docker info` to answer.
# Returns 0 when it answers, 1 when PID (if given) died, 2 on timeout.
_meridian_wait_docker() {
  local pid="$1" log="$2" limit="$3" start now next_report
  start="$(date +%s)"
  next_report=$((start + 5))
  while true; do
    if _meridian_docker_answers; then
      return 0
    fi
    if [ -n "${pid}" ] && ! _meridian_pid_alive "${pid}"; then
      return 1
    fi
    now="$(date +%s)"
    if [ $((now - start)) -ge "${limit}" ]; then
      return 2
    fi
    if [ "${now}" -ge "${next_report}" ]; then
      meridian_log "waiting for the Docker engine... $((now - start))s/${limit}s${log:+ (log: ${log})}"
      next_report=$((now + 5))
    fi
    sleep 1
  done
}

# _meridian_start_dockerd FLAGS... -- starts dockerd in the background (own session,
# so a Ctrl-C in the terminal does not reach it before our trap does) and waits for it.
# Sets MERIDIAN_STARTED_DOCKERD_PID. Returns 0 if it answers; 1 if it died early
# (the log is kept for the caller to inspect); exits on timeout.
_meridian_start_dockerd() {
  _meridian_run_dir
  local log="${MERIDIAN_RUN_DIR}/dockerd.log" limit="${MERIDIAN_DOCKER_TIMEOUT:-60}" pid rc
  meridian_log "starting dockerd${*:+ $*} (log: ${log})"
  : >"${log}"
  setsid dockerd "$@" </dev/null >>"${log}" 2>&1 &
  pid=$!
  MERIDIAN_STARTED_DOCKERD_PID="${pid}"
  echo "${pid}" >"${MERIDIAN_RUN_DIR}/dockerd.pid"
  rc=0
  _meridian_wait_docker "${pid}" "${log}" "${limit}" || rc=$?
  case "${rc}" in
    0)
      _MERIDIAN_DOCKERD_CHILDREN="$(pgrep -P "${pid}" 2>/dev/null | tr '\n' ' ' || true)"
      printf '%s\n' "$*" >"${MERIDIAN_RUN_DIR}/dockerd.flags"
      return 0
      ;;
    1)
      MERIDIAN_STARTED_DOCKERD_PID=""
      rm -f "${MERIDIAN_RUN_DIR}/dockerd.pid"
      return 1
      ;;
    *)
      _meridian_log_tail "${log}"
      stop_started_docker || true
      meridian_die 2 "dockerd (started with flags: '${*:-none}') did not answer \`docker info\` within ${limit}s (full log: ${log})." \
        "fix: look at the log above; set MERIDIAN_DOCKER_TIMEOUT=<seconds> for a slow machine, or MERIDIAN_DOCKERD_FLAGS='...' to choose dockerd's flags."
      ;;
  esac
}

ensure_docker() {
  local need_install=0 what=""
  if command -v docker >/dev/null 2>&1 && _meridian_docker_answers; then
    meridian_log "Docker engine answers (server $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')); not starting one"
    return 0
  fi
  command -v docker >/dev/null 2>&1 || { need_install=1; what="the docker client"; }
  command -v dockerd >/dev/null 2>&1 || { need_install=1; what="${what:+${what} and }the dockerd engine"; }
  if [ "${need_install}" = "1" ]; then
    if _meridian_can_apt; then
      meridian_log "installing docker.io (missing: ${what})"
      _meridian_apt_install docker.io
      command -v docker >/dev/null 2>&1 || meridian_die 2 "docker is still not on PATH after installing docker.io."
      command -v dockerd >/dev/null 2>&1 || meridian_die 2 "dockerd is still not on PATH after installing docker.io."
      # On a systemd machine the package starts docker.service itself.
      if _meridian_docker_answers; then
        meridian_log "Docker engine answers after installing docker.io (started by the package)"
        return 0
      fi
    elif ! _meridian_is_root; then
      meridian_die 2 "a Docker engine is needed for the container tests; not found on PATH: ${what}." \
        "fix (Debian/Ubuntu): sudo apt-get install docker.io && sudo systemctl start docker && sudo usermod -aG docker \"\$USER\" (then log in again)."
    else
      meridian_die 2 "a Docker engine is needed; not found on PATH: ${what}; and apt-get is not available to install it." \
        "fix: install Docker Engine (docker and dockerd) with your distribution's package manager."
    fi
  fi

  # Installed but not answering.
  if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST}" != "unix:///var/run/docker.sock" ] && [ "${DOCKER_HOST}" != "unix:///run/docker.sock" ]; then
    meridian_die 2 "DOCKER_HOST=${DOCKER_HOST} does not answer \`docker info\`." \
      "fix: start that engine, or unset DOCKER_HOST to use (and let this script start) the local dockerd."
  fi
  if ! _meridian_is_root; then
    local err
    err="$(timeout 20 docker info 2>&1 >/dev/null | tail -n 3 || true)"
    case "${err}" in
      *"permission denied"*)
        meridian_die 2 "the Docker engine is running but user $(id -un) may not use it: ${err}" \
          "fix: sudo usermod -aG docker $(id -un), then log in again (or run as root)." ;;
      *)
        meridian_die 2 "the Docker engine is not running: ${err}" \
          "fix: sudo systemctl start docker   (or: sudo dockerd &), then re-run." ;;
    esac
  fi

  # A dockerd may already be running and still starting up: wait for it, don't start another.
  local existing=""
  if [ -r /var/run/docker.pid ]; then
    existing="$(tr -dc '0-9' </var/run/docker.pid)"
    if [ -n "${existing}" ] && _meridian_pid_alive "${existing}" && [ "$(_meridian_pid_comm "${existing}")" = "dockerd" ]; then
      meridian_log "dockerd (PID ${existing}, not ours) is running but not answering yet; waiting for it"
      if _meridian_wait_docker "${existing}" "" "${MERIDIAN_DOCKER_TIMEOUT:-60}"; then
        meridian_log "Docker engine answers (dockerd PID ${existing}, not started by us)"
        return 0
      fi
      meridian_die 2 "dockerd PID ${existing} is running but does not answer \`docker info\`." \
        "fix: check its log (journalctl -u docker, or wherever it logs), or stop it (kill ${existing}) and re-run."
    fi
  fi

  local t0 t1
  t0="$(date +%s)"
  if [ -n "${MERIDIAN_DOCKERD_FLAGS+x}" ]; then
    # shellcheck disable=SC2086  # word splitting of the user's flags is intended
    if ! _meridian_start_dockerd ${MERIDIAN_DOCKERD_FLAGS}; then
      _meridian_log_tail "${MERIDIAN_RUN_DIR}/dockerd.log"
      meridian_die 2 "dockerd exited right after starting with MERIDIAN_DOCKERD_FLAGS='${MERIDIAN_DOCKERD_FLAGS}'."
    fi
  else
    # Try dockerd with its defaults first. On this project's machines (a VM whose
    # kernel has overlayfs, iptables/nat and bridges, with /.dockerenv present) the
    # defaults work: overlay2 storage, iptables on, docker0 bridge. Sandboxes differ,
    # so if dockerd dies at startup we look at why and retry with the flag that works
    # around exactly that:
    #   * iptables/nat unavailable (no nf_tables/xt modules in the sandbox) -> --iptables=false
    #     (published ports still work through docker-proxy, the userland proxy);
    #   * overlayfs unusable (e.g. /var/lib/docker itself on overlayfs, or no overlay
    #     module) -> --storage-driver=vfs (slow and disk-hungry, but works anywhere).
    local -a flags=()
    local attempt log="${MERIDIAN_RUN_DIR}/dockerd.log" added fatal
    for attempt in 1 2 3; do
      if _meridian_start_dockerd "${flags[@]}"; then
        break
      fi
      cp "${log}" "${MERIDIAN_RUN_DIR}/dockerd.attempt${attempt}.log" 2>/dev/null || true
      added=""
      # Decide on the fatal error only (info lines mention iptables/overlay harmlessly).
      fatal="$(grep -iE 'failed to start daemon|level=fatal' "${log}" || true)"
      [ -n "${fatal}" ] || fatal="$(tail -n 5 "${log}")"
      case " ${flags[*]-} " in
        *" --iptables=false "*) ;;
        *)
          if echo "${fatal}" | grep -qiE 'iptables|ip6tables|nat chain|xtables|NAT table'; then
            flags+=(--iptables=false); added="--iptables=false (dockerd could not use iptables)"
          fi ;;
      esac
      if [ -z "${added}" ]; then
        case " ${flags[*]-} " in
          *" --storage-driver=vfs "*) ;;
          *)
            if echo "${fatal}" | grep -qiE 'overlay|graphdriver|storage.driver|driver not supported'; then
              flags+=(--storage-driver=vfs); added="--storage-driver=vfs (overlay2 storage does not work here)"
            fi ;;
        esac
      fi
      if [ -z "${added}" ] || [ "${attempt}" = "3" ]; then
        _meridian_log_tail "${log}"
        meridian_die 2 "dockerd exited right after starting (flags: '${flags[*]-none}'); see its log above (full: ${log})." \
          "fix: resolve the error above, or set MERIDIAN_DOCKERD_FLAGS='...' to pass dockerd the flags this machine needs."
      fi
      meridian_log "dockerd failed to start; retrying with ${added}"
    done
  fi
  t1="$(date +%s)"
  meridian_log "Docker engine up after $((t1 - t0))s (dockerd PID ${MERIDIAN_STARTED_DOCKERD_PID}, flags: '$(cat "${MERIDIAN_RUN_DIR}/dockerd.flags" 2>/dev/null)'); it will be stopped by stop_started_docker"
}

# Stops the dockerd that ensure_docker started -- by the PID it recorded, and only if
# that PID is still a dockerd. Leaves any pre-existing engine alone. Safe to call twice.
stop_started_docker() {
  local pid="${MERIDIAN_STARTED_DOCKERD_PID:-}"
  [ -n "${pid}" ] || return 0
  MERIDIAN_STARTED_DOCKERD_PID=""
  if ! _meridian_pid_alive "${pid}"; then
    rm -f "${MERIDIAN_RUN_DIR}/dockerd.pid"
    return 0
  fi
  if [ "$(_meridian_pid_comm "${pid}")" != "dockerd" ]; then
    meridian_warn "PID ${pid} is no longer dockerd ($(_meridian_pid_comm "${pid}")); not stopping it"
    return 0
  fi
  # This engine is ours: remove leftover Testcontainers containers (Ryuk is disabled
  # in our runs, so nothing else would), so dockerd shuts down quickly and they do not
  # pile up in /var/lib/docker.
  local leftovers
  leftovers="$(timeout 20 docker ps -aq --filter label=org.testcontainers=true 2>/dev/null | tr '\n' ' ' || true)"
  if [ -n "${leftovers// /}" ]; then
    meridian_log "removing leftover Testcontainers containers: ${leftovers}"
    # shellcheck disable=SC2086
    timeout 60 docker rm -f ${leftovers} >/dev/null 2>&1 || true
  fi
  local children="${_MERIDIAN_DOCKERD_CHILDREN}"
  [ -n "${children}" ] || children="$(pgrep -P "${pid}" 2>/dev/null | tr '\n' ' ' || true)"
  meridian_log "stopping dockerd (PID ${pid}) that this script started"
  kill -TERM "${pid}" 2>/dev/null || true
  local _
  for _ in $(seq 1 40); do
    _meridian_pid_alive "${pid}" || break
    sleep 0.5
  done
  if _meridian_pid_alive "${pid}"; then
    meridian_warn "dockerd PID ${pid} still running 20s after SIGTERM; sending SIGKILL"
    kill -KILL "${pid}" 2>/dev/null || true
    sleep 1
  fi
  # dockerd normally stops the containerd it manages; after a SIGKILL it cannot.
  local c
  for c in ${children}; do
    if _meridian_pid_alive "${c}" && [ "$(_meridian_pid_comm "${c}")" = "containerd" ]; then
      meridian_warn "stopping dockerd's orphaned containerd (PID ${c})"
      kill -TERM "${c}" 2>/dev/null || true
    fi
  done
  rm -f "${MERIDIAN_RUN_DIR}/dockerd.pid"
  meridian_log "dockerd stopped"
}

# ---------------------------------------------------------------------------
# Compose (the compose stack and its test, ComposeStackIT)
# ---------------------------------------------------------------------------
ensure_compose() {
  if docker compose version >/dev/null 2>&1; then
    meridian_log "docker compose ($(docker compose version --short 2>/dev/null || echo '?'))"
    return 0
  fi
  if ! command -v docker-compose >/dev/null 2>&1; then
    if _meridian_can_apt; then
      # Debian 12 packages Compose 1.29 only (no docker-compose-plugin / docker-compose-v2).
      meridian_log "installing docker-compose (for the compose stack in compose/ and its test)"
      _meridian_apt_install docker-compose
    else
      meridian_die 2 "neither \`docker compose\` nor \`docker-compose\` is installed (the compose stack's test needs one)." \
        "fix (Debian/Ubuntu): sudo apt-get install -y docker-compose   (or Docker's docker-compose-plugin)"
    fi
  fi
  docker-compose version >/dev/null 2>&1 \
    || meridian_die 2 "docker-compose is installed but \`docker-compose version\` fails; reinstall it (apt-get install --reinstall docker-compose)."
  meridian_log "docker-compose ($(docker-compose version --short 2>/dev/null || echo '?'))"
}

# compose/images/build.sh builds the stack's local images out of installed binaries; it checks
# each itself and names the package. This installs the ones it needs beyond the other checks.
ensure_compose_image_tools() {
  local missing=()
  command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
  command -v gcc >/dev/null 2>&1 || missing+=(gcc)
  [ -f /usr/lib/x86_64-linux-gnu/libc.a ] || [ -f /usr/lib/libc.a ] || missing+=(libc6-dev)
  [ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/jlink ] || [ -n "${MERIDIAN_JDK:-}" ] || missing+=(openjdk-17-jdk-headless)
  [ "${#missing[@]}" -gt 0 ] || return 0
  if ! _meridian_can_apt; then
    meridian_die 2 "missing for the compose stack's local images: ${missing[*]}." \
      "fix (Debian/Ubuntu): sudo apt-get install -y ${missing[*]}"
  fi
  meridian_log "installing ${missing[*]} (the compose stack's local images are built from them)"
  # The package's postinst may start the alertmanager service; the images need only the binary
  # (the process name is cut to 15 characters).
  _meridian_apt_install_no_service prometheus-aler "${missing[@]}"
}

# ---------------------------------------------------------------------------
# Local Redis image (no registry)
# ---------------------------------------------------------------------------
build_local_redis_image() {
  local tag="${MERIDIAN_REDIS_IMAGE:-meridian/redis:local}"
  local script="${_MERIDIAN_REPO_ROOT}/compose/images/redis/build.sh"
  [ -f "${script}" ] || meridian_die 2 "missing ${script} (needed to build ${tag})."
  if ! bash "${script}" "${tag}"; then
    meridian_die 2 "building the local Redis image ${tag} failed (see above)."
  fi
}
