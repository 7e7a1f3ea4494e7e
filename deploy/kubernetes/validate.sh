#!/usr/bin/env bash
# Checks the Kubernetes manifests and the Dockerfile beside this file, as far as a machine without a
# cluster can. Nothing is applied to a cluster and no image is built.
#  - Schema: kubernetes-validate (PyPI, which carries the API schemas) in strict mode; a manifest
#    with a misspelt field must fail the same check (so the check can fail).
#  - Security: checkov (PyPI) over the manifests and the Dockerfile must report no failed check but
#    those in checkov-skips.txt (each with its reason). That list may not name a check of the
#    restricted Pod Security Standard, of resource limits or of the image's non-root user, and each
#    check it names must still fail; a Job given the host's network must fail checkov.
#  - Every file the Dockerfile copies from the repository exists.
# Both validators are installed on first use into the git-ignored .tools/ (one venv each).
# Exit codes: 0 valid, 1 invalid, 77 a validator cannot be installed here (said why; what could be
# checked was checked, and a failure there still exits 1).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
kv_version=1.37.0
checkov_version=3.3.30
skips_file="$here/checkov-skips.txt"
# The checks the restricted profile, the issue's resource limits and the non-root image rest on:
# privileged, host PID/IPC/network, privilege escalation, read-only root, root user, capabilities,
# host ports and sockets, security contexts, seccomp, high UID, CPU and memory requests and limits.
restricted_checks=(CKV_K8S_10 CKV_K8S_11 CKV_K8S_12 CKV_K8S_13 CKV_K8S_16 CKV_K8S_17 CKV_K8S_18
  CKV_K8S_19 CKV_K8S_20 CKV_K8S_22 CKV_K8S_23 CKV_K8S_24 CKV_K8S_25 CKV_K8S_26 CKV_K8S_27
  CKV_K8S_28 CKV_K8S_29 CKV_K8S_30 CKV_K8S_31 CKV_K8S_32 CKV_K8S_36 CKV_K8S_37 CKV_K8S_39
  CKV_K8S_40 CKV_DOCKER_3 CKV_DOCKER_8)

status=0
skipped=""
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# install_tool NAME VERSION: a venv .tools/NAME with NAME==VERSION; prints why not and returns 1
# when that cannot be done here.
install_tool() {
  local name=$1 version=$2 venv="$repo/.tools/$1" started=$SECONDS
  "$venv/bin/$name" --version 2>/dev/null | grep "$version" >/dev/null && return 0
  rm -rf "$venv"
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    echo "SKIPPED: python3 -m venv is unavailable (install python3-venv) to install $name"
    return 1
  fi
  if ! "$venv/bin/pip" install -q "$name==$version" >/dev/null 2>&1; then
    rm -rf "$venv"
    echo "SKIPPED: $name==$version could not be installed from PyPI"
    return 1
  fi
  echo "validate: installed $name $version in $((SECONDS - started)) s"
}

# The node pod's task as gpubench-job.yaml runs it, with a stand-in gpubench that records what it
# was given: the node's name comes from the downward API (spec.nodeName, here "gpu-node-7") in
# GPUBENCH_HOST_NAME, gpubench gets it and `--device all`, and the status file and the results
# directory name the node, not the pod.
pod_task_check() {
  local python="$repo/.tools/kubernetes-validate/bin/python" pod="$tmp/pod"
  mkdir -p "$pod/results"
  # shellcheck disable=SC2016  # the stand-in expands them when it runs
  printf '#!/bin/sh\necho "host=$GPUBENCH_HOST_NAME args=$*" >"%s/gpubench.args"\n' "$pod" \
    >"$pod/gpubench"
  chmod +x "$pod/gpubench"
  local env_lines
  env_lines=$("$python" - "$here/gpubench-job.yaml" <<'PY'
import sys, yaml
container = yaml.safe_load(open(sys.argv[1]))["spec"]["template"]["spec"]["containers"][0]
for var in container["env"]:
    if var["name"] == "GPUBENCH_HOST_NAME":
        assert var["valueFrom"]["fieldRef"]["fieldPath"] == "spec.nodeName", var
        print("GPUBENCH_HOST_NAME=gpu-node-7")
    else:
        print(f"{var['name']}={var['value']}")
assert "nvidia.com/gpu" in container["resources"]["limits"]
PY
  ) || { echo "FAILED: gpubench-job.yaml's env lacks the node name from spec.nodeName"; return 1; }
  local -a env_args
  mapfile -t env_args <<<"$env_lines"
  env -i PATH="$PATH" "${env_args[@]}" GPUBENCH_RESULTS_ROOT="$pod/results" GPUBENCH="$pod/gpubench" \
    JOB_COMPLETION_INDEX=3 bash "$repo/scripts/slurm/gpubench.sbatch" >/dev/null 2>&1
  local status_file
  status_file=$(ls "$pod"/results/*-jobk8s-run1/*/gpu-node-7/task3/gpubench-run.status 2>/dev/null)
  if [ -z "$status_file" ] || ! grep -qx 'host_name=gpu-node-7' "$status_file" ||
    ! grep -q '^host=gpu-node-7 args=run --device all ' "$pod/gpubench.args"; then
    echo "FAILED: the node pod's task did not run gpubench on every GPU under the node's name:" \
      "$(cat "$pod/gpubench.args" 2>/dev/null) $(find "$pod/results" -type f)"
    return 1
  fi
}

# --- Schema
if install_tool kubernetes-validate "$kv_version"; then
  validator="$repo/.tools/kubernetes-validate/bin/kubernetes-validate"
  "$validator" --strict --quiet "$here"/*.yaml || status=1
  sed 's/^  completions:/  completionz:/' "$here/gpubench-job.yaml" >"$tmp/misspelt.yaml"
  if "$validator" --strict --quiet "$tmp/misspelt.yaml" >/dev/null 2>&1; then
    echo "FAILED: a Job with a misspelt field passed the strict validation"
    status=1
  fi
  pod_task_check || status=1
else
  skipped="$skipped kubernetes-validate"
fi

# --- Security
# checkov_failures DIR: runs checkov over DIR's manifests and Dockerfile; prints one "ID FILE" line
# per failed check (FILE relative to DIR), or "error ..." when it gave no report. (No --skip-check:
# a check skipped that way vanishes from the report, and a listed check that no longer fails must
# be noticed.)
checkov_failures() {
  "$repo/.tools/checkov/bin/checkov" -d "$1" --framework kubernetes dockerfile --skip-download \
    --quiet -o json >"$tmp/checkov.json" 2>"$tmp/checkov.err"
  python3 - "$tmp/checkov.json" <<'PY' || echo "error checkov gave no report: $(tail -n3 "$tmp/checkov.err")"
import json, sys
reports = json.load(open(sys.argv[1]))
reports = reports if isinstance(reports, list) else [reports]
if not reports or not all("results" in r for r in reports):
    sys.exit(1)
for report in reports:
    for check in report["results"].get("failed_checks", []):
        print(check["check_id"], check.get("file_path", "?"))
PY
}

if install_tool checkov "$checkov_version"; then
  started=$SECONDS
  skips=()
  while read -r id reason; do
    case "$id" in '' | '#'*) continue ;; esac
    if [[ ! "$id" =~ ^CKV2?_[A-Z0-9]+_[0-9]+$ ]] || [ -z "$reason" ]; then
      echo "FAILED: $skips_file: \"$id\" needs to be a checkov id followed by its reason"
      status=1
    elif [[ " ${restricted_checks[*]} " == *" $id "* ]]; then
      echo "FAILED: $skips_file skips $id, a check of the restricted profile, which must pass"
      status=1
    else
      skips+=("$id")
    fi
  done <"$skips_file"
  # One run (checkov takes seconds to start) over the deployment and, in negative/, the Job on the
  # host's network, as it used to be, which must fail: the check can fail.
  mkdir -p "$tmp/scan/negative"
  cp "$here"/*.yaml "$here/Dockerfile" "$tmp/scan/"
  sed 's/^      restartPolicy: Never$/&\n      hostNetwork: true/' "$here/gpubench-job.yaml" \
    >"$tmp/scan/negative/gpubench-job.yaml"
  report=$(checkov_failures "$tmp/scan")
  if grep -q '^error' <<<"$report"; then
    echo "FAILED: $report"
    status=1
  fi
  grep -q '^CKV_K8S_19 /negative/' <<<"$report" ||
    { echo "FAILED: checkov passed a Job with hostNetwork: true"; status=1; }
  report=$(grep '^CKV' <<<"$report" | grep -v ' /negative/')
  while read -r id file; do
    [ -n "$id" ] || continue
    [[ " ${skips[*]} " == *" $id "* ]] && continue
    echo "FAILED: checkov $id fails for $file (fix it, or list it in checkov-skips.txt with why)"
    status=1
  done <<<"$report"
  for id in "${skips[@]}"; do
    grep -q "^$id " <<<"$report" ||
      { echo "FAILED: checkov-skips.txt lists $id, which no longer fails: remove it"; status=1; }
  done
  echo "validate: checkov ran in $((SECONDS - started)) s"
else
  skipped="$skipped checkov"
fi

# --- The Dockerfile's sources
while read -r source; do
  [ -e "$repo/$source" ] || { echo "FAILED: the Dockerfile copies $source, which does not exist"; status=1; }
done < <(sed -n 's/^COPY \(scripts\/[^ ]*\) .*/\1/p' "$here/Dockerfile")

[ $status -ne 0 ] && exit 1
[ -n "$skipped" ] && exit 77
echo "PASSED: manifests valid (Kubernetes $kv_version schemas, strict); checkov $checkov_version" \
  "finds nothing but checkov-skips.txt's ${#skips[@]}; Dockerfile sources present"
exit 0
