#!/usr/bin/env bash
# monitoring/test-rules.sh -- checks Meridian's Prometheus alert rules:
#   1. promtool check rules  (syntax, expressions, templates)
#   2. promtool test rules   (the unit tests in meridian-rules.test.yml)
#   3. every alert in the rule file has at least one test case, and every tested alert exists;
#   4. every alert has a runbook_url to its own section of docs/runbooks.md, which exists.
# Needs promtool (Debian package: prometheus). Exit 0 when all pass, 1 on a failure, 2 when
# promtool is missing.
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/prometheus" && pwd)"
RULES="${DIR}/meridian-rules.yml"
TESTS="${DIR}/meridian-rules.test.yml"

if ! command -v promtool >/dev/null 2>&1; then
  echo "test-rules: promtool is not installed (Debian/Ubuntu: apt-get install prometheus)" >&2
  exit 2
fi

echo "test-rules: promtool check rules ${RULES}"
promtool check rules "${RULES}"
echo "test-rules: promtool test rules ${TESTS}"
(cd "${DIR}" && promtool test rules "$(basename "${TESTS}")")

alerts="$(sed -n 's/^[[:space:]]*- alert:[[:space:]]*\([A-Za-z0-9_]*\).*/\1/p' "${RULES}" | sort -u)"
tested="$(sed -n 's/^[[:space:]]*alertname:[[:space:]]*\([A-Za-z0-9_]*\).*/\1/p' "${TESTS}" | sort -u)"
untested="$(comm -23 <(echo "${alerts}") <(echo "${tested}"))"
unknown="$(comm -13 <(echo "${alerts}") <(echo "${tested}"))"
if [ -n "${untested}" ] || [ -n "${unknown}" ]; then
  [ -z "${untested}" ] || echo "test-rules: alerts without a test: ${untested//$'\n'/ }" >&2
  [ -z "${unknown}" ] || echo "test-rules: tests of alerts that do not exist: ${unknown//$'\n'/ }" >&2
  exit 1
fi
# 4. every alert links to its own section of docs/runbooks.md, and that section exists
RUNBOOKS="$(cd "${DIR}/../.." && pwd)/docs/runbooks.md"
unlinked=""
for alert in ${alerts}; do
  anchor="$(echo "${alert}" | tr '[:upper:]' '[:lower:]')"
  grep -q "runbook_url: \"file:///opt/meridian/docs/runbooks.md#${anchor}\"" "${RULES}" || unlinked+=" ${alert}(no runbook_url)"
  grep -qx "## ${alert}" "${RUNBOOKS}" || unlinked+=" ${alert}(no '## ${alert}' in docs/runbooks.md)"
done
if [ -n "${unlinked}" ]; then
  echo "test-rules: alerts without a runbook:${unlinked}" >&2
  exit 1
fi
echo "test-rules: $(echo "${alerts}" | wc -l) alerts, every one tested and linked to its runbook"
