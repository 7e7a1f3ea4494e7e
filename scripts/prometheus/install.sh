#!/usr/bin/env bash
# Installs Debian's Prometheus server (with promtool), node_exporter and Pushgateway (prometheus,
# prometheus-node-exporter, prometheus-pushgateway), which the monitoring test
# (tests/prometheus/prometheus_test.sh) starts on loopback ports. Safe to run again.
# Exit codes: 0 installed, 2 cannot install here (said in one sentence).
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/../apt_install.sh" "the Prometheus test" \
  prometheus prometheus-node-exporter prometheus-pushgateway
