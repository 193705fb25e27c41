#!/usr/bin/env bash
#
# compose/region.sh cut|join REGION -- cuts a region of the compose stack off the other regions, or
# joins it again, the way a failure of the links between data centres does: every packet between
# the region's members (its three nodes, each holding its Redis server and agent, and its
# coordinator) and the other regions' members is dropped, and nothing else. The region's own
# members still reach each other; Prometheus and Alertmanager still reach it over its own network.
# The rules are iptables rules inside each member's network namespace (entered from the host with
# nsenter: root, iptables and util-linux needed); `join` deletes exactly them.
#
#   ./region.sh cut region-2      # region-2 loses every other region (and they lose it)
#   ./region.sh join region-2     # back
#
# The project is COMPOSE_PROJECT_NAME (as in .env: meridian). Exit 2 on bad arguments, a missing
# tool, or when the stack's containers are not found.
set -euo pipefail

die() { echo "region.sh: $*" >&2; exit 2; }
[ $# -eq 2 ] || die "usage: region.sh cut|join region-1|region-2|region-3"
action="$1"
region="$2"
case "${region}" in region-[123]) r="${region#region-}" ;; *) die "unknown region '${region}' (region-1, region-2 or region-3)" ;; esac
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="${COMPOSE_PROJECT_NAME:-$(sed -n 's/^COMPOSE_PROJECT_NAME=//p' "${here}/.env" 2>/dev/null)}"
project="${project:-meridian}"

container() { # SERVICE -> container id of the project's service
  local id
  id="$(docker ps -aq --filter "label=com.docker.compose.project=${project}" \
    --filter "label=com.docker.compose.service=$1" | head -n 1)"
  [ -n "${id}" ] || die "no container of service $1 in project ${project} (is the stack up? COMPOSE_PROJECT_NAME=${project})"
  echo "${id}"
}

for tool in iptables nsenter; do
  command -v "${tool}" >/dev/null 2>&1 || die "'${tool}' is needed (Debian: apt-get install iptables util-linux)"
done
[ "$(id -u)" -eq 0 ] || die "entering the containers' network namespaces needs root"

# Every region's members on the interregion network (docker-compose.yml's fixed addresses).
addresses() { echo "10.77.0.${1}1 10.77.0.${1}2 10.77.0.${1}3 10.77.0.10${1}"; }
others=()
for o in 1 2 3; do
  [ "${o}" = "${r}" ] || others+=($(addresses "${o}"))
done
case "${action}" in
  cut) op=-A ;;
  join) op=-D ;;
  *) die "unknown action '${action}' (cut or join)" ;;
esac
for service in "node-${r}-1" "node-${r}-2" "node-${r}-3" "coordinator-${r}"; do
  id="$(container "${service}")"
  pid="$(docker inspect -f '{{.State.Pid}}' "${id}")"
  [ "${pid}" -gt 0 ] || die "${service} is not running"
  for a in "${others[@]}"; do
    # join also tolerates rules already gone (a restarted container starts without them)
    nsenter -t "${pid}" -n iptables -w "${op}" INPUT -s "${a}" -j DROP 2>/dev/null || [ "${op}" = -D ] ||
      die "could not add the cut rule in ${service}"
    nsenter -t "${pid}" -n iptables -w "${op}" OUTPUT -d "${a}" -j DROP 2>/dev/null || [ "${op}" = -D ] ||
      die "could not add the cut rule in ${service}"
  done
  echo "region.sh: ${service}: ${action} from ${others[*]}"
done
