# The CUDA architectures built: SASS for every entry of GPUBENCH_CUDA_ARCHS plus PTX of the newest,
# so a future GPU can still JIT the code ("native": the present GPUs', found by CMake).
#
# Blackwell's entries (100: B200, 120: GeForce and RTX PRO Blackwell) need CUDA 12.8 or newer, and
# the toolkit's version is known only after project(), whose compiler check already builds for
# CMAKE_CUDA_ARCHITECTURES. So project() runs with the entries every supported toolkit (12.4+)
# has, and gpubench_cuda_archs_after_project() adds Blackwell's when the toolkit builds them, or
# drops them from GPUBENCH_CUDA_ARCHS (as a normal variable shadowing the cache) and says so.
set(GPUBENCH_CUDA_128_ARCHS 100 120)

function(_gpubench_architectures_of archs out)
  set(_archs ${archs})
  list(SORT _archs COMPARE NATURAL)
  list(POP_BACK _archs _newest)
  list(TRANSFORM _archs APPEND "-real")
  set(${out} ${_archs} ${_newest} PARENT_SCOPE)
endfunction()

macro(gpubench_cuda_archs_before_project)
  set(_gpubench_early_archs ${GPUBENCH_CUDA_ARCHS})
  if(NOT GPUBENCH_CUDA_ARCHS STREQUAL "native")
    list(REMOVE_ITEM _gpubench_early_archs ${GPUBENCH_CUDA_128_ARCHS})
  endif()
  if(NOT _gpubench_early_archs)  # a Blackwell-only list: any old architecture passes the check
    set(_gpubench_early_archs 89)
  endif()
  _gpubench_architectures_of("${_gpubench_early_archs}" CMAKE_CUDA_ARCHITECTURES)
endmacro()

macro(gpubench_cuda_archs_after_project)
  if(NOT GPUBENCH_CUDA_ARCHS STREQUAL "native")
    if(CMAKE_CUDA_COMPILER_VERSION VERSION_LESS 12.8)
      set(_gpubench_dropped ${GPUBENCH_CUDA_ARCHS})
      list(REMOVE_ITEM GPUBENCH_CUDA_ARCHS ${GPUBENCH_CUDA_128_ARCHS})
      if(NOT _gpubench_dropped STREQUAL GPUBENCH_CUDA_ARCHS)
        message(STATUS "CUDA ${CMAKE_CUDA_COMPILER_VERSION} builds no sm_100 or sm_120 code "
          "(CUDA 12.8 does): building for ${GPUBENCH_CUDA_ARCHS} only.")
      endif()
      if(NOT GPUBENCH_CUDA_ARCHS)
        message(FATAL_ERROR "GPUBENCH_CUDA_ARCHS names only Blackwell architectures, which need "
          "CUDA 12.8 or newer.")
      endif()
    endif()
    _gpubench_architectures_of("${GPUBENCH_CUDA_ARCHS}" CMAKE_CUDA_ARCHITECTURES)
  endif()
endmacro()
