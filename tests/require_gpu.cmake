# Read by ctest itself (TEST_INCLUDE_FILES), not by the configure step: the require_gpu test exists
# only when ctest runs with GPUBENCH_REQUIRE_GPU=1, because without a GPU it fails by design.
if("$ENV{GPUBENCH_REQUIRE_GPU}" STREQUAL "1")
  add_test(RequireGpu.EveryGpuTestRunsOrFailsWithItsReason "${GPUBENCH_TESTS_BINARY}" --gtest_brief=1)
  set_tests_properties(RequireGpu.EveryGpuTestRunsOrFailsWithItsReason PROPERTIES
    LABELS require_gpu ENVIRONMENT GPUBENCH_REQUIRE_GPU=1 TIMEOUT 600
    WORKING_DIRECTORY "${GPUBENCH_BUILD_DIR}")
endif()
