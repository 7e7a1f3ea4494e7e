#!/usr/bin/env bash
# Checks the Kubernetes manifests beside this file against the Kubernetes API schemas, as far as a
# machine without a cluster can: kubernetes-validate (PyPI, which carries the schemas) in strict
# mode, installed on first use into the git-ignored .tools/kubernetes-validate; a manifest with a
# misspelt field must fail the same check (so the check can fail); and every file the Dockerfile
# copies from the repository must exist. Nothing is applied to a cluster and no image is built.
# Exit codes: 0 valid, 1 invalid, 77 the validator cannot be installed here (said why).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
venv="$repo/.tools/kubernetes-validate"
version=1.37.0
validator="$venv/bin/kubernetes-validate"

if ! "$validator" --version 2>/dev/null | grep -q "$version"; then
  rm -rf "$venv"
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    echo "SKIPPED: python3 -m venv is unavailable (install python3-venv) to validate the manifests"
    exit 77
  fi
  if ! "$venv/bin/pip" install -q "kubernetes-validate==$version" >/dev/null 2>&1; then
    rm -rf "$venv"
    echo "SKIPPED: kubernetes-validate==$version could not be installed from PyPI"
    exit 77
  fi
fi

status=0
"$validator" --strict --quiet "$here"/*.yaml || status=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed 's/^  completions:/  completionz:/' "$here/gpubench-job.yaml" >"$tmp/misspelt.yaml"
if "$validator" --strict --quiet "$tmp/misspelt.yaml" >/dev/null 2>&1; then
  echo "FAILED: a Job with a misspelt field passed the strict validation"
  status=1
fi

while read -r source; do
  [ -e "$repo/$source" ] || { echo "FAILED: the Dockerfile copies $source, which does not exist"; status=1; }
done < <(sed -n 's/^COPY \(scripts\/[^ ]*\) .*/\1/p' "$here/Dockerfile")

[ $status -eq 0 ] && echo "PASSED: manifests valid (Kubernetes $version schemas, strict); Dockerfile sources present"
exit $status
