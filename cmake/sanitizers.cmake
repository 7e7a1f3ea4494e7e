# ---- Sanitizers and fuzzing (CMakePresets.json: "sanitize"; scripts/test.sh runs it) ----
# GPUBENCH_SANITIZE: every host C++ file built with AddressSanitizer + UndefinedBehaviorSanitizer
#   (leaks included), so the whole test suite and the gpubench binary it runs are checked. nvcc's
#   device code is left as it is: the sanitizers see host memory only.
# GPUBENCH_FUZZ: libFuzzer targets for the parsers of outside input (fuzz/); needs clang. Implies
#   the sanitizers, plus coverage instrumentation of the host libraries the targets link.
# The "sanitize" preset turns on both in one clang build tree (build-sanitize/): the host libraries
# are compiled once, instrumented, and serve the test binary, the CLI the tests run and the fuzz
# targets (ASan's runtime supplies the coverage callbacks outside libFuzzer). At -O1 with line
# tables only, which keeps a cold build on CI's two cores short; the sanitizers need nothing more.
option(GPUBENCH_SANITIZE "Build host code with AddressSanitizer and UBSan" OFF)
option(GPUBENCH_FUZZ "Build the libFuzzer targets in fuzz/ (clang only)" OFF)

if(GPUBENCH_FUZZ AND NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "GPUBENCH_FUZZ needs clang (libFuzzer); configure with the fuzz preset, "
                      "which sets CMAKE_CXX_COMPILER=clang++ (scripts/setup.sh installs it).")
endif()

if(GPUBENCH_SANITIZE OR GPUBENCH_FUZZ)
  set(_gpubench_sanitizers -fsanitize=address -fsanitize=undefined -fno-sanitize-recover=all
    -fno-omit-frame-pointer)
  if(GPUBENCH_FUZZ)
    list(APPEND _gpubench_sanitizers -fsanitize=fuzzer-no-link)
  endif()
  # Host C++ only: nvcc would pass these to its host compiler for the kernels' stubs, which gains
  # nothing and costs a second toolchain's runtime.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC's flow-sensitive warnings misfire on its own instrumented code (libstdc++'s <regex> and
    # <string> under -Werror); the sanitizers check those very things at run time instead.
    list(APPEND _gpubench_sanitizers -Wno-maybe-uninitialized -Wno-stringop-overflow
      -Wno-array-bounds -Wno-restrict)
  endif()
  foreach(flag IN LISTS _gpubench_sanitizers)
    add_compile_options($<$<COMPILE_LANGUAGE:CXX>:${flag}>)
  endforeach()
  add_link_options(-fsanitize=address -fsanitize=undefined)
endif()

# Called at the end of the top-level CMakeLists.txt, once the host libraries exist.
function(gpubench_add_fuzz_targets)
  if(GPUBENCH_FUZZ)
    add_subdirectory(${PROJECT_SOURCE_DIR}/fuzz ${PROJECT_BINARY_DIR}/fuzz)
  endif()
endfunction()
# ---- end of sanitizers and fuzzing ----
