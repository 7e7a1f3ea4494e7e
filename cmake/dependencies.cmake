# The libraries and tools gpubench builds with, and the NVIDIA headers it finds for itself
# (included once from the top-level CMakeLists.txt, after project()).

find_package(CUDAToolkit REQUIRED)
find_package(GTest REQUIRED)
find_package(benchmark REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json REQUIRED)
# The results loader parses with simdjson (a fleet reads a thousand 3 MB runs; Debian: libsimdjson-dev).
find_package(simdjson REQUIRED)
find_package(CLI11 REQUIRED)
# The `gpubench check` thresholds file (TOML), read with Debian's libtomlplusplus-dev.
find_package(tomlplusplus REQUIRED)
find_package(Threads REQUIRED)
find_package(Python3 COMPONENTS Interpreter REQUIRED)

# cuobjdump for the SASS audits (the toolkit's, or the one scripts/setup.sh fetched from PyPI).
set(GPUBENCH_CUOBJDUMP "" CACHE FILEPATH "cuobjdump used by the SASS audit tests")

# nvml.h: the toolkit's own, or the one scripts/setup.sh fetched from PyPI. Only its types are used;
# the library itself is dlopen'ed at run time so binaries start where no driver is installed.
find_path(GPUBENCH_NVML_INCLUDE_DIR nvml.h
  HINTS ${GPUBENCH_NVML_INCLUDE_DIR} ${CUDAToolkit_INCLUDE_DIRS} NO_CACHE)
if(NOT GPUBENCH_NVML_INCLUDE_DIR)
  message(FATAL_ERROR "nvml.h not found: run scripts/setup.sh (it fetches nvidia-nvml-dev).")
endif()

# CUPTI's headers (the toolkit's own, or extras/CUPTI on older layouts). Optional: without them the
# GEMM suite names no kernels and reads no counters, and says so. The library itself is dlopen'ed.
find_path(GPUBENCH_CUPTI_INCLUDE_DIR cupti_activity.h
  HINTS ${CUDAToolkit_INCLUDE_DIRS} ${CUDAToolkit_TARGET_DIR}/extras/CUPTI/include
  ${CUDAToolkit_LIBRARY_ROOT}/extras/CUPTI/include NO_CACHE)
set(GPUBENCH_HAVE_CUPTI 0)
set(GPUBENCH_HAVE_CUPTI_RANGE_PROFILER 0)
if(GPUBENCH_CUPTI_INCLUDE_DIR)
  set(GPUBENCH_HAVE_CUPTI 1)
  if(EXISTS ${GPUBENCH_CUPTI_INCLUDE_DIR}/cupti_range_profiler.h)
    set(GPUBENCH_HAVE_CUPTI_RANGE_PROFILER 1)  # CUDA 12.6+
  endif()
else()
  message(STATUS "CUPTI headers not found: GEMM rows will name no kernels and read no counters.")
endif()
