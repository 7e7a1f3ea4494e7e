#!/usr/bin/env bash
# Pushes a run's figures and check verdicts (`gpubench export --openmetrics`) to a Prometheus
# Pushgateway: for batch jobs (the Slurm job) that end before any scrape. The group is
# job=gpubench, instance=INSTANCE; an HTTP PUT replaces that group's previous push whole, so a
# node's old verdicts never linger beside new ones.
# Usage: push_metrics.sh PUSHGATEWAY_URL RUN.json [RUN.json...]
# Environment: GPUBENCH (the binary; default: gpubench on PATH), GPUBENCH_PUSH_INSTANCE (default:
# the short host name), GPUBENCH_THRESHOLDS (a thresholds file for the verdicts).
# Exit codes: 0 pushed, 2 bad input or the push failed (said in one sentence).
set -euo pipefail
say() { printf 'push_metrics: %s\n' "$*" >&2; }

[ $# -ge 2 ] || { say "usage: push_metrics.sh PUSHGATEWAY_URL RUN.json [RUN.json...]"; exit 2; }
url=${1%/}
shift
gpubench=${GPUBENCH:-gpubench}
instance=${GPUBENCH_PUSH_INSTANCE:-$(hostname -s)}
thresholds=()
[ -z "${GPUBENCH_THRESHOLDS:-}" ] || thresholds=(--thresholds "$GPUBENCH_THRESHOLDS")

body=$(mktemp)
trap 'rm -f "$body"' EXIT
# gpubench says why in one sentence and exits 2 when a file is unreadable.
"$gpubench" export --openmetrics "${thresholds[@]}" "$@" >"$body" || exit 2
# The Pushgateway reads the Prometheus text format; the OpenMetrics "# EOF" is a comment to it.
target="$url/metrics/job/gpubench/instance/$instance"
if ! status=$(curl -sS -o /dev/null -w '%{http_code}' -X PUT --data-binary "@$body" \
  -H 'Content-Type: text/plain; version=0.0.4' "$target"); then
  say "cannot reach the Pushgateway at $url; check the address."
  exit 2
fi
case "$status" in
  2??) exit 0 ;;
  *) say "the Pushgateway at $url refused the push (HTTP $status)."; exit 2 ;;
esac
