#!/usr/bin/env bash
# Installs Debian's Prometheus server (with promtool), node_exporter and Pushgateway (prometheus,
# prometheus-node-exporter, prometheus-pushgateway), which the monitoring test
# (tests/prometheus/prometheus_test.sh) starts on loopback ports. Safe to run again.
# Exit codes: 0 installed, 2 cannot install here (said in one sentence).
set -euo pipefail
say() { printf 'prometheus install: %s\n' "$*" >&2; }

packages=(prometheus prometheus-node-exporter prometheus-pushgateway)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  say "apt-get is not available; install ${missing[*]} by hand to run the Prometheus test."
  exit 2
fi
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if ! sudo -n true 2>/dev/null; then
    say "root (or password-less sudo) is needed to install ${missing[*]}."
    exit 2
  fi
  sudo_cmd=(sudo -n)
fi
say "installing ${missing[*]}"
# The packages' start scripts fail harmlessly where no init system runs; the test starts its own
# daemons, on its own ports and directories.
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
