#!/usr/bin/env bash
#
# compose/region.sh cut|join REGION -- cuts a region of the compose stack off the interregion
# network, or joins it again: `docker network disconnect` / `connect` of its three nodes (each
# node's Redis server and agent share the node's network namespace) and its coordinator. Inside the
# region nothing else changes; Prometheus and Alertmanager still reach it over its own network.
#
#   ./region.sh cut region-2      # region-2 loses every other region (and they lose it)
#   ./region.sh join region-2     # back, with the same fixed addresses
#
# The project is COMPOSE_PROJECT_NAME (as in .env: meridian). Exit 2 on bad arguments or when the
# stack's containers are not found.
set -euo pipefail

die() { echo "region.sh: $*" >&2; exit 2; }
[ $# -eq 2 ] || die "usage: region.sh cut|join region-1|region-2|region-3"
action="$1"
region="$2"
case "${region}" in region-[123]) r="${region#region-}" ;; *) die "unknown region '${region}' (region-1, region-2 or region-3)" ;; esac
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="${COMPOSE_PROJECT_NAME:-$(sed -n 's/^COMPOSE_PROJECT_NAME=//p' "${here}/.env" 2>/dev/null)}"
project="${project:-meridian}"
network="${project}_interregion"

container() { # SERVICE -> container id of the project's service
  local id
  id="$(docker ps -aq --filter "label=com.docker.compose.project=${project}" \
    --filter "label=com.docker.compose.service=$1" | head -n 1)"
  [ -n "${id}" ] || die "no container of service $1 in project ${project} (is the stack up? COMPOSE_PROJECT_NAME=${project})"
  echo "${id}"
}

# service:address on the interregion network (docker-compose.yml's fixed addresses)
members=("node-${r}-1:10.77.0.${r}1" "node-${r}-2:10.77.0.${r}2" "node-${r}-3:10.77.0.${r}3" "coordinator-${r}:10.77.0.10${r}")
for m in "${members[@]}"; do
  service="${m%%:*}"
  id="$(container "${service}")"
  case "${action}" in
    cut)
      docker network disconnect "${network}" "${id}"
      echo "region.sh: ${service} disconnected from ${network}" ;;
    join)
      docker network connect --ip "${m#*:}" "${network}" "${id}"
      echo "region.sh: ${service} connected to ${network} at ${m#*:}" ;;
    *) die "unknown action '${action}' (cut or join)" ;;
  esac
done
