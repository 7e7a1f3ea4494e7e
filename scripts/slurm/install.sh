#!/usr/bin/env bash
# Installs Debian's Slurm daemons, client and MUNGE (slurmctld, slurmd, slurm-client, munge), which
# the Slurm test (tests/slurm/slurm_array_test.sh) runs as a one-node cluster on this machine.
# Safe to run again. Exit codes: 0 installed, 2 cannot install here (said in one sentence).
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/../apt_install.sh" "the Slurm test" \
  slurmctld slurmd slurm-client munge
