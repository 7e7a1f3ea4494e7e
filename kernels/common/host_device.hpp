#pragma once
// GPUBENCH_HD marks the small constexpr functions that both the kernels and their CPU tests call
// (index, layout and hashing math), so one definition serves the device and the tests.

#if defined(__CUDACC__)
#define GPUBENCH_HD __host__ __device__
#else
#define GPUBENCH_HD
#endif
