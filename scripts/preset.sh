# Sourced by the scripts: which CMake preset and build directory to use.
# Argument 1, else $GPUBENCH_PRESET, else "ci" under CI (SASS for sm_89 only, to keep a 2-core
# build short) and "default" elsewhere (SASS for sm_75..sm_90 plus PTX).
preset=${1:-${GPUBENCH_PRESET:-}}
if [ -z "$preset" ]; then
  if [ "${CI:-}" = true ]; then preset=ci; else preset=default; fi
fi
build_dir="$repo/build"
[ "$preset" = default ] || build_dir="$repo/build-$preset"
