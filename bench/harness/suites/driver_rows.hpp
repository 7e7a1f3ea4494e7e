#pragma once
// The driver suite's row bodies, shared by its two source files: driver_suite.cpp (launches,
// graphs, synchronisation, copies, allocation, and the registration) and driver_library_rows.cpp
// (module loading and cuBLAS). Each body times its call through time_host_calls and checks what
// the call did after every sample.

#include <benchmark/benchmark.h>

#include "harness/suite_context.hpp"
#include "harness/timing.hpp"
#include "model/driver_plan.hpp"

namespace gpubench::driver_suite {

// The suite's sampling: the profile's driver_stopping, the context's telemetry, no throttle
// judgement.
HostTimingPolicy host_policy(SuiteContext& context);

// latency_us (the median sample) or, for a rate row, ops_per_s (kernels per second).
void report(benchmark::State& state, const DriverRow& row, const TimedLaunches& timed);

void module_row(benchmark::State& state, SuiteContext& context, const DriverRow& row);
void cublas_row(benchmark::State& state, SuiteContext& context, const DriverRow& row);

// Whether gpubench was built with a cubin of the sentinel module for this device.
bool module_cubin_available(const SuiteContext& context);

}  // namespace gpubench::driver_suite
