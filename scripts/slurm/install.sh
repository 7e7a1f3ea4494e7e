#!/usr/bin/env bash
# Installs Debian's Slurm daemons, client and MUNGE (slurmctld, slurmd, slurm-client, munge), which
# the Slurm test (tests/slurm/slurm_array_test.sh) runs as a one-node cluster on this machine.
# Safe to run again. Exit codes: 0 installed, 2 cannot install here (said in one sentence).
set -euo pipefail
say() { printf 'slurm install: %s\n' "$*" >&2; }

packages=(slurmctld slurmd slurm-client munge)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  say "apt-get is not available; install ${missing[*]} by hand to run the Slurm test."
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
# daemons.
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
