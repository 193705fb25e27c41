#!/usr/bin/env bash
# shellcheck disable=SC2317  # on_exit/on_signal are only called from traps
#
# scripts/test.sh [MAVEN ARGS...] -- THE test command of Meridian.
#
# Makes sure the prerequisites are there (installing them as root on Debian), starts a
# Docker engine if none answers, builds the offline Redis image, checks and unit-tests the
# alert rules (monitoring/test-rules.sh, promtool), then runs
#   mvn -B verify "$@"
# from the repository root (works from any cwd), and exits with Maven's exit code.
# A dockerd that this script started is stopped again on exit (also on Ctrl-C/SIGTERM);
# an engine that was already running is left alone.
#
# Environment:
#   MERIDIAN_SETUP_ONLY=1   do every setup step but skip Maven (exit 0 when setup is OK);
#                           for testing this script itself, or to prepare a machine.
#   MERIDIAN_RUN_DIR        logs and pidfiles (default /tmp/meridian-run), see scripts/lib/prereqs.sh
#   MERIDIAN_DOCKERD_FLAGS, MERIDIAN_DOCKER_TIMEOUT, MERIDIAN_REDIS_IMAGE_REBUILD=1: see the libraries.
#
# Exit codes: Maven's own; 2 = a prerequisite is missing or could not be set up;
# 130/143 = interrupted (SIGINT/SIGTERM).
set -euo pipefail

START_TS="$(date +%s)"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/prereqs.sh
source "${REPO_ROOT}/scripts/lib/prereqs.sh"

MVN_PID=""

on_exit() {
  local rc=$?
  trap - EXIT
  trap '' INT TERM # finish cleaning up even if interrupted again
  stop_started_docker || meridian_warn "could not stop the dockerd this script started"
  local dur=$(($(date +%s) - START_TS))
  meridian_log "total duration: $((dur / 60))m$((dur % 60))s (exit code ${rc})"
  exit "${rc}"
}

on_signal() { # NAME EXIT_CODE
  trap '' INT TERM
  echo "meridian-setup: received SIG$1, stopping" >&2
  if [ -n "${MVN_PID}" ] && _meridian_pid_alive "${MVN_PID}"; then
    kill -TERM "${MVN_PID}" 2>/dev/null || true
    local _
    for _ in $(seq 1 60); do
      _meridian_pid_alive "${MVN_PID}" || break
      sleep 0.5
    done
    if _meridian_pid_alive "${MVN_PID}"; then kill -KILL "${MVN_PID}" 2>/dev/null || true; fi
  fi
  exit "$2"
}

trap on_exit EXIT
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM

cd "${REPO_ROOT}"
if [ "${MERIDIAN_SETUP_ONLY:-0}" != "1" ] && [ ! -f pom.xml ]; then
  meridian_die 2 "no pom.xml in ${REPO_ROOT}; nothing for Maven to build."
fi

ensure_java_maven
ensure_redis_server
ensure_systemd_analyze
ensure_netns
ensure_chromium
ensure_promtool
ensure_docker
ensure_compose
ensure_compose_image_tools
build_local_redis_image

# Testcontainers in this environment: no registry is reachable, so
#  - Ryuk (its reaper container, pulled from Docker Hub) is disabled; containers are
#    removed by the tests themselves, and leftovers by stop_started_docker;
#  - the startup checks, which run a pulled alpine image, are disabled;
#  - the engine's host is localhost (this machine may have /.dockerenv, which would
#    otherwise make Testcontainers look for the docker0 gateway address).
export TESTCONTAINERS_RYUK_DISABLED=true
export TESTCONTAINERS_CHECKS_DISABLE=true
export TESTCONTAINERS_HOST_OVERRIDE=localhost
export MERIDIAN_REDIS_IMAGE="${MERIDIAN_REDIS_IMAGE:-meridian/redis:local}"

if [ "${MERIDIAN_SETUP_ONLY:-0}" = "1" ]; then
  meridian_log "MERIDIAN_SETUP_ONLY=1: setup done, skipping mvn -B verify"
  exit 0
fi

# The alert rules first: quick, and independent of the Java build.
meridian_log "running: monitoring/test-rules.sh (promtool check rules, promtool test rules)"
if ! monitoring/test-rules.sh; then
  meridian_die 1 "the alert rule checks failed (monitoring/test-rules.sh); see above."
fi

meridian_log "running: mvn -B verify $* (in ${REPO_ROOT})"
# Maven runs in the background and we wait for it, so that a SIGTERM/SIGINT sent to
# this script runs our trap at once (bash defers traps while a foreground child runs);
# the trap passes the signal on to Maven.
mvn -B verify "$@" &
MVN_PID=$!
set +e
wait "${MVN_PID}"
MVN_RC=$?
set -e
MVN_PID=""
meridian_log "mvn exited with code ${MVN_RC}"
exit "${MVN_RC}"
