# --- gpubench_kernels_sm120a: the tensor peaks of GeForce and RTX PRO Blackwell (compute capability
# 12.0; with CUDA 12.9 and newer also GB10's 12.1, as sm_121a code in the same library): mma.sync
# of .kind::f8f6f4 and the block-scaled kinds (mxf8f6f4, mxf4, mxf4nvf4), which
# exist only in arch-specific sm_120a code (PTX ISA 8.7, CUDA 12.8 and newer). Like the sm_90a
# library they build for sm_120a whatever GPUBENCH_CUDA_ARCHS says, so the CI preset (sm_89 for the
# rest) compiles and SASS-audits them (tests/kernels/sass_audit_sm120a_test.cpp). Their launchers
# check for a 12.0 device first. Switched off (or with CUDA older than 12.8) the same source builds
# for GPUBENCH_CUDA_ARCHS with empty kernels and every sm_120 row is skipped with its reason. The
# "native" preset builds them only when a present GPU is 12.x (scripts/native_archs.sh decides the
# same from nvidia-smi). Included from the root CMakeLists.txt after add_subdirectory(kernels).
set(_gpubench_sm120a_default ON)
if(CMAKE_CUDA_COMPILER_VERSION VERSION_LESS 12.8)
  set(_gpubench_sm120a_default OFF)
elseif(GPUBENCH_CUDA_ARCHS STREQUAL "native" AND NOT "120" IN_LIST GPUBENCH_BUILT_ARCHS AND
       NOT "121" IN_LIST GPUBENCH_BUILT_ARCHS)
  set(_gpubench_sm120a_default OFF)
endif()
option(GPUBENCH_SM120A_KERNELS "Build the sm_120a FP4/FP6/block-scaled mma.sync kernels"
  ${_gpubench_sm120a_default})
if(GPUBENCH_SM120A_KERNELS AND CMAKE_CUDA_COMPILER_VERSION VERSION_LESS 12.8)
  message(FATAL_ERROR "GPUBENCH_SM120A_KERNELS needs CUDA 12.8 or newer (sm_120a); found "
    "${CMAKE_CUDA_COMPILER_VERSION}.")
endif()
add_library(gpubench_kernels_sm120a OBJECT kernels/compute/sm120_kernels.cu)
target_include_directories(gpubench_kernels_sm120a PRIVATE ${PROJECT_SOURCE_DIR}
                           ${PROJECT_SOURCE_DIR}/include)
target_link_libraries(gpubench_kernels_sm120a PRIVATE CUDA::cudart_static)
target_compile_options(gpubench_kernels_sm120a PRIVATE
  $<$<COMPILE_LANGUAGE:CUDA>:--Werror=all-warnings -Xcompiler=-Wall,-Wextra,-Werror -Xptxas=-warn-spills>)
if(GPUBENCH_SM120A_KERNELS)
  set_target_properties(gpubench_kernels_sm120a PROPERTIES CUDA_ARCHITECTURES OFF)
  target_compile_options(gpubench_kernels_sm120a PRIVATE
    $<$<COMPILE_LANGUAGE:CUDA>:--generate-code=arch=compute_120a,code=sm_120a>)
  target_compile_definitions(gpubench_kernels_sm120a PRIVATE GPUBENCH_SM120A_KERNELS=1)
  # sm_121a (GB10) exists from CUDA 12.9; nvcc 13.0 gives it the same QMMA/OMMA code as sm_120a.
  if(CMAKE_CUDA_COMPILER_VERSION VERSION_GREATER_EQUAL 12.9)
    target_compile_options(gpubench_kernels_sm120a PRIVATE
      $<$<COMPILE_LANGUAGE:CUDA>:--generate-code=arch=compute_121a,code=sm_121a>)
    target_compile_definitions(gpubench_kernels_sm120a PRIVATE GPUBENCH_SM121A_KERNELS=1)
  endif()
endif()
target_sources(gpubench_kernels PRIVATE $<TARGET_OBJECTS:gpubench_kernels_sm120a>)
