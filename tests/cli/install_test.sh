#!/usr/bin/env bash
# Installs gpubench into a temporary prefix and runs it from another directory: `specs`, `report`
# with its plots and `history --plot` must work without the source tree (the plot scripts are
# compiled in). Usage: install_test.sh BUILD_DIR SOURCE_DIR. Exit 0 ok, 1 failed, 77 skipped (no
# Python with matplotlib here, so plots cannot be checked).
set -euo pipefail
build=$1
source_dir=$2
prefix=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$prefix" "$work"' EXIT
fail() { echo "install test: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
gpubench="$prefix/bin/gpubench"
[ -x "$gpubench" ] || fail "no $gpubench after cmake --install"
# The runs travel as copies: nothing below reads the source tree.
cp "$source_dir"/tests/fixtures/runs/h200-b376421/quick{1,2}.json "$work/"
cd "$work"

"$gpubench" specs list | grep rtx-4070 >/dev/null || fail "specs list names no rtx-4070"
"$gpubench" specs compare rtx-4070 l4 >/dev/null || fail "specs compare failed"

"$gpubench" report quick1.json -o report.html 2>report.err || fail "report: $(cat report.err)"
if grep -q "no plots" report.err; then
  if grep -q "matplotlib" report.err; then echo "skip: $(cat report.err)"; exit 77; fi
  fail "report drew no plots: $(cat report.err)"
fi
python3 "$source_dir/tests/render/check_report_html.py" report.html 4 || fail "report.html"
"$gpubench" report quick1.json --json | python3 -c 'import json,sys; json.load(sys.stdin)["headline"][0]' ||
  fail "report --json"

"$gpubench" history quick1.json quick2.json --plot history.png >/dev/null 2>history.err ||
  fail "history --plot: $(cat history.err)"
[ -s history.png ] || fail "history --plot wrote no history.png"
echo "ok: installed gpubench ran specs, report (with plots) and history --plot from $work"
