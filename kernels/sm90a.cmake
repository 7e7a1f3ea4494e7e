# --- gpubench_kernels_sm90a: Hopper's own fast path (wgmma, TMA, mbarrier pipelines). Those
# instructions exist only in arch-specific sm_90a code, which runs on compute capability 9.0 alone,
# so these kernels build in their own object library for sm_90a whatever GPUBENCH_CUDA_ARCHS says:
# the CI preset (sm_89 for the rest) still compiles and SASS-audits them. Their host launchers
# check for a 9.0 device before launching. Every supported toolkit (12.4+) has sm_90a; switched
# off, the same sources build for GPUBENCH_CUDA_ARCHS with empty kernels and the launchers decline.
# The "native" preset builds them only when a present GPU is 9.0 (scripts/run.sh decides the same
# from nvidia-smi before configuring). Included from the top-level CMakeLists.txt after
# gpubench_kernels is defined (kernels/CMakeLists.txt); its paths are relative to the repository.
set(_gpubench_sm90a_default ON)
if(GPUBENCH_CUDA_ARCHS STREQUAL "native" AND NOT "90" IN_LIST GPUBENCH_BUILT_ARCHS)
  set(_gpubench_sm90a_default OFF)
endif()
option(GPUBENCH_SM90A_KERNELS "Build the Hopper wgmma/TMA kernels (sm_90a)"
  ${_gpubench_sm90a_default})
add_library(gpubench_kernels_sm90a OBJECT
  kernels/compute/wgmma_kernels.cu
  kernels/gemm/wgmma_hgemm.cu)
target_include_directories(gpubench_kernels_sm90a PRIVATE ${PROJECT_SOURCE_DIR}
                           ${PROJECT_SOURCE_DIR}/include)
target_link_libraries(gpubench_kernels_sm90a PRIVATE CUDA::cudart_static)
target_compile_options(gpubench_kernels_sm90a PRIVATE
  $<$<COMPILE_LANGUAGE:CUDA>:--Werror=all-warnings -Xcompiler=-Wall,-Wextra,-Werror -Xptxas=-warn-spills>)
# ptxas notes wgmma it serialized and warpgroup waits it injected (C75xx) as "info", which no
# -Werror reaches: scripts/ptxas_guard.py fails the compile on them instead (before ccache, so a
# cached object's replayed notes fail it too).
set_property(TARGET gpubench_kernels_sm90a PROPERTY CUDA_COMPILER_LAUNCHER ${Python3_EXECUTABLE}
  ${PROJECT_SOURCE_DIR}/scripts/ptxas_guard.py ${CMAKE_CUDA_COMPILER_LAUNCHER})
if(GPUBENCH_SM90A_KERNELS)
  set_target_properties(gpubench_kernels_sm90a PROPERTIES CUDA_ARCHITECTURES OFF)
  target_compile_options(gpubench_kernels_sm90a PRIVATE
    $<$<COMPILE_LANGUAGE:CUDA>:--generate-code=arch=compute_90a,code=sm_90a>)
  target_compile_definitions(gpubench_kernels_sm90a PRIVATE GPUBENCH_SM90A_KERNELS=1)
endif()
target_sources(gpubench_kernels PRIVATE $<TARGET_OBJECTS:gpubench_kernels_sm90a>)
