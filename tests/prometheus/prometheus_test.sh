#!/usr/bin/env bash
# gpubench's OpenMetrics export against the real thing (Debian's prometheus, promtool,
# prometheus-node-exporter and prometheus-pushgateway), all started here on free loopback ports in
# a temporary directory, and stopped at the end:
#   1. `promtool check metrics` on the export of a real H200 run, `promtool check rules` on
#      docs/gpubench-alerts.yml;
#   2. node-a's export written (atomically, by `gpubench export -o`) into node_exporter's textfile
#      directory; node-b's (another real run) pushed to the Pushgateway by scripts/push_metrics.sh,
#      as the Slurm job does; node-c's, with its triad halved, pushed likewise;
#   3. Prometheus scrapes both; the test queries gpubench's series back through the HTTP API and
#      checks values and labels against the files, and that the example alert fires for node-c
#      only.
# Usage: prometheus_test.sh PATH/TO/gpubench. Exit codes: 0 pass, 1 fail, 77 skipped (the reason on
# stdout: the packages are not installed; scripts/prometheus/install.sh installs them).
set -uo pipefail
gpubench=${1:?usage: prometheus_test.sh PATH/TO/gpubench}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fixtures=$repo/tests/fixtures/runs/h200-b376421
deadline=$((SECONDS + ${PROMETHEUS_TEST_TIMEOUT_S:-120}))

skip() { echo "SKIPPED: $*"; exit 77; }
fail() {
  echo "FAILED: $*"
  for log in "$tmp"/*.log; do echo "--- $log"; tail -n 15 "$log"; done
  exit 1
}
for tool in prometheus promtool prometheus-node-exporter prometheus-pushgateway curl python3; do
  command -v "$tool" >/dev/null 2>&1 ||
    skip "$tool is not installed (scripts/prometheus/install.sh installs prometheus, prometheus-node-exporter and prometheus-pushgateway)"
done

tmp=$(mktemp -d /tmp/gpubench-prometheus.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  [ -n "${PROMETHEUS_TEST_KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
wait_for() {  # wait_for DESCRIPTION COMMAND...
  local what=$1
  shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "timed out waiting for $what"
    sleep 0.5
  done
}
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Three nodes from real runs: node-a and node-b healthy, node-c's triad halved.
mkdir -p "$tmp/textfile" "$tmp/runs" "$tmp/tsdb"
python3 - "$fixtures" "$tmp/runs" <<'PY' || fail "could not place the runs"
import json, os, sys
src, dst = sys.argv[1], sys.argv[2]
for host, name, triad in [("node-a", "quick1.json", 1.0), ("node-b", "quick2.json", 1.0),
                          ("node-c", "quick1.json", 0.5)]:
    with open(os.path.join(src, name)) as f:
        run = json.load(f)
    run["context"]["host_name"] = host
    for record in run["benchmarks"]:
        if record["run_name"].startswith("memory/stream/triad/"):
            for counter in ("bandwidth_gbs", "pct_of_spec"):
                if counter in record:
                    record[counter] *= triad
    with open(os.path.join(dst, host + ".json"), "w") as f:
        json.dump(run, f)
PY

# 1. promtool on the exposition and on the example rules.
"$gpubench" export --openmetrics -o "$tmp/textfile/gpubench.prom" "$tmp/runs/node-a.json" ||
  fail "gpubench export failed"
promtool check metrics <"$tmp/textfile/gpubench.prom" >"$tmp/promtool-metrics.log" 2>&1 ||
  fail "promtool check metrics: $(cat "$tmp/promtool-metrics.log")"
promtool check rules "$repo/docs/gpubench-alerts.yml" >"$tmp/promtool-rules.log" 2>&1 ||
  fail "promtool check rules: $(cat "$tmp/promtool-rules.log")"

# 2. node_exporter (textfile collector only) and the Pushgateway.
node_port=$(free_port)
push_port=$(free_port)
prom_port=$(free_port)
prometheus-node-exporter --web.listen-address="127.0.0.1:$node_port" --collector.disable-defaults \
  --collector.textfile --collector.textfile.directory="$tmp/textfile" >"$tmp/node-exporter.log" 2>&1 &
pids+=($!)
prometheus-pushgateway --web.listen-address="127.0.0.1:$push_port" --persistence.file="" \
  >"$tmp/pushgateway.log" 2>&1 &
pids+=($!)
wait_for "node_exporter" curl -sf "http://127.0.0.1:$node_port/metrics"
wait_for "the Pushgateway" curl -sf "http://127.0.0.1:$push_port/-/ready"
# Not grep -q: it stops reading at the first match, and curl, still writing, then fails with
# SIGPIPE, which pipefail reports as a failed pipeline (seen once in CI).
curl -sf "http://127.0.0.1:$node_port/metrics" | grep '^node_textfile_scrape_error 0' >/dev/null ||
  fail "node_exporter could not read the textfile: $(curl -s "http://127.0.0.1:$node_port/metrics" | grep textfile)"
for node in node-b node-c; do
  GPUBENCH="$gpubench" GPUBENCH_PUSH_INSTANCE="$node" \
    bash "$repo/scripts/push_metrics.sh" "http://127.0.0.1:$push_port" "$tmp/runs/$node.json" ||
    fail "push_metrics.sh could not push $node"
done

# 3. Prometheus scrapes both every second and evaluates the example rules.
cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $repo/docs/gpubench-alerts.yml
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ["127.0.0.1:$node_port"]
  - job_name: pushgateway
    honor_labels: true
    static_configs:
      - targets: ["127.0.0.1:$push_port"]
EOF
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" >"$tmp/prometheus.log" 2>&1 &
pids+=($!)
api="http://127.0.0.1:$prom_port/api/v1"
query() { curl -sf --get "$api/query" --data-urlencode "query=$1"; }
three_nodes() {
  [ "$(query 'count(gpubench_bandwidth_bytes_per_second{benchmark="memory/stream/triad"})' |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)')" = 3 ]
}
wait_for "Prometheus to scrape the three nodes' triads" three_nodes

# Values and labels back through the HTTP API, against the exported text.
query 'gpubench_bandwidth_bytes_per_second{benchmark="memory/stream/triad"}' >"$tmp/triad.json" || fail "query failed"
query 'gpubench_check_status{check="ffma"}' >"$tmp/ffma.json" || fail "query failed"
for node in node-a node-b node-c; do
  "$gpubench" export --openmetrics "$tmp/runs/$node.json" >"$tmp/$node.prom" || fail "export $node"
done
python3 - "$tmp" <<'PY' || fail "the series Prometheus returned do not match the exports"
import json, re, sys
tmp = sys.argv[1]
def exported(node, metric, label):
    for line in open(f"{tmp}/{node}.prom"):
        if line.startswith(metric + "{") and label in line:
            return float(line.rsplit(" ", 1)[1])
    raise SystemExit(f"{node}: no {metric} with {label} in the export")
triad = json.load(open(f"{tmp}/triad.json"))["data"]["result"]
by_host = {s["metric"]["host"]: s for s in triad}
assert sorted(by_host) == ["node-a", "node-b", "node-c"], by_host.keys()
for host, series in by_host.items():
    m = series["metric"]
    for label, value in [("gpu_model", "NVIDIA H200"), ("spec_id", "h200-sxm"), ("driver", "580.159.04"),
                         ("cuda", "13.0"), ("gpubench_version", "0.1.0"), ("benchmark", "memory/stream/triad")]:
        assert m.get(label) == value, (host, label, m)
    want = exported(host, "gpubench_bandwidth_bytes_per_second", 'benchmark="memory/stream/triad"')
    got = float(series["value"][1])
    assert abs(got - want) <= 1e-9 * want, (host, got, want)
    # node-a through the textfile collector; the pushed nodes keep their push group's labels.
    if host == "node-a":
        assert m["job"] == "node", m
    else:
        assert m["job"] == "gpubench" and m["instance"] == host, m
assert by_host["node-c"]["value"][1] != by_host["node-a"]["value"][1]
ffma = {s["metric"]["host"]: s["value"][1] for s in json.load(open(f"{tmp}/ffma.json"))["data"]["result"]}
assert ffma == {"node-a": "0", "node-b": "0", "node-c": "0"}, ffma
print("series match:", {h: s["value"][1] for h, s in by_host.items()})
PY

# The example alert fires for node-c (triad at half its healthy figure), and for no one else.
firing() {
  curl -sf "$api/alerts" | python3 -c '
import json, sys
alerts = json.load(sys.stdin)["data"]["alerts"]
hosts = sorted(a["labels"]["host"] for a in alerts
               if a["labels"]["alertname"] == "GpubenchDramTriadBelowFloor" and a["state"] == "firing")
sys.exit(0 if hosts == ["node-c"] else 1)'
}
wait_for "GpubenchDramTriadBelowFloor to fire for node-c only" firing
curl -sf "$api/alerts" | python3 -c '
import json, sys
for a in json.load(sys.stdin)["data"]["alerts"]:
    print("alert:", a["labels"]["alertname"], a["labels"].get("host"), a["labels"].get("check", ""), a["state"])'
echo "PASSED: promtool accepted the export and the rules; Prometheus read node-a (textfile) and node-b, node-c (Pushgateway) back with their values and labels; the triad alert fired for node-c only (${SECONDS}s)"
