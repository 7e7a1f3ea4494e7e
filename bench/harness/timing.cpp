#include "harness/timing.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

#include "gpubench/counters.hpp"
#include "gpubench/headlines.hpp"
#include "harness/device_buffer.hpp"
#include "harness/power_window.hpp"
#include "harness/progress.hpp"
#include "harness/stream_hold.hpp"
#include "harness/telemetry.hpp"
#include "model/cold_batch.hpp"
#include "model/contention.hpp"
#include "model/sample_series.hpp"
#include "model/stream_hold_rule.hpp"
#include "platform/nvml_library.hpp"

namespace gpubench {

namespace {

// What the one sampling loop needs besides the sample itself.
struct SampleLoop {
  StoppingRule stopping;
  std::optional<double> reference_clock_mhz;  // none: no sample is judged throttled
  SampleLog* log = nullptr;                   // --samples-out: every sample recorded there
  int launches_per_sample = 1;
  SamplingBudget* budget = nullptr;  // the run's pool; null: each repetition within its share
};

// Adds one repetition's samples to the --samples-out side file.
void record_samples(const SampleLoop& loop, const SampleSeries& series,
                    std::span<const TelemetrySample> readings) {
  SampledRepetition repetition{current_benchmark_name() + "/manual_time",
                               current_repetition(),
                               loop.launches_per_sample,
                               {},
                               {}};
  const std::vector<bool> throttled = series.throttled(readings);
  for (std::size_t i = 0; i < series.samples().size(); ++i) {
    repetition.seconds.push_back(series.samples()[i].seconds);
    if (throttled[i]) repetition.throttled.push_back(i);
  }
  loop.log->add(std::move(repetition));
}

// What the loop saw: the kept samples' summary and when gpubench had work in flight, which the
// contention check compares with the GPU's utilization.
struct SampledLoop {
  SampleSummary summary;
  std::vector<BusyInterval> own_work;
};

// The one sampling loop: takes samples (take_sample returns the seconds one measured) until the
// stopping rule is met, per google/benchmark iteration, while the sampler records telemetry; sets
// the manual time to their median. Each iteration may sample for its share of the run's budget
// plus what the pool lends, and settles what it took with the pool.
SampledLoop sample_until_stable(benchmark::State& state, const SampleLoop& loop,
                                TelemetrySampler& sampler,
                                const std::function<double()>& take_sample) {
  SampledLoop sampled;
  for (auto _ : state) {
    const double share_s = loop.stopping.budget_s;
    SampleSeries series(loop.stopping, loop.reference_clock_mhz,
                        loop.budget ? loop.budget->allowance_s(share_s) : share_s);
    const double loop_begin_s = sampler.seconds_since_start();
    double elapsed_s = 0;
    for (;;) {
      const double begin_s = sampler.seconds_since_start();
      const double seconds = take_sample();
      const double end_s = sampler.seconds_since_start();
      sampled.own_work.push_back({begin_s, end_s});
      series.add(TimedSample{.seconds = seconds, .begin_s = begin_s, .end_s = end_s},
                 sampler.readings());
      elapsed_s = end_s - loop_begin_s;
      if (series.should_stop(elapsed_s) || interrupted()) break;
    }
    if (loop.budget) loop.budget->settle(share_s, elapsed_s);
    const std::vector<TelemetrySample> readings = sampler.readings(/*take_one_now=*/true);
    sampled.summary = series.summarize(readings);
    if (loop.log) record_samples(loop, series, readings);
    state.SetIterationTime(sampled.summary.median_seconds);
  }
  return sampled;
}

// The counters and label of the run's conditions: telemetry, throttling, contention (judged on the
// telemetry up to timed_end_s, with gpubench's own work from the activity log when
// `own_work_known`: every GPU work of the loop is in sampled.own_work) and the samples' summary.
TimedLaunches add_condition_counters(benchmark::State& state, const SampledLoop& sampled,
                                     const TelemetrySampler& sampler,
                                     const std::vector<TelemetrySample>& timed_samples,
                                     double timed_end_s, bool own_work_known) {
  TimedLaunches timed;
  const SampleSummary& summary = sampled.summary;
  const TelemetrySummary telemetry = summarize_telemetry(timed_samples);
  add_telemetry_counters(state, telemetry);
  timed.label = throttle_label(telemetry.clock_event_reasons);
  OwnActivity own{sampled.own_work, {}};
  if (own_work_known) {
    own_activity_log().record(sampler, sampled.own_work, {0, timed_end_s});
    own = own_activity_log().recent(sampler);
  }
  const ContentionFinding contention =
      detect_contention(timed_samples, own, sampler.contention_scope(), 0, timed_end_s);
  timed.contended = contention.contended;
  for (const auto& [name, value] : contention_counters(contention))
    state.counters[std::string(name)] = value;
  if (const std::string text = contention_label(contention); !text.empty()) {
    timed.label = timed.label.empty() ? text : timed.label + "; " + text;
  }
  if (!timed.label.empty()) state.SetLabel(timed.label);
  counter(state, counters::kSamples) = static_cast<double>(summary.kept);
  counter(state, counters::kThrottledSamples) = static_cast<double>(summary.throttled);
  // Quartiles of one or two samples say nothing about the noise; the spread across repetitions
  // (the cv aggregate) still does.
  if (summary.kept >= 3) counter(state, counters::kNoisePct) = summary.relative_spread * 100;
  if (summary.kept >= 3) counter(state, counters::kMedianCiPct) = summary.median_uncertainty * 100;
  counter(state, counters::kSamplingS) = summary.sampling_s;
  counter(state, counters::kConverged) = summary.reason == StopReason::kConverged ? 1 : 0;
  timed.median_seconds = summary.median_seconds;
  timed.relative_spread = summary.relative_spread;
  timed.samples = summary.kept;
  timed.throttled = summary.throttled;
  timed.sm_clock_mhz = summary.sm_clock_mhz;
  return timed;
}

// A sample whose hold ended by its timeout timed the host's queueing too, or one of its launches
// waited for the held stream: never a figure. It is taken again; kHoldTimeoutTries in a row fail
// the benchmark.
[[noreturn]] void throw_hold_timed_out(const StreamHold& hold) {
  throw std::runtime_error(fmt::format(
      "{} samples in a row had their launches not all queued within {} ms of holding the stream "
      "(a launch that waits for the stream, or a host too busy to queue them); rerun it, or time "
      "it without the hold (--no-stream-hold)",
      kHoldTimeoutTries, hold.timeout_ns() / 1'000'000));
}

// One sample of time_launches: the L2 flush, then the hold (the first kMaxHeldLaunches launches
// are queued behind it), the start event, the launches (launch i on operand copy i) and the stop
// event. The copy in use returns to 0 however the sample ends.
struct LaunchSampler {
  SuiteContext& context;
  const Enqueue& enqueue;
  const TimingPolicy& policy;
  int launches_per_sample;
  int copies;  // 0: the benchmark does not rotate copies
  bool flush;
  StreamHold* hold;      // null: the run does not hold the stream
  bool launched_before;  // a warm-up, an earlier repetition or sample ran the launches
  OwnedEvent start{}, stop{};

  double operator()() {
    for (int timeouts = 1;; ++timeouts) {
      if (const std::optional<double> seconds = take_once()) return *seconds;
      if (!retake_after_hold_timeout(timeouts)) throw_hold_timed_out(*hold);
    }
  }

  // The sample's seconds per launch; nullopt when its hold timed out.
  std::optional<double> take_once() {
    const cudaStream_t stream = context.stream();
    if (flush) context.flush_l2();
    HeldStream held(
        hold_this_sample(policy.hold_stream, hold != nullptr, launched_before) ? hold : nullptr,
        stream);
    launched_before = true;
    const CopyInUse copy_in_use{policy};
    GPUBENCH_CUDA_CHECK(cudaEventRecord(start.get(), stream));
    for (int i = 0; i < launches_per_sample; ++i) {
      if (i == kMaxHeldLaunches) held.release();
      copy_in_use.use(operand_copy_of_launch(i, copies));
      enqueue(stream);
    }
    GPUBENCH_CUDA_CHECK(cudaEventRecord(stop.get(), stream));
    held.release();
    GPUBENCH_CUDA_CHECK(cudaEventSynchronize(stop.get()));
    if (held.timed_out()) return std::nullopt;
    float milliseconds = 0;
    GPUBENCH_CUDA_CHECK(cudaEventElapsedTime(&milliseconds, start.get(), stop.get()));
    return milliseconds / 1e3 / launches_per_sample;
  }

  // Points the benchmark's launches at an operand copy, and back at copy 0 when destroyed.
  struct CopyInUse {
    const TimingPolicy& policy;
    void use(int copy) const {
      if (policy.use_operand_copy) policy.use_operand_copy(copy);
    }
    ~CopyInUse() { use(0); }
  };
};

// Adds a note on how the loop timed to the label time_launches leaves (set_label keeps it).
void add_label_note(benchmark::State& state, TimedLaunches& timed, const std::string& note) {
  timed.label = timed.label.empty() ? note : timed.label + "; " + note;
  state.SetLabel(timed.label);
}

}  // namespace

TimedLaunches time_launches(benchmark::State& state, SuiteContext& context, const Enqueue& enqueue,
                            const TimingPolicy& policy) {
  cudaStream_t stream = context.stream();
  const std::string& name = current_benchmark_name();
  // Warmed up until its launches have run once in this process: a repetition after one that
  // failed before launching warms up again, so its first sample is not held behind a lazy load.
  const bool launched_before = context.launched(name);
  const int warm_up_launches = launched_before ? 0 : policy.warm_up_launches;
  for (int i = 0; i < warm_up_launches; ++i)
    enqueue(stream);
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
  if (warm_up_launches > 0) context.mark_launched(name);

  const auto reference = context.throttle_reference_clock();
  const RunOptions& run = context.options();
  const bool flush = policy.flush_l2 && run.flush_l2;
  const int copies = policy.use_operand_copy ? std::max(1, policy.operand_copies) : 0;
  const int requested = policy.batches ? run.launches_per_sample : 1;
  const SampleLoop loop{
      .stopping = run.profile.stopping,
      .reference_clock_mhz = reference ? std::optional<double>(reference->mhz) : std::nullopt,
      .log = run.sample_log,
      .launches_per_sample = launches_per_sample_for(requested, flush, copies),
      .budget = run.sampling_budget};
  LaunchSampler take_sample{context,
                            enqueue,
                            policy,
                            loop.launches_per_sample,
                            copies,
                            flush,
                            context.stream_hold(),
                            launched_before || warm_up_launches > 0};
  TelemetrySampler sampler(context.telemetry());  // samples while the timed loop runs
  const SampledLoop sampled =
      sample_until_stable(state, loop, sampler, [&] { return take_sample(); });
  context.mark_launched(name);
  if (policy.after_timed_launches) policy.after_timed_launches();
  const double timed_end_s = sampler.seconds_since_start();
  const std::vector<TelemetrySample> timed_samples = sampler.readings(/*take_one_now=*/true);
  if (policy.sustained_power.value_or(headlines::sustained_power(name)) && !interrupted() &&
      context.claim_sustained_window(name)) {
    add_sustained_power_counters(
        state, name,
        run_sustained_window(context, enqueue, sampler, sampled.summary.median_seconds),
        sampled.summary.median_seconds);
  }
  sampler.stop();
  throw_if_gpu_lost();
  TimedLaunches timed =
      add_condition_counters(state, sampled, sampler, timed_samples, timed_end_s, true);
  timed.launches_per_sample = loop.launches_per_sample;
  if (loop.launches_per_sample < requested) {
    add_label_note(
        state, timed,
        fmt::format("one launch per sample: {} copies of the operands do not fit", requested));
  }
  if (policy.measure_sm_clock) {
    // The clock of the timed launches; a probe afterwards (which reads near boost on a
    // power-capped load) only where NVML gives no clock.
    counter(state, counters::kSmClockMhz) =
        timed.sm_clock_mhz ? *timed.sm_clock_mhz : context.measure_sm_clock_mhz();
  }
  return timed;
}

TimedLaunches time_host_calls(benchmark::State& state, const HostCall& call,
                              const HostTimingPolicy& policy) {
  const auto run_untimed = [](const std::function<void()>& step) {
    if (step) step();
  };
  const int warm_up_calls = current_repetition() == 0 ? policy.warm_up_calls : 0;
  for (int i = 0; i < warm_up_calls; ++i) {
    run_untimed(call.prepare);
    call.call();
    run_untimed(call.finish);
  }
  const SampleLoop loop{.stopping = policy.stopping,
                        .reference_clock_mhz = policy.reference_clock_mhz,
                        .budget = policy.budget};
  TelemetrySampler sampler(policy.telemetry);
  const SampledLoop sampled = sample_until_stable(state, loop, sampler, [&] {
    run_untimed(call.prepare);
    const auto begin = std::chrono::steady_clock::now();
    call.call();
    const auto end = std::chrono::steady_clock::now();
    run_untimed(call.finish);
    return std::chrono::duration<double>(end - begin).count();
  });
  const double timed_end_s = sampler.seconds_since_start();
  const std::vector<TelemetrySample> timed_samples = sampler.stop();
  throw_if_gpu_lost();
  // A host call's GPU work may outlast it and its untimed steps use the GPU: not known work.
  return add_condition_counters(state, sampled, sampler, timed_samples, timed_end_s, false);
}

void set_label(benchmark::State& state, const TimedLaunches& timed, std::string_view label) {
  std::string text(label);
  if (!timed.label.empty()) text += text.empty() ? timed.label : "; " + timed.label;
  state.SetLabel(text);
}

void add_rate_counters(benchmark::State& state, const SuiteContext& context,
                       double bytes_per_launch, std::string_view spec_key) {
  using benchmark::Counter;
  const double gigabytes = bytes_per_launch / 1e9;
  counter(state, counters::kBandwidthGbs) = Counter(gigabytes, Counter::kIsIterationInvariantRate);
  if (const auto power = state.counters.find(std::string(counters::kPowerMeanW));
      power != state.counters.end() && power->second.value > 0) {
    counter(state, counters::kGbsPerW) =
        Counter(gigabytes / power->second.value, Counter::kIsIterationInvariantRate);
  }
  add_spec_counters(state, context, gigabytes, spec_key);
}

void add_spec_counters(benchmark::State& state, const SuiteContext& context,
                       double amount_per_launch, std::string_view spec_key) {
  using benchmark::Counter;
  if (const auto spec = context.sheet().number(spec_key)) {
    counter(state, counters::kPctOfSpec) =
        Counter(amount_per_launch / *spec * 100, Counter::kIsIterationInvariantRate);
  }
  if (context.counterpart()) {
    if (const auto other = context.counterpart()->number(spec_key)) {
      counter(state, counters::kVsCounterpart) =
          Counter(amount_per_launch / *other, Counter::kIsIterationInvariantRate);
    }
  }
}

void add_clock_peak_counter(benchmark::State& state, const SuiteContext& context,
                            double tera_ops_per_launch, Throughput throughput, double clock_mhz) {
  const DeviceInfo& device = context.device();
  if (const auto peak = peak_tera_ops(device.compute_capability, context.sheet().product_class,
                                      throughput, device.sm_count, clock_mhz)) {
    counter(state, counters::kPctOfClockPeak) = benchmark::Counter(
        tera_ops_per_launch / *peak * 100, benchmark::Counter::kIsIterationInvariantRate);
  }
}

void run_guarded(benchmark::State& state, std::string_view name,
                 const std::function<void()>& body) {
  if (interrupted()) {
    state.SkipWithError(std::string(kSkippedAfterInterrupt).c_str());
    return;
  }
  if (gpu_lost()) {
    state.SkipWithError("not run: the GPU was lost");
    return;
  }
  try {
    body();
  } catch (const VerificationError& error) {
    const std::string message = fmt::format("VERIFICATION FAILED: {}", error.what());
    fmt::print(stderr, "gpubench: {}: {}\n", name, message);
    state.SkipWithError(message.c_str());
  } catch (const std::exception& error) {
    fmt::print(stderr, "gpubench: {}: {}\n", name, error.what());
    state.SkipWithError(error.what());
  }
}

TimingPolicy own_clock_policy(const common::ClockSample* device_clock, common::ClockSample& host) {
  return TimingPolicy{.warm_up_launches = 1,
                      .flush_l2 = false,
                      .measure_sm_clock = false,
                      .after_timed_launches =
                          [device_clock, &host] {
                            GPUBENCH_CUDA_CHECK(cudaMemcpy(&host, device_clock, sizeof host,
                                                           cudaMemcpyDeviceToHost));
                          },
                      .batches = false};
}

}  // namespace gpubench
