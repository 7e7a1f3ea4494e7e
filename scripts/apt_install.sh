#!/usr/bin/env bash
# Installs the Debian packages a test needs, for the test's own install script (scripts/slurm/,
# scripts/prometheus/): nothing when all are there; else apt-get, as root or through password-less
# sudo. Usage: apt_install.sh WHAT PACKAGE... (WHAT names the test in messages: "the Slurm test").
# Exit codes: 0 installed, 2 cannot install here (said in one sentence).
set -euo pipefail
what=$1
shift
say() { printf 'install for %s: %s\n' "$what" "$*" >&2; }

missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep 'install ok installed' >/dev/null || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  say "apt-get is not available; install ${missing[*]} by hand to run $what."
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
# The packages' start scripts fail harmlessly where no init system runs; each test starts its own
# daemons, on its own ports and directories.
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
